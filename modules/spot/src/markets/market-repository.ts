import type { Queryable } from '@tradeloom/db';
import type { MarketStatus } from '@tradeloom/engine';
import type { SpotMarket } from './market.js';

function marketOf(r: Record<string, unknown>): SpotMarket {
  return {
    id: Number(r.id),
    symbol: String(r.symbol),
    base: String(r.base),
    quote: String(r.quote),
    basePrecision: Number(r.base_precision),
    quotePrecision: Number(r.quote_precision),
    tickSize: String(r.tick_size),
    lotSize: String(r.lot_size),
    lotUnits: Number(r.lot_units),
    tickQuoteUnits: Number(r.tick_quote_units),
    minPrice: String(r.min_price),
    maxPrice: String(r.max_price),
    minQty: String(r.min_qty),
    maxQty: String(r.max_qty),
    minNotional: String(r.min_notional),
    priceBandBps: Number(r.price_band_bps),
    maxNumOrders: Number(r.max_num_orders),
    maxNumStopOrders: Number(r.max_num_stop_orders),
    makerFee: String(r.maker_fee),
    takerFee: String(r.taker_fee),
    status: r.status as MarketStatus,
    sortOrder: Number(r.sort_order),
  };
}

const COLUMNS = [
  'id',
  'symbol',
  'base',
  'quote',
  'base_precision',
  'quote_precision',
  'tick_size',
  'lot_size',
  'lot_units',
  'tick_quote_units',
  'min_price',
  'max_price',
  'min_qty',
  'max_qty',
  'min_notional',
  'price_band_bps',
  'max_num_orders',
  'max_num_stop_orders',
  'maker_fee',
  'taker_fee',
  'status',
  'sort_order',
] as const;

function valuesOf(m: SpotMarket): unknown[] {
  return [
    m.id,
    m.symbol,
    m.base,
    m.quote,
    m.basePrecision,
    m.quotePrecision,
    m.tickSize,
    m.lotSize,
    m.lotUnits,
    m.tickQuoteUnits,
    m.minPrice,
    m.maxPrice,
    m.minQty,
    m.maxQty,
    m.minNotional,
    m.priceBandBps,
    m.maxNumOrders,
    m.maxNumStopOrders,
    m.makerFee,
    m.takerFee,
    m.status,
    m.sortOrder,
  ];
}

export async function nextMarketId(db: Queryable): Promise<number> {
  const { rows } = await db.query('SELECT coalesce(max(id), 0) + 1 AS id FROM spot_markets');
  return Number(rows[0]?.id ?? 1);
}

export async function insertMarket(db: Queryable, m: SpotMarket): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO spot_markets (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
     ON CONFLICT DO NOTHING RETURNING id`,
    valuesOf(m),
  );
  return rows.length === 1;
}

export async function updateMarket(db: Queryable, m: SpotMarket): Promise<void> {
  const sets = COLUMNS.slice(1)
    .map((c, i) => `${c} = $${i + 2}`)
    .join(', ');
  await db.query(`UPDATE spot_markets SET ${sets}, updated_at = now() WHERE id = $1`, valuesOf(m));
}

export async function findMarket(
  db: Queryable,
  symbol: string,
  forUpdate = false,
): Promise<SpotMarket | null> {
  const { rows } = await db.query(
    `SELECT * FROM spot_markets WHERE symbol = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [symbol],
  );
  return rows[0] === undefined ? null : marketOf(rows[0]);
}

export async function listMarkets(db: Queryable): Promise<SpotMarket[]> {
  const { rows } = await db.query('SELECT * FROM spot_markets ORDER BY sort_order, symbol');
  return rows.map(marketOf);
}
