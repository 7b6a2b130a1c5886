// Exact integer arithmetic on safe integers. Amounts in the engine are integers held in `number`
// (ADR 001); every product that could leave the safe range falls back to bigint.
import { fail } from './assert.js';

export const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** True when n is an integer in [0, 2^53-1]. */
export function isAmount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** a + b, asserting the result stays exact. */
export function addExact(a: number, b: number): number {
  const r = a + b;
  if (!Number.isSafeInteger(r)) fail(`sum out of safe range: ${a} + ${b}`);
  return r;
}

/** floor(a * b / c) for non-negative safe integers, exact. */
export function mulDivFloor(a: number, b: number, c: number): number {
  const p = a * b;
  if (p <= MAX_SAFE) {
    let q = Math.floor(p / c);
    // Floating division can round up across an integer boundary; correct with exact remainders.
    const r = p - q * c;
    if (r < 0) q -= 1;
    else if (r >= c) q += 1;
    return q;
  }
  const q = (BigInt(a) * BigInt(b)) / BigInt(c);
  if (!(q <= BigInt(MAX_SAFE))) fail(`mulDivFloor out of range: ${a} * ${b} / ${c}`);
  return Number(q);
}

/** ceil(a * b / c) for non-negative safe integers, exact. */
export function mulDivCeil(a: number, b: number, c: number): number {
  const f = mulDivFloor(a, b, c);
  const p = a * b;
  if (p <= MAX_SAFE) return f * c === p ? f : f + 1;
  return BigInt(f) * BigInt(c) === BigInt(a) * BigInt(b) ? f : f + 1;
}
