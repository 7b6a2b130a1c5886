-- Sign-in through an Ethereum wallet (EIP-4361) and OpenID Connect providers: the short-lived,
-- single-use values those flows keep between their two requests. Identities themselves live in
-- user_identities (0001).

-- Nonces handed out for Sign-In with Ethereum messages; each is accepted once, before expires_at.
CREATE TABLE siwe_nonces (
  nonce text PRIMARY KEY,                                -- 32 hex characters (EIP-4361: 8+ alphanumerics)
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX siwe_nonces_expires ON siwe_nonces (expires_at);

-- An OpenID Connect authorization request in flight, keyed by the HMAC of its `state`. The PKCE
-- verifier and the nonce never leave the server.
CREATE TABLE oidc_logins (
  state_hash text PRIMARY KEY,
  provider text NOT NULL,                                -- the configured provider id ('google')
  nonce text NOT NULL,
  code_verifier text NOT NULL,
  link_user_id text REFERENCES users (id),               -- set when a signed-in user links the provider
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX oidc_logins_expires ON oidc_logins (expires_at);
