// Proves compare is a total order consistent with bigint operators and isZero catches only zero.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compare, isZero } from './compare.js';
import { parseAmount } from './parse-amount.js';

describe('compare', () => {
  it.each<[bigint, bigint, -1 | 0 | 1]>([
    [1n, 2n, -1],
    [2n, 1n, 1],
    [-5n, -5n, 0],
    [-(10n ** 40n), 10n ** 40n, -1],
  ])('compares %d with %d', (a, b, expected) => {
    expect(compare(a, b)).toBe(expected);
  });

  it('is antisymmetric and agrees with < and ===', () => {
    fc.assert(
      fc.property(fc.bigInt(), fc.bigInt(), (a, b) => {
        expect(compare(a, b)).toBe(-compare(b, a) || 0);
        expect(compare(a, b) === 0).toBe(a === b);
        expect(compare(a, b) === -1).toBe(a < b);
      }),
    );
  });
});

describe('isZero', () => {
  it('is true for zero however it was written', () => {
    expect(isZero(0n)).toBe(true);
    expect(isZero(parseAmount('-0.000', 8, { allowNegative: true }))).toBe(true);
    expect(isZero(1n)).toBe(false);
    expect(isZero(-1n)).toBe(false);
  });
});
