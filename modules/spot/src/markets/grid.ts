// Decimal prices and quantities <-> the engine's integer grid of a market. Exact: every conversion is
// bigint arithmetic on decimals parsed at 18 places; a value off the grid is refused, never rounded.
import { DomainError } from '@tradeloom/kernel';
import '../errors.js';
import { formatAmount, MoneyError, parseAmount } from '@tradeloom/money';

const SCALE = 18;
const ONE = 10n ** BigInt(SCALE);
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** What a conversion needs of a market. */
export interface Grid {
  tickSize: string;
  lotSize: string;
  quotePrecision: number;
}

function parse18(text: string, code: string, field: string): bigint {
  try {
    return parseAmount(text, SCALE, { max: 10n ** 38n });
  } catch (error) {
    if (error instanceof MoneyError) throw new DomainError(code, `${field}: ${error.message}`, { field });
    throw error;
  }
}

/** Decimal places of a decimal string ("0.010" → 3). */
function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** Trims trailing zeros of a decimal string but keeps `min` decimals. */
function trimTo(text: string, min: number): string {
  const dot = text.indexOf('.');
  if (dot < 0) return text;
  let end = text.length;
  while (end > dot + 1 + min && text[end - 1] === '0') end--;
  return text.slice(0, end === dot + 1 ? dot : end);
}

/** The engine grid of a market: base units per lot and quote units per lot per tick. */
export function marketGrid(input: {
  basePrecision: number;
  quotePrecision: number;
  tickSize: string;
  lotSize: string;
}): { lotUnits: number; tickQuoteUnits: number } {
  const tick = parse18(input.tickSize, 'SPOT_MARKET_GRID_INVALID', 'tickSize');
  const lot = parse18(input.lotSize, 'SPOT_MARKET_GRID_INVALID', 'lotSize');
  if (tick === 0n || lot === 0n)
    throw new DomainError('SPOT_MARKET_GRID_INVALID', 'tickSize and lotSize must be positive');
  const baseUnit = 10n ** BigInt(SCALE - input.basePrecision);
  if (lot % baseUnit !== 0n) {
    throw new DomainError(
      'SPOT_MARKET_GRID_INVALID',
      `lotSize ${input.lotSize} is finer than the base asset's precision (${input.basePrecision} decimals)`,
    );
  }
  // tick x lot, in quote units: (tick * lot / 10^36) * 10^quotePrecision must be a whole number.
  const numerator = tick * lot * 10n ** BigInt(input.quotePrecision);
  if (numerator % (ONE * ONE) !== 0n) {
    throw new DomainError(
      'SPOT_MARKET_GRID_INVALID',
      `tickSize x lotSize (${input.tickSize} x ${input.lotSize}) is finer than the quote asset's precision (${input.quotePrecision} decimals): raise one of them`,
    );
  }
  const lotUnits = lot / baseUnit;
  const tickQuoteUnits = numerator / (ONE * ONE);
  if (lotUnits > SAFE_MAX || tickQuoteUnits > SAFE_MAX) {
    throw new DomainError('SPOT_MARKET_GRID_INVALID', 'tickSize or lotSize is too large');
  }
  return { lotUnits: Number(lotUnits), tickQuoteUnits: Number(tickQuoteUnits) };
}

/** A decimal price as ticks; SPOT_PRICE_INVALID when it is not a positive multiple of the tick. */
export function toTicks(price: string, grid: Grid, field = 'price'): number {
  const p = parse18(price, 'SPOT_PRICE_INVALID', field);
  const tick = parse18(grid.tickSize, 'SPOT_PRICE_INVALID', 'tickSize');
  if (p === 0n || p % tick !== 0n) {
    throw new DomainError(
      'SPOT_PRICE_INVALID',
      `${field} ${price} is not a positive multiple of the tick size ${grid.tickSize}`,
      {
        field,
      },
    );
  }
  const ticks = p / tick;
  if (ticks > SAFE_MAX)
    throw new DomainError('SPOT_PRICE_INVALID', `${field} ${price} is too large`, { field });
  return Number(ticks);
}

/** A decimal quantity as lots; SPOT_QUANTITY_INVALID when it is not a positive multiple of the lot. */
export function toLots(qty: string, grid: Grid, field = 'quantity'): number {
  const q = parse18(qty, 'SPOT_QUANTITY_INVALID', field);
  const lot = parse18(grid.lotSize, 'SPOT_QUANTITY_INVALID', 'lotSize');
  if (q === 0n || q % lot !== 0n) {
    throw new DomainError(
      'SPOT_QUANTITY_INVALID',
      `${field} ${qty} is not a positive multiple of the lot size ${grid.lotSize}`,
      {
        field,
      },
    );
  }
  const lots = q / lot;
  if (lots > SAFE_MAX)
    throw new DomainError('SPOT_QUANTITY_INVALID', `${field} ${qty} is too large`, { field });
  return Number(lots);
}

/** A decimal quote amount in quote units (exact at the quote precision). */
export function toQuoteUnits(amount: string, grid: Grid, field = 'quoteOrderQty'): number {
  try {
    return Number(parseAmount(amount, grid.quotePrecision, { allowZero: false, max: SAFE_MAX }));
  } catch (error) {
    if (error instanceof MoneyError)
      throw new DomainError('SPOT_QUANTITY_INVALID', `${field}: ${error.message}`, { field });
    throw error;
  }
}

/** Ticks as a decimal price with the tick size's decimals. */
export function fromTicks(ticks: number, grid: Grid): string {
  const d = decimalsOf(grid.tickSize);
  return trimTo(
    formatAmount(BigInt(ticks) * parse18(grid.tickSize, 'SPOT_PRICE_INVALID', 'tickSize'), SCALE),
    d,
  );
}

/** Lots as a decimal quantity with the lot size's decimals. */
export function fromLots(lots: number, grid: Grid): string {
  const d = decimalsOf(grid.lotSize);
  return trimTo(
    formatAmount(BigInt(lots) * parse18(grid.lotSize, 'SPOT_QUANTITY_INVALID', 'lotSize'), SCALE),
    d,
  );
}

/** Quote units as a decimal at the quote precision. */
export function fromQuoteUnits(units: number | bigint, grid: Grid): string {
  return formatAmount(BigInt(units), grid.quotePrecision);
}

/** A fee rate decimal ("0.001") as parts per million; SPOT_MARKET_GRID_INVALID beyond 1e-6 steps or 10%. */
export function feePpm(rate: string, field: string): number {
  const r = parse18(rate, 'SPOT_MARKET_GRID_INVALID', field);
  const unit = 10n ** 12n;
  if (r % unit !== 0n)
    throw new DomainError('SPOT_MARKET_GRID_INVALID', `${field} ${rate}: at most 6 decimals`, { field });
  const ppm = r / unit;
  if (ppm > 100_000n)
    throw new DomainError('SPOT_MARKET_GRID_INVALID', `${field} ${rate}: at most 0.1 (10%)`, { field });
  return Number(ppm);
}

/**
 * A decimal string with at least `places` decimals, finer digits kept and trailing zeros past
 * `places` dropped: how Binance writes every price and quantity ("0.01000000").
 */
export function padDecimals(decimal: string, places = 8): string {
  const dot = decimal.indexOf('.');
  if (dot < 0) return `${decimal}.${'0'.repeat(places)}`;
  const decimals = decimal.length - dot - 1;
  if (decimals >= places) {
    let end = decimal.length;
    while (end > dot + 1 + places && decimal[end - 1] === '0') end--;
    return decimal.slice(0, end);
  }
  return decimal + '0'.repeat(places - decimals);
}
