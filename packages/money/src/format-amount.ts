import { assertScale } from './scale.js';

export interface FormatAmountOptions {
  /** Drop trailing fractional zeros, and the dot when nothing is left (default false). */
  trimZeros?: boolean;
}

/** Formats a count of units at `scale` as an exact decimal string, full scale unless `trimZeros`. */
export function formatAmount(units: bigint, scale: number, opts: FormatAmountOptions = {}): string {
  assertScale(scale);
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const integerDigits = digits.slice(0, digits.length - scale);
  let fractionDigits = digits.slice(digits.length - scale);
  if (opts.trimZeros === true) {
    fractionDigits = fractionDigits.replace(/0+$/, '');
  }
  const sign = negative ? '-' : '';
  return fractionDigits === '' ? `${sign}${integerDigits}` : `${sign}${integerDigits}.${fractionDigits}`;
}
