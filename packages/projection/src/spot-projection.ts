// Orders and candles from engine events (the spot exchange's read model). Each batch reads the
// orders it touches, applies the events in memory and writes each touched order once.
import type { DatabaseTransaction, Queryable } from '@tradeloom/db';
import type { EngineEvent } from '@tradeloom/engine';
import { CANDLE_INTERVALS, periodStart } from './candle-intervals.js';
import { isEffective, type ProjectionHandler } from './projected-command.js';

interface OrderRow {
  order_id: number;
  list_id: number;
  client_order_id: string | null;
  user_no: number;
  market_id: number;
  side: string;
  type: string;
  time_in_force: string;
  stp: string;
  price_ticks: number;
  qty_lots: number;
  quote_qty: number;
  stop_price_ticks: number;
  trailing_delta_bps: number;
  status: string;
  close_reason: string | null;
  pending: boolean;
  filled_lots: number;
  filled_notional: number;
  fees: number;
  created_seq: number;
  updated_seq: number;
  created_at: string;
  updated_at: string;
}

const COLUMNS: readonly (keyof OrderRow)[] = [
  'order_id',
  'list_id',
  'client_order_id',
  'user_no',
  'market_id',
  'side',
  'type',
  'time_in_force',
  'stp',
  'price_ticks',
  'qty_lots',
  'quote_qty',
  'stop_price_ticks',
  'trailing_delta_bps',
  'status',
  'close_reason',
  'pending',
  'filled_lots',
  'filled_notional',
  'fees',
  'created_seq',
  'updated_seq',
  'created_at',
  'updated_at',
];
const TYPES = [
  'int8',
  'int8',
  'text',
  'int8',
  'int4',
  'text',
  'text',
  'text',
  'text',
  'int8',
  'int8',
  'int8',
  'int8',
  'int4',
  'text',
  'text',
  'bool',
  'int8',
  'int8',
  'int8',
  'int8',
  'int8',
  'timestamptz',
  'timestamptz',
];

interface Candle {
  marketId: number;
  interval: string;
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  base: number;
  quote: number;
  takerBuyBase: number;
  takerBuyQuote: number;
  trades: number;
  firstTradeId: number;
  lastTradeId: number;
}

/** The projection handler of spot orders and candles. */
export function createSpotProjection(): ProjectionHandler {
  return {
    name: 'spot',
    async apply(tx, batch) {
      const touchedIds = new Set<number>();
      for (const { result } of batch) {
        if (!isEffective(result)) continue;
        for (const e of result.events) {
          if (e.type === 'trade') {
            touchedIds.add(e.buyOrderId);
            touchedIds.add(e.sellOrderId);
          } else if (e.type === 'orderClosed' || e.type === 'orderTriggered') touchedIds.add(e.orderId);
        }
      }
      const orders = await loadOrders(tx, touchedIds);
      const changed = new Map<number, OrderRow>();
      const candles = new Map<string, Candle>();
      for (const { seq, ts, result } of batch) {
        if (!isEffective(result)) continue;
        const at = new Date(ts).toISOString();
        for (const e of result.events) applyEvent(e, seq, at, ts, orders, changed, candles);
      }
      await writeOrders(tx, [...changed.values()]);
      await writeCandles(tx, [...candles.values()]);
    },
  };
}

async function loadOrders(db: Queryable, ids: Set<number>): Promise<Map<number, OrderRow>> {
  const orders = new Map<number, OrderRow>();
  if (ids.size === 0) return orders;
  const { rows } = await db.query(
    `SELECT ${COLUMNS.join(', ')} FROM spot_orders WHERE order_id = ANY($1::int8[])`,
    [[...ids]],
  );
  for (const r of rows) {
    const row = {} as Record<string, unknown>;
    for (const c of COLUMNS) {
      const v = r[c];
      row[c] = typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : v;
    }
    orders.set(Number(r.order_id), row as unknown as OrderRow);
  }
  return orders;
}

