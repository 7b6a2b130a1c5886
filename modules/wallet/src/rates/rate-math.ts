// Exact rate arithmetic. A rate is kept as a fraction of bigints while it is derived (a market price
// is a ratio of integers, a cross rate a product of two) and rounded once, to RATE_SCALE decimals,
// when it is stored or shown. Amounts never meet a float.
import { divRound, formatAmount, parseAmount } from '@tradeloom/money';

/** Decimals of a stored rate (whole quote units per whole asset unit). */
export const RATE_SCALE = 18;
const RATE_ONE = 10n ** BigInt(RATE_SCALE);

/** A non-negative fraction; `den` > 0. */
export interface Ratio {
  num: bigint;
  den: bigint;
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** The market spec fields a price needs. */
export interface PriceGrid {
  tickQuoteUnits: number;
  lotUnits: number;
  baseScale: number;
  quoteScale: number;
}

/**
 * Whole quote per whole base at a price in ticks: price_ticks * tickQuoteUnits quote units buy
 * lotUnits base units, so one base unit costs price_ticks * tickQuoteUnits / lotUnits quote units.
 */
export function priceOfTicks(priceTicks: bigint, grid: PriceGrid): Ratio {
  return {
    num: priceTicks * BigInt(grid.tickQuoteUnits) * pow10(grid.baseScale),
    den: BigInt(grid.lotUnits) * pow10(grid.quoteScale),
  };
}

export function invert(r: Ratio): Ratio | null {
  return r.num === 0n ? null : { num: r.den, den: r.num };
}

export function multiply(a: Ratio, b: Ratio): Ratio {
  return { num: a.num * b.num, den: a.den * b.den };
}

/** The ratio as a decimal string at RATE_SCALE (half-even), trailing zeros kept off. */
export function ratioToRate(r: Ratio): string {
  return formatAmount(divRound(r.num * RATE_ONE, r.den, 'half-even'), RATE_SCALE, { trimZeros: true });
}

/** A stored rate string back as a ratio. */
export function rateToRatio(rate: string): Ratio {
  return { num: parseAmount(rate, RATE_SCALE), den: RATE_ONE };
}

/** A rate of `a` in `c` from the rates of `a` and `c` in the same quote (null when c is priced at 0). */
export function crossRate(a: Ratio, c: Ratio): Ratio | null {
  const inverse = invert(c);
  return inverse === null ? null : multiply(a, inverse);
}

/**
 * The value of `units` (at `assetScale`) in the quote, as quote units at `quoteScale`, rounded with
 * `mode` (half-even for display; 'ceil' where a value is compared against a limit).
 */
export function valueInQuote(
  units: bigint,
  assetScale: number,
  rate: Ratio,
  quoteScale: number,
  mode: 'half-even' | 'ceil' = 'half-even',
): bigint {
  return divRound(units * rate.num * pow10(quoteScale), rate.den * pow10(assetScale), mode);
}
