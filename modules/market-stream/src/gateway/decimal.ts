// Exact decimal helpers for the few derived figures of the streams (weighted average price).
import { formatAmount, parseAmount } from '@tradeloom/money';

const SCALE = 18;

/** a / b rounded down to `decimals` places ("0" when b is zero). */
export function divideDecimals(a: string, b: string, decimals: number): string {
  const x = parseAmount(a, SCALE, { allowZero: true, max: 10n ** 40n });
  const y = parseAmount(b, SCALE, { allowZero: true, max: 10n ** 40n });
  if (y === 0n) return '0';
  const unit = 10n ** BigInt(SCALE - decimals);
  const q = ((x * 10n ** BigInt(SCALE)) / y / unit) * unit;
  return trimZeros(formatAmount(q, SCALE), decimals);
}

function trimZeros(text: string, keep: number): string {
  const dot = text.indexOf('.');
  if (dot < 0) return text;
  let end = Math.min(text.length, dot + 1 + keep);
  while (end > dot + 1 && text[end - 1] === '0') end--;
  return text.slice(0, end === dot + 1 ? dot : end);
}
