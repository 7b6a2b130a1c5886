// Proves the bigint/number bridge is exact inside the safe range and refuses everything outside it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromSafeInteger, toSafeInteger } from './safe-integer.js';

const SAFE = Number.MAX_SAFE_INTEGER;

describe('safe integer bridge', () => {
  it('accepts the bounds', () => {
    expect(toSafeInteger(BigInt(SAFE))).toBe(SAFE);
    expect(toSafeInteger(-BigInt(SAFE))).toBe(-SAFE);
    expect(fromSafeInteger(SAFE)).toBe(BigInt(SAFE));
    expect(fromSafeInteger(-SAFE)).toBe(-BigInt(SAFE));
  });

  it.each([BigInt(SAFE) + 1n, -BigInt(SAFE) - 1n, 10n ** 30n])('rejects %d', (units) => {
    expect(() => toSafeInteger(units)).toThrow(expect.objectContaining({ code: 'UNSAFE_INTEGER' }));
  });

  it.each([SAFE + 1, -SAFE - 1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 1e300])('rejects %d', (n) => {
    expect(() => fromSafeInteger(n)).toThrow(expect.objectContaining({ code: 'UNSAFE_INTEGER' }));
  });

  it('round-trips every safe integer', () => {
    fc.assert(
      fc.property(fc.integer({ min: -SAFE, max: SAFE }), (n) => {
        expect(toSafeInteger(fromSafeInteger(n))).toBe(n);
      }),
    );
  });
});
