// Market parameters are checked once, at creation and update, so that every product in the
// matching hot path (price x lots x tick value, plus fees) provably stays a safe integer.
import { MAX_SAFE } from '../arith.js';
import type { MarketFees, MarketFilters, MarketSpec, MarketStatus } from '../commands.js';
import { MARKET_STATUSES } from '../commands.js';
import { FEE_PPM_MAX } from '../fees.js';
import type { Rejection } from '../reject.js';
import { reject } from '../reject.js';

const SYMBOL = /^[A-Z0-9]{2,32}$/;
const FILTER_KEYS: readonly string[] = [
  'minPrice',
  'maxPrice',
  'minQty',
  'maxQty',
  'minNotional',
  'priceBandBps',
  'maxNumOrders',
  'maxNumStopOrders',
];
const FEE_KEYS: readonly string[] = ['makerPpm', 'takerPpm'];
export const MARKET_ID_MAX = 65_535;
export const MAX_NUM_ORDERS_LIMIT = 1_000_000;

function positive(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0;
}

function nonNegative(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** Check the filters, fees and status a market would have; null when they are acceptable. */
export function validateMarketParams(
  lotUnits: number,
  tickQuoteUnits: number,
  f: MarketFilters,
  fees: MarketFees,
  status: MarketStatus,
): Rejection | null {
  const bad = (message: string) => reject('INVALID_MARKET', message);
  if (!positive(lotUnits) || !positive(tickQuoteUnits))
    return bad('lotUnits and tickQuoteUnits must be positive integers');
  if (typeof f !== 'object' || f === null) return bad('filters missing');
  // Unknown names would be stored in the spec (and its hash) while doing nothing: a typo must not pass.
  const unknown = Object.keys(f).find((k) => !FILTER_KEYS.includes(k));
  if (unknown !== undefined) return bad(`unknown filter ${unknown}`);
  if (!positive(f.minPrice) || !positive(f.maxPrice) || f.minPrice > f.maxPrice) {
    return bad('need 1 <= minPrice <= maxPrice');
  }
  if (!positive(f.minQty) || !positive(f.maxQty) || f.minQty > f.maxQty)
    return bad('need 1 <= minQty <= maxQty');
  if (!nonNegative(f.minNotional)) return bad('minNotional must be a non-negative integer');
  if (!nonNegative(f.priceBandBps) || f.priceBandBps >= 10_000)
    return bad('priceBandBps must be within [0, 9999]');
  if (!positive(f.maxNumOrders) || f.maxNumOrders > MAX_NUM_ORDERS_LIMIT) {
    return bad(`maxNumOrders must be within [1, ${MAX_NUM_ORDERS_LIMIT}]`);
  }
  if (!nonNegative(f.maxNumStopOrders) || f.maxNumStopOrders > f.maxNumOrders) {
    return bad('maxNumStopOrders must be within [0, maxNumOrders]');
  }
  if (typeof fees !== 'object' || fees === null) return bad('fees missing');
  const unknownFee = Object.keys(fees).find((k) => !FEE_KEYS.includes(k));
  if (unknownFee !== undefined) return bad(`unknown fee field ${unknownFee}`);
  for (const rate of [fees.makerPpm, fees.takerPpm]) {
    if (!nonNegative(rate) || rate > FEE_PPM_MAX)
      return bad(`fee rates must be within [0, ${FEE_PPM_MAX}] ppm`);
  }
  if (!MARKET_STATUSES.includes(status)) return bad(`status must be one of ${MARKET_STATUSES.join(', ')}`);
  // Headroom of 2x covers notional plus the highest fee, and sums of two amounts.
  const maxNotional = f.maxPrice * f.maxQty * tickQuoteUnits;
  if (!(maxNotional <= MAX_SAFE / 2)) return bad('maxPrice x maxQty x tickQuoteUnits must stay below 2^52');
  if (!(f.maxQty * lotUnits <= MAX_SAFE / 2)) return bad('maxQty x lotUnits must stay below 2^52');
  // The price band compares price x 10,000 with last x 20,000 at most.
  if (!(f.maxPrice * 20_000 <= MAX_SAFE)) return bad('maxPrice too large for the price band arithmetic');
  return null;
}

/** Validate a whole new market spec (identity plus parameters). */
export function validateMarketSpec(spec: MarketSpec): Rejection | null {
  if (typeof spec !== 'object' || spec === null) return reject('INVALID_MARKET', 'market missing');
  if (!positive(spec.id) || spec.id > MARKET_ID_MAX)
    return reject('INVALID_MARKET', `id must be within [1, ${MARKET_ID_MAX}]`);
  if (typeof spec.symbol !== 'string' || !SYMBOL.test(spec.symbol)) {
    return reject('INVALID_MARKET', 'symbol must be 2-32 characters of A-Z and 0-9');
  }
  if (spec.base === spec.quote) return reject('INVALID_MARKET', 'base and quote must differ');
  return validateMarketParams(spec.lotUnits, spec.tickQuoteUnits, spec.filters, spec.fees, spec.status);
}
