// GET /api/v3/exchangeInfo: the markets with Binance's symbol fields and filters, derived from each
// market's settings (tick, lot, min/max, min notional, price band, order count limits).
import type { SpotMarket } from '@tradeloom/spot';
import { fmt8 } from '../support/format.js';

/** The order types the engine runs (all of Binance's spot types). */
export const ORDER_TYPES = [
  'LIMIT',
  'LIMIT_MAKER',
  'MARKET',
  'STOP_LOSS',
  'STOP_LOSS_LIMIT',
  'TAKE_PROFIT',
  'TAKE_PROFIT_LIMIT',
] as const;

export const STP_MODES = ['NONE', 'EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'] as const;

/** The engine's bounds for trailingDelta (basis points). */
export const TRAILING_DELTA_MIN = 10;
export const TRAILING_DELTA_MAX = 2000;

/** The REQUEST_WEIGHT limit per IP and minute (Binance's current value). */
export const REQUEST_WEIGHT_PER_MINUTE = 6000;

const STATUS: Readonly<Record<string, string>> = { TRADING: 'TRADING', HALTED: 'HALT', CANCEL_ONLY: 'BREAK' };

/** Multiplies a decimal string by an integer exactly (for maxNotional = maxPrice x maxQty). */
function product(a: string, b: string): string {
  const scale = (s: string) => (s.includes('.') ? s.length - s.indexOf('.') - 1 : 0);
  const digits = BigInt(a.replace('.', '')) * BigInt(b.replace('.', ''));
  const places = scale(a) + scale(b);
  const text = digits.toString().padStart(places + 1, '0');
  return places === 0 ? text : `${text.slice(0, -places)}.${text.slice(-places)}`;
}

/** 1 ± bps/10,000 as a decimal string. */
function multiplier(bps: number, up: boolean): string {
  const value = up ? 10_000 + bps : 10_000 - bps;
  const text = String(value).padStart(5, '0');
  return `${text.slice(0, -4)}.${text.slice(-4)}`.replace(/\.?0+$/, '');
}

export function symbolInfo(m: SpotMarket): Record<string, unknown> {
  const filters: Record<string, unknown>[] = [
    {
      filterType: 'PRICE_FILTER',
      minPrice: fmt8(m.minPrice),
      maxPrice: fmt8(m.maxPrice),
      tickSize: fmt8(m.tickSize),
    },
    { filterType: 'LOT_SIZE', minQty: fmt8(m.minQty), maxQty: fmt8(m.maxQty), stepSize: fmt8(m.lotSize) },
    {
      filterType: 'MARKET_LOT_SIZE',
      minQty: fmt8(m.minQty),
      maxQty: fmt8(m.maxQty),
      stepSize: fmt8(m.lotSize),
    },
    {
      filterType: 'NOTIONAL',
      minNotional: fmt8(m.minNotional),
      // The engine checks the minimum on MARKET orders sized in quote (quoteOrderQty) only.
      applyMinToMarket: false,
      maxNotional: fmt8(product(m.maxPrice, m.maxQty)),
      applyMaxToMarket: false,
      avgPriceMins: 0,
    },
  ];
  if (m.priceBandBps > 0) {
    // The engine's band is around the last trade price, the same on both sides.
    filters.push({
      filterType: 'PERCENT_PRICE_BY_SIDE',
      bidMultiplierUp: multiplier(m.priceBandBps, true),
      bidMultiplierDown: multiplier(m.priceBandBps, false),
      askMultiplierUp: multiplier(m.priceBandBps, true),
      askMultiplierDown: multiplier(m.priceBandBps, false),
      avgPriceMins: 0,
    });
  }
  filters.push(
    {
      filterType: 'TRAILING_DELTA',
      minTrailingAboveDelta: TRAILING_DELTA_MIN,
      maxTrailingAboveDelta: TRAILING_DELTA_MAX,
      minTrailingBelowDelta: TRAILING_DELTA_MIN,
      maxTrailingBelowDelta: TRAILING_DELTA_MAX,
    },
    { filterType: 'MAX_NUM_ORDERS', maxNumOrders: m.maxNumOrders },
    { filterType: 'MAX_NUM_ALGO_ORDERS', maxNumAlgoOrders: m.maxNumStopOrders },
  );
  return {
    symbol: m.symbol,
    status: STATUS[m.status] ?? 'BREAK',
    baseAsset: m.base,
    baseAssetPrecision: m.basePrecision,
    quoteAsset: m.quote,
    quotePrecision: m.quotePrecision,
    quoteAssetPrecision: m.quotePrecision,
    baseCommissionPrecision: m.basePrecision,
    quoteCommissionPrecision: m.quotePrecision,
    orderTypes: [...ORDER_TYPES],
    icebergAllowed: false,
    ocoAllowed: true,
    otoAllowed: false,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: true,
    cancelReplaceAllowed: true,
    amendAllowed: false,
    pegInstructionsAllowed: false,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters,
    permissions: ['SPOT'],
    permissionSets: [['SPOT']],
    defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
    allowedSelfTradePreventionModes: [...STP_MODES],
  };
}

export function exchangeInfo(
  markets: readonly SpotMarket[],
  serverTime: number,
  weightLimit: number,
): Record<string, unknown> {
  return {
    timezone: 'UTC',
    serverTime,
    rateLimits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: weightLimit }],
    exchangeFilters: [],
    symbols: markets.map(symbolInfo),
    sors: [],
  };
}
