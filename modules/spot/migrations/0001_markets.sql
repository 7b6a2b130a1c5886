-- Spot markets as operators define them, in decimals; the engine holds the same market on its integer
-- grid (lot_units, tick_quote_units; prices in ticks, quantities in lots).
CREATE TABLE spot_markets (
  -- The engine's market id.
  id integer PRIMARY KEY CHECK (id > 0),
  symbol text NOT NULL UNIQUE CHECK (symbol ~ '^[A-Z0-9]{2,32}$'),
  base text NOT NULL,
  quote text NOT NULL,
  base_precision smallint NOT NULL,
  quote_precision smallint NOT NULL,
  tick_size text NOT NULL,
  lot_size text NOT NULL,
  lot_units bigint NOT NULL CHECK (lot_units > 0),
  tick_quote_units bigint NOT NULL CHECK (tick_quote_units > 0),
  min_price text NOT NULL,
  max_price text NOT NULL,
  min_qty text NOT NULL,
  max_qty text NOT NULL,
  min_notional text NOT NULL,
  price_band_bps integer NOT NULL,
  max_num_orders integer NOT NULL,
  max_num_stop_orders integer NOT NULL,
  maker_fee text NOT NULL,
  taker_fee text NOT NULL,
  status text NOT NULL CHECK (status IN ('TRADING', 'HALTED', 'CANCEL_ONLY')),
  sort_order integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (base <> quote)
);

-- A user's watchlist.
CREATE TABLE spot_favorites (
  user_id text NOT NULL,
  market_id integer NOT NULL REFERENCES spot_markets (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, market_id)
);
