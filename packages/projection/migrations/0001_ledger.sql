-- The ledger's read model, written only by the projector from engine events (never by a request).
-- Amounts are integers in the asset's smallest unit (the engine's units).

-- Assets and markets as the engine knows them: the projector needs their scale and a market's
-- base/quote to turn trade events into postings.
CREATE TABLE ledger_assets (
  asset text PRIMARY KEY,
  scale smallint NOT NULL,
  seq bigint NOT NULL
);

CREATE TABLE ledger_markets (
  market_id integer PRIMARY KEY,
  symbol text NOT NULL,
  base text NOT NULL,
  quote text NOT NULL,
  spec jsonb NOT NULL,
  seq bigint NOT NULL
);

-- One row per balance movement of one account. Summed per account they give its balance at any
-- command sequence: that is what reconciliation compares with the engine.
CREATE TABLE ledger_postings (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  command_seq bigint NOT NULL,
  event_seq bigint NOT NULL,
  -- 'u:<user>:<wallet>' or 's:<system name>'
  account text NOT NULL,
  user_no bigint,
  wallet text,
  asset text NOT NULL,
  d_available bigint NOT NULL,
  d_held bigint NOT NULL,
  -- transfer kinds (deposit, withdrawal, internal, ...) or hold, release, order, trade, fee
  kind text NOT NULL,
  ref text NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX ledger_postings_user ON ledger_postings (user_no, command_seq) WHERE user_no IS NOT NULL;
CREATE INDEX ledger_postings_account ON ledger_postings (account, asset, command_seq);

-- Current balance per account, the running sum of its postings (kept in the same transaction).
CREATE TABLE ledger_balances (
  account text NOT NULL,
  asset text NOT NULL,
  user_no bigint,
  wallet text,
  available bigint NOT NULL,
  held bigint NOT NULL,
  command_seq bigint NOT NULL,
  PRIMARY KEY (account, asset)
);
CREATE INDEX ledger_balances_user ON ledger_balances (user_no) WHERE user_no IS NOT NULL;

-- Every transfer the engine made, by its idempotency key: the source of deposit, withdrawal and
-- transfer history.
CREATE TABLE ledger_transfers (
  key text PRIMARY KEY,
  command_seq bigint NOT NULL,
  event_seq bigint NOT NULL,
  kind text NOT NULL,
  asset text NOT NULL,
  from_account text NOT NULL,
  to_account text NOT NULL,
  amount bigint NOT NULL,
  from_held boolean NOT NULL,
  at timestamptz NOT NULL
);

-- Trades (fills) with their fees: trade history and the platform's own price for rates.
CREATE TABLE ledger_trades (
  trade_id bigint PRIMARY KEY,
  command_seq bigint NOT NULL,
  market_id integer NOT NULL,
  price_ticks bigint NOT NULL,
  qty_lots bigint NOT NULL,
  base_amount bigint NOT NULL,
  notional bigint NOT NULL,
  taker_side text NOT NULL,
  buyer bigint NOT NULL,
  seller bigint NOT NULL,
  buy_order_id bigint NOT NULL,
  sell_order_id bigint NOT NULL,
  buyer_fee bigint NOT NULL,
  seller_fee bigint NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX ledger_trades_market ON ledger_trades (market_id, trade_id);
CREATE INDEX ledger_trades_buyer ON ledger_trades (buyer, trade_id);
CREATE INDEX ledger_trades_seller ON ledger_trades (seller, trade_id);

-- Orders open in the engine, with what a close event does not repeat (side and market): the
-- projector needs them to post an order's released hold to the right asset.
CREATE TABLE ledger_open_orders (
  order_id bigint PRIMARY KEY,
  market_id integer NOT NULL,
  user_no bigint NOT NULL,
  side text NOT NULL
);

INSERT INTO engine_projection_state (id, last_applied_seq) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
