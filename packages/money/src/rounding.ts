import { assertScale, pow10 } from './scale.js';

/**
 * How to pick an integer for an inexact quotient. `down`/`up` go toward/away from zero,
 * `floor`/`ceil` toward -∞/+∞, `half-up` breaks ties away from zero, `half-even` to the even neighbour.
 */
export type RoundingMode = 'down' | 'up' | 'half-even' | 'half-up' | 'floor' | 'ceil';

/** Divides a by b, rounding the exact quotient to an integer with `mode`. */
export function divRound(a: bigint, b: bigint, mode: RoundingMode): bigint {
  if (b === 0n) {
    throw new RangeError('divRound: division by zero');
  }
  const truncated = a / b;
  const remainder = a % b;
  if (remainder === 0n) return truncated;
  const positive = a < 0n === b < 0n;
  const awayFromZero = positive ? truncated + 1n : truncated - 1n;
  switch (mode) {
    case 'down':
      return truncated;
    case 'up':
      return awayFromZero;
    case 'floor':
      return positive ? truncated : awayFromZero;
    case 'ceil':
      return positive ? awayFromZero : truncated;
    case 'half-up':
    case 'half-even': {
      const twiceRemainder = 2n * (remainder < 0n ? -remainder : remainder);
      const divisor = b < 0n ? -b : b;
      if (twiceRemainder < divisor) return truncated;
      if (twiceRemainder > divisor) return awayFromZero;
      if (mode === 'half-up') return awayFromZero;
      return truncated % 2n === 0n ? truncated : awayFromZero;
    }
    default: {
      const unknown: never = mode;
      throw new RangeError(`divRound: unknown rounding mode ${String(unknown)}`);
    }
  }
}

/** Computes a * b / c exactly, rounding only the final quotient with `mode`. */
export function mulDiv(a: bigint, b: bigint, c: bigint, mode: RoundingMode): bigint {
  return divRound(a * b, c, mode);
}

/** Converts units from one scale to another, rounding with `mode` when decimals are dropped. */
export function rescale(units: bigint, fromScale: number, toScale: number, mode: RoundingMode): bigint {
  assertScale(fromScale);
  assertScale(toScale);
  if (toScale >= fromScale) return units * pow10(toScale - fromScale);
  return divRound(units, pow10(fromScale - toScale), mode);
}

/** Result of `rescaleWithRemainder`: `units` at the new scale, `remainder` at the old scale. */
export interface RescaleResult {
  units: bigint;
  remainder: bigint;
}

/** Converts units to another scale truncating toward zero, returning the dropped part in fromScale units. */
export function rescaleWithRemainder(units: bigint, fromScale: number, toScale: number): RescaleResult {
  assertScale(fromScale);
  assertScale(toScale);
  if (toScale >= fromScale) return { units: units * pow10(toScale - fromScale), remainder: 0n };
  const factor = pow10(fromScale - toScale);
  return { units: units / factor, remainder: units % factor };
}
