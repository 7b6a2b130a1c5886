import { MoneyError, quoteInput } from './money-error.js';
import { assertScale } from './scale.js';

/** Longest decimal string accepted, so parsing cost is bounded whatever a client sends. */
export const AMOUNT_TEXT_LENGTH_MAX = 100;

/**
 * Default largest absolute amount in units (38 digits). A `numeric(78,0)` column holds it with 40 digits of
 * headroom, so sums and products of two such amounts still fit.
 */
export const AMOUNT_UNITS_MAX = 10n ** 38n - 1n;

export interface ParseAmountOptions {
  /** Accept a leading "-" (default false). */
  allowNegative?: boolean;
  /** Accept a value equal to zero (default true). */
  allowZero?: boolean;
  /** Largest accepted absolute value, in units (default AMOUNT_UNITS_MAX). */
  max?: bigint;
}

// \d is ASCII [0-9] only in JavaScript. Both sides of the dot are required, so "1." and ".5" fail;
// leading zeros ("007") are accepted and disappear in the bigint.
const AMOUNT_PATTERN = /^(-?)(\d+)(?:\.(\d+))?$/;

/** Parses a plain decimal string into an exact count of units at `scale`, never rounding. */
export function parseAmount(text: string, scale: number, opts: ParseAmountOptions = {}): bigint {
  assertScale(scale);
  const { allowNegative = false, allowZero = true, max = AMOUNT_UNITS_MAX } = opts;
  if (max < 0n) {
    throw new RangeError(`parseAmount: max ${max.toString()} must not be negative`);
  }
  if (typeof text !== 'string' || text.length > AMOUNT_TEXT_LENGTH_MAX) {
    throw new MoneyError(
      'INVALID_AMOUNT_FORMAT',
      `Invalid amount ${typeof text === 'string' ? quoteInput(text) : typeof text}: expected a decimal string of at most ${AMOUNT_TEXT_LENGTH_MAX} characters`,
    );
  }
  const match = AMOUNT_PATTERN.exec(text);
  if (match === null) {
    throw new MoneyError(
      'INVALID_AMOUNT_FORMAT',
      `Invalid amount ${quoteInput(text)}: expected a plain decimal like "12" or "12.5"`,
    );
  }
  const negative = match[1] === '-';
  const integerDigits = match[2] ?? '';
  const fractionDigits = match[3] ?? '';
  if (negative && !allowNegative) {
    throw new MoneyError('NEGATIVE_NOT_ALLOWED', `Invalid amount ${quoteInput(text)}: must not be negative`);
  }
  if (fractionDigits.length > scale) {
    throw new MoneyError(
      'TOO_MANY_DECIMALS',
      `Invalid amount ${quoteInput(text)}: has ${fractionDigits.length} decimals, at most ${scale} allowed`,
    );
  }
  const magnitude = BigInt(integerDigits + fractionDigits.padEnd(scale, '0'));
  if (magnitude === 0n && !allowZero) {
    throw new MoneyError('ZERO_NOT_ALLOWED', `Invalid amount ${quoteInput(text)}: must not be zero`);
  }
  if (magnitude > max) {
    throw new MoneyError(
      'AMOUNT_TOO_LARGE',
      `Invalid amount ${quoteInput(text)}: exceeds the maximum of ${max.toString()} units`,
    );
  }
  return negative ? -magnitude : magnitude;
}
