import { assertScale } from './scale.js';

export interface FormatAmountOptions {
  /** Drop trailing fractional zeros, and the dot when nothing is left (default false). */
  trimZeros?: boolean;
  /** With `trimZeros`, keep at least this many decimals, in 0..scale (default 0). */
  minDecimals?: number;
}

/** Formats a count of units at `scale` as an exact decimal string, full scale unless `trimZeros`. */
export function formatAmount(units: bigint, scale: number, opts: FormatAmountOptions = {}): string {
  assertScale(scale);
  const { trimZeros = false, minDecimals = 0 } = opts;
  // Beyond `scale` the output would no longer parse back at the same scale, so it is a caller bug.
  if (!Number.isInteger(minDecimals) || minDecimals < 0 || minDecimals > scale) {
    throw new RangeError(`formatAmount: minDecimals ${String(minDecimals)} outside 0..${scale}`);
  }
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const integerDigits = digits.slice(0, digits.length - scale);
  let fractionDigits = digits.slice(digits.length - scale);
  if (trimZeros) {
    let end = fractionDigits.length;
    while (end > minDecimals && fractionDigits[end - 1] === '0') end -= 1;
    fractionDigits = fractionDigits.slice(0, end);
  }
  const sign = negative ? '-' : '';
  return fractionDigits === '' ? `${sign}${integerDigits}` : `${sign}${integerDigits}.${fractionDigits}`;
}
