/** Orders two amounts: -1 when a < b, 0 when equal, 1 when a > b. */
export function compare(a: bigint, b: bigint): -1 | 0 | 1 {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

/** True when the amount is zero (a bigint has no negative zero, so `-0` parsed is zero too). */
export function isZero(units: bigint): boolean {
  return units === 0n;
}
