-- The engine names account owners by number (its hot path has no strings); this is the one place a
-- platform user id becomes that number. Numbers are never reused: a closed account keeps its row.
CREATE TABLE engine_accounts (
  user_id text PRIMARY KEY REFERENCES users (id),
  account_no bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
