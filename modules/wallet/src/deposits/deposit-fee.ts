// A deposit method's fee: a fixed part plus parts per million of the amount. Computed exactly in
// bigint; the percentage is rounded up to the next unit (in the platform's favour, so a fee is
// never under-collected by rounding), then the fixed part is added.
import { mulDiv } from '@tradeloom/money';

export const PPM = 1_000_000n;

/** The fee on `amount` units: fixed + ceil(amount × ppm / 1,000,000). */
export function depositFee(amount: number, feeFixed: number, feePpm: number): number {
  const percent = mulDiv(BigInt(amount), BigInt(feePpm), PPM, 'ceil');
  // amount and fixed are safe integers and ppm ≤ 1,000,000, so percent ≤ amount: the sum is exact.
  return Number(percent + BigInt(feeFixed));
}
