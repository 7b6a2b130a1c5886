-- Orders and candles: the spot exchange's read model, written only by the projector.
-- Prices are in ticks and quantities in lots of their market (ledger_markets.spec); quote amounts in
-- quote units.
CREATE TABLE spot_orders (
  order_id bigint PRIMARY KEY,
  list_id bigint NOT NULL DEFAULT 0,
  client_order_id text,
  user_no bigint NOT NULL,
  market_id integer NOT NULL,
  side text NOT NULL,
  type text NOT NULL,
  time_in_force text NOT NULL,
  stp text NOT NULL,
  price_ticks bigint NOT NULL,
  qty_lots bigint NOT NULL,
  quote_qty bigint NOT NULL,
  stop_price_ticks bigint NOT NULL,
  trailing_delta_bps integer NOT NULL,
  -- NEW, PARTIALLY_FILLED, FILLED, CANCELED, EXPIRED, EXPIRED_IN_MATCH (self-trade prevention)
  status text NOT NULL,
  close_reason text,
  -- A stop order still waiting for its trigger.
  pending boolean NOT NULL,
  filled_lots bigint NOT NULL DEFAULT 0,
  filled_notional bigint NOT NULL DEFAULT 0,
  -- Fees this order's owner paid on its fills, in quote units.
  fees bigint NOT NULL DEFAULT 0,
  created_seq bigint NOT NULL,
  updated_seq bigint NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX spot_orders_user ON spot_orders (user_no, market_id, order_id);
CREATE INDEX spot_orders_open ON spot_orders (user_no, market_id)
  WHERE status IN ('NEW', 'PARTIALLY_FILLED');
CREATE INDEX spot_orders_client ON spot_orders (user_no, client_order_id) WHERE client_order_id IS NOT NULL;

-- One row per market, interval and period; built from trades (open = first trade's price).
CREATE TABLE spot_candles (
  market_id integer NOT NULL,
  interval text NOT NULL,
  open_time bigint NOT NULL,
  open_ticks bigint NOT NULL,
  high_ticks bigint NOT NULL,
  low_ticks bigint NOT NULL,
  close_ticks bigint NOT NULL,
  base_volume bigint NOT NULL,
  quote_volume bigint NOT NULL,
  taker_buy_base_volume bigint NOT NULL,
  taker_buy_quote_volume bigint NOT NULL,
  trades integer NOT NULL,
  first_trade_id bigint NOT NULL,
  last_trade_id bigint NOT NULL,
  PRIMARY KEY (market_id, interval, open_time)
);
