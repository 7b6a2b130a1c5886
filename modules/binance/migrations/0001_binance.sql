-- The Binance-compatible API's own state: user data stream listen keys and OCO order lists' client ids.

-- A listen key names one user's data stream; it lapses 60 minutes after its last keepalive.
CREATE TABLE binance_listen_keys (
  listen_key text PRIMARY KEY CHECK (listen_key ~ '^[A-Za-z0-9]{60}$'),
  user_id text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX binance_listen_keys_user ON binance_listen_keys (user_id, expires_at);

-- An OCO placed through /api/v3: the engine's list id, its legs and the client's id for the list.
CREATE TABLE binance_order_lists (
  list_id bigint PRIMARY KEY,
  user_id text NOT NULL,
  symbol text NOT NULL,
  list_client_order_id text NOT NULL,
  order_ids bigint[] NOT NULL,
  created_ms bigint NOT NULL
);
CREATE INDEX binance_order_lists_user ON binance_order_lists (user_id, list_id);
CREATE INDEX binance_order_lists_client ON binance_order_lists (user_id, list_client_order_id);
