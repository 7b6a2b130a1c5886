-- WebAuthn passkeys: a second factor, and passwordless sign-in with discoverable credentials.
-- A user may hold several passkeys (one per device), so they get their own table rather than a
-- user_factors kind (that table keeps one active factor per kind and user).

CREATE TABLE passkeys (
  id text PRIMARY KEY,                                   -- pky_…
  user_id text NOT NULL REFERENCES users (id),
  credential_id text NOT NULL UNIQUE,                    -- base64url, as the authenticator names it
  public_key text NOT NULL,                              -- COSE public key, base64url (same on both drivers)
  counter bigint NOT NULL DEFAULT 0,                     -- signature counter; never accepted backwards
  transports text NOT NULL DEFAULT '[]',                 -- JSON array of hints ('internal', 'usb', …)
  aaguid text NOT NULL,                                  -- authenticator model (all zeros when not told)
  device_type text NOT NULL CHECK (device_type IN ('singleDevice', 'multiDevice')),
  backed_up boolean NOT NULL,
  label text NOT NULL,
  created_at timestamptz NOT NULL,
  last_used_at timestamptz
);
CREATE INDEX passkeys_user ON passkeys (user_id);

-- Challenges handed out for a WebAuthn ceremony: each is accepted once, before expires_at, for the
-- purpose (and, when set, the user) it was issued for.
CREATE TABLE webauthn_challenges (
  challenge text PRIMARY KEY,                            -- base64url, 32 random bytes
  purpose text NOT NULL CHECK (purpose IN ('registration', 'login', 'second_factor')),
  user_id text REFERENCES users (id),                    -- null for passwordless login (user not yet known)
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX webauthn_challenges_expires ON webauthn_challenges (expires_at);
