-- API keys: Binance-style credentials a user creates for bots. HMAC keys keep their secret
-- encrypted (AES-256-GCM, see src/secret-box.ts); Ed25519 keys keep only the public key.
-- user_id has no foreign key: identity's users table belongs to another module and is not always
-- migrated alongside (see README, "Decisions").
CREATE TABLE api_keys (
  id text PRIMARY KEY CHECK (id ~ '^key_[0-9a-z]+$'),
  user_id text NOT NULL,
  label text NOT NULL CHECK (char_length(label) BETWEEN 1 AND 64),
  type text NOT NULL CHECK (type IN ('HMAC', 'ED25519')),
  -- The public identifier sent in X-MBX-APIKEY.
  api_key text NOT NULL UNIQUE CHECK (api_key ~ '^[A-Za-z0-9]{64}$'),
  secret_ciphertext bytea,
  public_key text,
  scopes text[] NOT NULL CHECK (cardinality(scopes) > 0),
  ip_allow_list text[] NOT NULL DEFAULT '{}',
  expires_at timestamptz,
  created_at timestamptz NOT NULL,
  created_by text NOT NULL,
  last_used_at timestamptz,
  last_used_ip text,
  revoked_at timestamptz,
  revoked_by text,
  CONSTRAINT api_keys_credential_matches_type CHECK (
    (type = 'HMAC' AND secret_ciphertext IS NOT NULL AND public_key IS NULL)
    OR (type = 'ED25519' AND public_key IS NOT NULL AND secret_ciphertext IS NULL)
  ),
  CONSTRAINT api_keys_withdraw_needs_ip_allow_list CHECK (
    NOT ('withdraw' = ANY (scopes)) OR cardinality(ip_allow_list) > 0
  ),
  CONSTRAINT api_keys_revoked_by_with_revoked_at CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);

CREATE INDEX api_keys_user_id_idx ON api_keys (user_id, created_at);
