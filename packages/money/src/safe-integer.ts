import { MoneyError } from './money-error.js';

const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** Converts units to a number for the engine hot path, throwing UNSAFE_INTEGER when precision would be lost. */
export function toSafeInteger(units: bigint): number {
  if (units > SAFE_MAX || units < -SAFE_MAX) {
    throw new MoneyError('UNSAFE_INTEGER', `Value ${units.toString()} is outside the safe integer range`);
  }
  return Number(units);
}

/** Converts a number from the engine hot path back to units, throwing UNSAFE_INTEGER unless it is a safe integer. */
export function fromSafeInteger(n: number): bigint {
  if (!Number.isSafeInteger(n)) {
    throw new MoneyError('UNSAFE_INTEGER', `Value ${String(n)} is not a safe integer`);
  }
  return BigInt(n);
}
