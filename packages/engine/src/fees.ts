import { mulDivFloor } from './arith.js';

export const PPM = 1_000_000;
/** Highest fee rate a market may charge: 10% keeps seller proceeds positive after fees. */
export const FEE_PPM_MAX = 100_000;

/** Fee on a notional, rounded down so that fees of partial fills never exceed the fee held for the whole. */
export function feeOf(notional: number, ppm: number): number {
  return ppm === 0 ? 0 : mulDivFloor(notional, ppm, PPM);
}
