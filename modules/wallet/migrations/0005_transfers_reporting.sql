-- Transfers (between one's own wallets and between users), cached rates, daily PnL snapshots, and
-- the reconciliation runs and admin alerts. Balances are never stored here: the engine holds them,
-- the projection's ledger_* tables report them.

-- One row per transfer request that passed its checks. The engine command's idempotency key is
-- '<prefix>:<id>' ('wt:' between one's own wallets, 'tr:' between users), so re-driving a pending
-- row after a crash moves the money at most once.
CREATE TABLE wallet_transfers (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('wallet', 'internal')),
  from_user_id text NOT NULL REFERENCES users (id),
  to_user_id text NOT NULL REFERENCES users (id),
  asset text NOT NULL REFERENCES wallet_assets (code),
  amount bigint NOT NULL CHECK (amount > 0),
  from_wallet text NOT NULL,
  to_wallet text NOT NULL,
  -- How the sender named the recipient ('email' | 'userId'; 'self' for wallet transfers).
  recipient_by text NOT NULL CHECK (recipient_by IN ('email', 'userId', 'self')),
  -- The client's idempotency key: a retried request with it never transfers twice.
  client_transfer_id text,
  status text NOT NULL CHECK (status IN ('pending', 'completed', 'failed')),
  failure_code text,
  command_seq bigint,
  created_at timestamptz NOT NULL,
  completed_at timestamptz,
  UNIQUE (from_user_id, client_transfer_id),
  CHECK (kind = 'internal' OR from_user_id = to_user_id),
  CHECK (kind = 'wallet' OR from_user_id <> to_user_id)
);
CREATE INDEX wallet_transfers_from ON wallet_transfers (from_user_id, created_at DESC);
CREATE INDEX wallet_transfers_to ON wallet_transfers (to_user_id, created_at DESC);
CREATE INDEX wallet_transfers_pending ON wallet_transfers (created_at) WHERE status = 'pending';

-- The price of each asset in a quote (USDT), refreshed by the 'wallet-rates-refresh' job. The rate is
-- an exact decimal string (whole quote units per whole asset unit), never a float.
CREATE TABLE wallet_rates (
  asset text NOT NULL,
  quote text NOT NULL,
  rate text NOT NULL CHECK (rate ~ '^\d+(\.\d+)?$'),
  -- 'fixed', 'market:<symbol>', 'market:<symbol>+<symbol>' (through another asset), 'feed:<name>'
  source text NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (asset, quote)
);

-- Each user's total balance value in USDT at the end of a UTC day. Re-running a day changes nothing.
CREATE TABLE wallet_pnl_snapshots (
  user_id text NOT NULL REFERENCES users (id),
  day date NOT NULL,
  value_usdt numeric NOT NULL,
  -- Deposits, withdrawals and transfers from/to other users during the day, valued in USDT
  -- (positive = money came in): PnL = value - previous value - net flows.
  net_flows_usdt numeric NOT NULL,
  -- Assets held without a price (valued at zero).
  unpriced_assets text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, day)
);
CREATE INDEX wallet_pnl_snapshots_day ON wallet_pnl_snapshots (day);

-- Days whose snapshot run finished: the daily job's guard.
CREATE TABLE wallet_pnl_days (
  day date PRIMARY KEY,
  users integer NOT NULL,
  completed_at timestamptz NOT NULL
);

CREATE TABLE wallet_reconciliation_runs (
  id text PRIMARY KEY,
  -- Insertion order (the clock may stand still in tests, or step back).
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  started_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  -- The engine command sequence both sides were compared at.
  command_seq bigint NOT NULL,
  accounts integer NOT NULL,
  ok boolean NOT NULL,
  mismatches jsonb NOT NULL,
  unbalanced_assets jsonb NOT NULL,
  -- 'job' or the admin's user id
  triggered_by text NOT NULL
);

-- Alerts for the finance admins. A condition that persists bumps its open alert instead of adding one.
CREATE TABLE wallet_alerts (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  kind text NOT NULL,
  severity text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  message text NOT NULL,
  details jsonb NOT NULL,
  occurrences integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  acknowledged_by text,
  acknowledged_at timestamptz
);
CREATE INDEX wallet_alerts_open ON wallet_alerts (kind) WHERE acknowledged_at IS NULL;
