import { MoneyError } from './money-error.js';

/** Largest number of decimals an asset may have. */
export const SCALE_MAX = 18;

const POWERS_OF_TEN: readonly bigint[] = Array.from({ length: SCALE_MAX + 1 }, (_, i) => 10n ** BigInt(i));

/** Throws INVALID_SCALE unless `scale` is an integer in 0..SCALE_MAX. */
export function assertScale(scale: number): void {
  if (!Number.isInteger(scale) || scale < 0 || scale > SCALE_MAX) {
    throw new MoneyError(
      'INVALID_SCALE',
      `Invalid scale ${String(scale)}: expected an integer in 0..${SCALE_MAX}`,
    );
  }
}

/** Returns 10^exponent for an exponent in 0..SCALE_MAX (a difference of two valid scales). */
export function pow10(exponent: number): bigint {
  const power = POWERS_OF_TEN[exponent];
  if (power === undefined) {
    throw new RangeError(`pow10: exponent ${String(exponent)} outside 0..${SCALE_MAX}`);
  }
  return power;
}
