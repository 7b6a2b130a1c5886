import { describe, expect, it } from 'vitest';
import { depositFee } from './deposit-fee.js';

describe('depositFee', () => {
  it('adds the fixed part to the percentage rounded up', () => {
    expect(depositFee(1_000_000, 0, 2_500)).toBe(2_500);
    expect(depositFee(1_000_001, 0, 2_500)).toBe(2_501);
    expect(depositFee(1, 0, 1)).toBe(1);
    expect(depositFee(999, 100, 0)).toBe(100);
    expect(depositFee(12_345, 10, 10_000)).toBe(134);
    expect(depositFee(0, 0, 0)).toBe(0);
  });

  it('is exact at the edge of safe integers', () => {
    const max = Number.MAX_SAFE_INTEGER;
    expect(depositFee(max, 0, 1_000_000)).toBe(max);
    expect(depositFee(max, 0, 1)).toBe(Number((BigInt(max) + 999_999n) / 1_000_000n));
  });
});
