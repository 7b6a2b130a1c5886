-- Identity: users, their sign-in methods and second factors, sessions, one-time tokens, login history.
-- Every timestamp is written by the service from its clock (tests move it), never by a DEFAULT now().

-- The table other modules reference (the only cross-module foreign key allowed).
CREATE TABLE users (
  id text PRIMARY KEY,                                   -- usr_…
  email text NOT NULL,                                   -- trimmed and lower-cased (normalize-email.ts)
  email_verified_at timestamptz,
  password_hash text,                                    -- argon2id PHC string; null for accounts that sign in by other means only
  password_changed_at timestamptz,
  display_name text,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked')),
  anti_phishing_code text,
  withdrawals_locked_until timestamptz,                  -- set 24h ahead by password and factor changes
  failed_auth_count integer NOT NULL DEFAULT 0,          -- consecutive wrong passwords / codes
  locked_until timestamptz,                              -- lockout after too many of them
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (email);

-- Sign-in through someone else's proof of identity (OpenID Connect subject, Ethereum address): one row
-- per (provider, subject). Filled by the OIDC and SIWE flows when they land.
CREATE TABLE user_identities (
  id text PRIMARY KEY,                                   -- uid_…
  user_id text NOT NULL REFERENCES users (id),
  provider text NOT NULL,                                -- 'oidc:google', 'siwe'
  subject text NOT NULL,                                 -- the provider's stable id of the person
  email text,                                            -- what the provider said, for display
  created_at timestamptz NOT NULL,
  last_used_at timestamptz,
  UNIQUE (provider, subject)
);
CREATE INDEX user_identities_user ON user_identities (user_id);

-- Second factors. TOTP now; WebAuthn passkeys add a kind and their columns in a later migration.
CREATE TABLE user_factors (
  id text PRIMARY KEY,                                   -- fac_…
  user_id text NOT NULL REFERENCES users (id),
  kind text NOT NULL CHECK (kind IN ('totp')),
  status text NOT NULL CHECK (status IN ('pending', 'active')),
  label text,
  secret_sealed text,                                    -- TOTP seed, AES-256-GCM (secret-box.ts)
  last_used_step bigint,                                 -- TOTP: highest time step accepted (replay guard)
  created_at timestamptz NOT NULL,
  confirmed_at timestamptz,
  last_used_at timestamptz
);
CREATE UNIQUE INDEX user_factors_one_totp ON user_factors (user_id, kind, status);

-- One-time recovery codes of the second factor; HMAC-SHA256 of the code under a key from the master key.
CREATE TABLE recovery_codes (
  id text PRIMARY KEY,                                   -- rcv_…
  user_id text NOT NULL REFERENCES users (id),
  code_hash text NOT NULL,
  created_at timestamptz NOT NULL,
  used_at timestamptz,
  UNIQUE (user_id, code_hash)
);

-- Emailed links and the pending-login step; only an HMAC of each token is stored.
CREATE TABLE auth_tokens (
  token_hash text PRIMARY KEY,
  purpose text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password', 'change_email', 'pending_login')),
  user_id text NOT NULL REFERENCES users (id),
  email text,                                            -- the address a verify / change-email link went to
  attempts integer NOT NULL DEFAULT 0,                   -- wrong codes tried against a pending login
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX auth_tokens_user ON auth_tokens (user_id, purpose);

-- Server-side sessions; the cookie holds a random token, the table its HMAC.
CREATE TABLE sessions (
  id text PRIMARY KEY,                                   -- ses_…
  token_hash text NOT NULL UNIQUE,
  user_id text NOT NULL REFERENCES users (id),
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,                       -- absolute end, carried over when the session is rotated
  ip text,
  user_agent text,
  device_label text,
  second_factor_at timestamptz,                          -- when this session last proved a second factor
  revoked_at timestamptz,
  revoked_reason text
);
CREATE INDEX sessions_user ON sessions (user_id, revoked_at);

-- Browsers a user has signed in from (a random device cookie, stored as HMAC), for new-device mails.
CREATE TABLE known_devices (
  user_id text NOT NULL REFERENCES users (id),
  device_hash text NOT NULL,
  label text,
  first_seen_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, device_hash)
);

-- What the user sees as their login history (successes and failures against their account).
CREATE TABLE login_events (
  id text PRIMARY KEY,                                   -- lgn_…
  seq bigint GENERATED ALWAYS AS IDENTITY,               -- insertion order, for events of the same instant
  user_id text NOT NULL REFERENCES users (id),
  outcome text NOT NULL,                                 -- success, wrong_password, wrong_second_factor, locked, blocked, second_factor_required
  method text NOT NULL,                                  -- password, totp, recovery_code
  ip text,
  user_agent text,
  device_label text,
  created_at timestamptz NOT NULL
);
CREATE INDEX login_events_user ON login_events (user_id, created_at, seq);
