-- Currencies the platform holds, the networks (chains, banks, gateways) they move on, and limits per
-- KYC level. Amounts are integers in the asset's smallest unit (10^-precision), as in the engine.
CREATE TABLE wallet_assets (
  code text PRIMARY KEY CHECK (code ~ '^[A-Z0-9]{1,16}$'),
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('fiat', 'crypto')),
  precision smallint NOT NULL CHECK (precision BETWEEN 0 AND 12),
  icon_url text,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  sort_order integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE wallet_networks (
  id text PRIMARY KEY,
  asset text NOT NULL REFERENCES wallet_assets (code),
  -- Lowercase slug: 'bitcoin', 'ethereum', 'tron', 'sepa'. The engine's outside-world account for
  -- the asset on this network is the system account 'external:<network>'.
  network text NOT NULL CHECK (network ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
  name text NOT NULL,
  deposit_enabled boolean NOT NULL DEFAULT true,
  withdraw_enabled boolean NOT NULL DEFAULT true,
  withdraw_fee bigint NOT NULL DEFAULT 0 CHECK (withdraw_fee >= 0),
  withdraw_min bigint NOT NULL DEFAULT 0 CHECK (withdraw_min >= 0),
  withdraw_max bigint CHECK (withdraw_max IS NULL OR withdraw_max > 0),
  deposit_min bigint NOT NULL DEFAULT 0 CHECK (deposit_min >= 0),
  confirmations integer NOT NULL DEFAULT 1 CHECK (confirmations >= 0),
  memo_required boolean NOT NULL DEFAULT false,
  -- A pattern withdrawal addresses must match (checked before anything is held); null = any.
  address_pattern text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (asset, network)
);

-- Limits per asset and KYC level (level 0 = no verification). Null = no limit.
CREATE TABLE wallet_limits (
  asset text NOT NULL REFERENCES wallet_assets (code),
  kyc_level smallint NOT NULL CHECK (kyc_level BETWEEN 0 AND 9),
  withdraw_daily_max bigint CHECK (withdraw_daily_max IS NULL OR withdraw_daily_max >= 0),
  withdraw_per_tx_max bigint CHECK (withdraw_per_tx_max IS NULL OR withdraw_per_tx_max >= 0),
  deposit_daily_max bigint CHECK (deposit_daily_max IS NULL OR deposit_daily_max >= 0),
  PRIMARY KEY (asset, kyc_level)
);
