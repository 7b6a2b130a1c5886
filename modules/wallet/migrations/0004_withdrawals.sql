-- Withdrawals: the user's allow-list of addresses, their withdrawal preferences, the withdrawals
-- themselves and the approvals of finance admins. Amounts are integers in the asset's smallest unit.
-- Balances are never written here: the funds of a withdrawal are held in the engine under hold_id.

CREATE TABLE wallet_withdrawal_addresses (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id),
  asset text NOT NULL REFERENCES wallet_assets (code),
  network_id text NOT NULL REFERENCES wallet_networks (id),
  -- The network's slug, kept for display and for the payout (the engine account is external:<network>).
  network text NOT NULL,
  address text NOT NULL,
  -- '' when the network takes no memo/tag (so the uniqueness below needs no expression index).
  memo text NOT NULL DEFAULT '',
  label text NOT NULL,
  -- A new address is usable from here on (added + the delay, or at once when the user turned it off).
  usable_from timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (user_id, network_id, address, memo)
);
CREATE INDEX wallet_withdrawal_addresses_user ON wallet_withdrawal_addresses (user_id, created_at);

-- Per-user withdrawal preferences; no row = the defaults (the new-address delay is on).
CREATE TABLE wallet_withdrawal_preferences (
  user_id text PRIMARY KEY REFERENCES users (id),
  address_delay_disabled boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL
);

CREATE TABLE wallet_withdrawals (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id),
  account_no bigint NOT NULL,
  asset text NOT NULL REFERENCES wallet_assets (code),
  network_id text NOT NULL REFERENCES wallet_networks (id),
  network text NOT NULL,
  -- The allow-list entry it was paid to (no foreign key: the user may delete the entry later).
  address_id text,
  address text NOT NULL,
  memo text NOT NULL DEFAULT '',
  amount bigint NOT NULL CHECK (amount > 0),
  fee bigint NOT NULL CHECK (fee >= 0),
  -- The engine hold of amount + fee ('wd:<id>').
  hold_id text NOT NULL UNIQUE,
  -- holding: the row exists, the hold's outcome is not known yet (a crash here is reconciled by
  -- re-submitting the same hold id); pending: held, awaiting review; approved → processing →
  -- completed; rejected, cancelled, expired, failed: the hold is released.
  status text NOT NULL CHECK (status IN ('holding', 'pending', 'approved', 'processing', 'completed',
    'rejected', 'cancelled', 'expired', 'failed')),
  approvals_required smallint NOT NULL CHECK (approvals_required IN (1, 2)),
  -- The value in USDT units at request time (null when there was no price).
  value_usdt bigint,
  requested_via text NOT NULL CHECK (requested_via IN ('session', 'apiKey')),
  api_key_id text,
  -- Why it was rejected or failed (shown to the user).
  reason text,
  payout_adapter text,
  -- processing: the adapter took it and the tx id comes later (a manual payout).
  payout_awaiting boolean NOT NULL DEFAULT false,
  payout_tx_id text,
  payout_attempts integer NOT NULL DEFAULT 0,
  -- processing: the next attempt at the adapter is not before this (a lease, then back-off).
  next_attempt_at timestamptz,
  -- Terminal states that release the hold: null until the engine confirmed the release (a job
  -- finishes releases interrupted by a crash).
  hold_released_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  completed_at timestamptz
);
CREATE INDEX wallet_withdrawals_user ON wallet_withdrawals (user_id, created_at DESC);
CREATE INDEX wallet_withdrawals_status ON wallet_withdrawals (status, created_at);

CREATE TABLE wallet_withdrawal_approvals (
  withdrawal_id text NOT NULL REFERENCES wallet_withdrawals (id),
  admin_id text NOT NULL REFERENCES users (id),
  approved_at timestamptz NOT NULL,
  PRIMARY KEY (withdrawal_id, admin_id)
);