function applyEvent(
  e: EngineEvent,
  seq: number,
  at: string,
  ts: number,
  orders: Map<number, OrderRow>,
  changed: Map<number, OrderRow>,
  candles: Map<string, Candle>,
): void {
  const touch = (row: OrderRow) => {
    row.updated_seq = seq;
    row.updated_at = at;
    changed.set(row.order_id, row);
  };
  switch (e.type) {
    case 'orderAccepted': {
      const row: OrderRow = {
        order_id: e.orderId,
        list_id: e.listId,
        client_order_id: e.clientOrderId,
        user_no: e.user,
        market_id: e.marketId,
        side: e.side,
        type: e.orderType,
        time_in_force: e.timeInForce,
        stp: e.stp,
        price_ticks: e.price,
        qty_lots: e.qty,
        quote_qty: e.quoteQty,
        stop_price_ticks: e.stopPrice,
        trailing_delta_bps: e.trailingDeltaBps,
        status: 'NEW',
        close_reason: null,
        pending: e.pending,
        filled_lots: 0,
        filled_notional: 0,
        fees: 0,
        created_seq: seq,
        updated_seq: seq,
        created_at: at,
        updated_at: at,
      };
      orders.set(e.orderId, row);
      touch(row);
      break;
    }
    case 'orderTriggered': {
      const row = orders.get(e.orderId);
      if (row !== undefined) {
        row.pending = false;
        touch(row);
      }
      break;
    }
    case 'trade': {
      for (const [id, fee] of [
        [e.buyOrderId, e.buyerFee],
        [e.sellOrderId, e.sellerFee],
      ] as const) {
        const row = orders.get(id);
        if (row === undefined) continue;
        row.filled_lots += e.qty;
        row.filled_notional += e.notional;
        row.fees += fee;
        if (row.status === 'NEW') row.status = 'PARTIALLY_FILLED';
        touch(row);
      }
      addToCandles(candles, e, ts);
      break;
    }
    case 'orderClosed': {
      const row = orders.get(e.orderId);
      if (row !== undefined) {
        row.status = e.reason === 'STP' ? 'EXPIRED_IN_MATCH' : e.status;
        row.close_reason = e.reason;
        row.pending = false;
        touch(row);
      }
      break;
    }
    default:
      break;
  }
}

function addToCandles(
  candles: Map<string, Candle>,
  e: Extract<EngineEvent, { type: 'trade' }>,
  ts: number,
): void {
  const takerBuys = e.takerSide === 'BUY';
  for (const interval of CANDLE_INTERVALS) {
    const openTime = periodStart(interval, ts);
    const key = `${e.marketId}|${interval}|${openTime}`;
    const c = candles.get(key);
    if (c === undefined) {
      candles.set(key, {
        marketId: e.marketId,
        interval,
        openTime,
        open: e.price,
        high: e.price,
        low: e.price,
        close: e.price,
        base: e.baseAmount,
        quote: e.notional,
        takerBuyBase: takerBuys ? e.baseAmount : 0,
        takerBuyQuote: takerBuys ? e.notional : 0,
        trades: 1,
        firstTradeId: e.tradeId,
        lastTradeId: e.tradeId,
      });
    } else {
      c.high = Math.max(c.high, e.price);
      c.low = Math.min(c.low, e.price);
      c.close = e.price;
      c.base += e.baseAmount;
      c.quote += e.notional;
      if (takerBuys) {
        c.takerBuyBase += e.baseAmount;
        c.takerBuyQuote += e.notional;
      }
      c.trades++;
      c.lastTradeId = e.tradeId;
    }
  }
}

async function writeOrders(tx: DatabaseTransaction, rows: OrderRow[]): Promise<void> {
  if (rows.length === 0) return;
  const params = COLUMNS.map((c) => rows.map((r) => r[c]));
  const unnest = TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ');
  const updates = COLUMNS.filter((c) => c !== 'order_id' && c !== 'created_seq' && c !== 'created_at')
    .map((c) => `${c} = EXCLUDED.${c}`)
    .join(', ');
  await tx.query(
    `INSERT INTO spot_orders (${COLUMNS.join(', ')}) SELECT * FROM unnest(${unnest})
     ON CONFLICT (order_id) DO UPDATE SET ${updates}`,
    params,
  );
}

async function writeCandles(tx: DatabaseTransaction, candles: Candle[]): Promise<void> {
  if (candles.length === 0) return;
  const cols: (keyof Candle)[] = [
    'marketId',
    'interval',
    'openTime',
    'open',
    'high',
    'low',
    'close',
    'base',
    'quote',
    'takerBuyBase',
    'takerBuyQuote',
    'trades',
    'firstTradeId',
    'lastTradeId',
  ];
  const types = [
    'int4',
    'text',
    'int8',
    'int8',
    'int8',
    'int8',
    'int8',
    'int8',
    'int8',
    'int8',
    'int8',
    'int4',
    'int8',
    'int8',
  ];
  await tx.query(
    `INSERT INTO spot_candles (market_id, interval, open_time, open_ticks, high_ticks, low_ticks, close_ticks,
       base_volume, quote_volume, taker_buy_base_volume, taker_buy_quote_volume, trades, first_trade_id, last_trade_id)
     SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})
     ON CONFLICT (market_id, interval, open_time) DO UPDATE SET
       high_ticks = greatest(spot_candles.high_ticks, EXCLUDED.high_ticks),
       low_ticks = least(spot_candles.low_ticks, EXCLUDED.low_ticks),
       close_ticks = EXCLUDED.close_ticks,
       base_volume = spot_candles.base_volume + EXCLUDED.base_volume,
       quote_volume = spot_candles.quote_volume + EXCLUDED.quote_volume,
       taker_buy_base_volume = spot_candles.taker_buy_base_volume + EXCLUDED.taker_buy_base_volume,
       taker_buy_quote_volume = spot_candles.taker_buy_quote_volume + EXCLUDED.taker_buy_quote_volume,
       trades = spot_candles.trades + EXCLUDED.trades,
       last_trade_id = EXCLUDED.last_trade_id`,
    cols.map((c) => candles.map((x) => x[c])),
  );
}
