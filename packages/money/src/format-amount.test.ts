// Proves formatAmount writes exact decimals and that parseAmount reads them back to the same units.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAmount } from './format-amount.js';
import { AMOUNT_UNITS_MAX, parseAmount } from './parse-amount.js';

describe('formatAmount', () => {
  it.each<[bigint, number, string, string]>([
    [150_000_000n, 8, '1.50000000', '1.5'],
    [100_000_000n, 8, '1.00000000', '1'],
    [0n, 8, '0.00000000', '0'],
    [1n, 8, '0.00000001', '0.00000001'],
    [-1n, 8, '-0.00000001', '-0.00000001'],
    [-150n, 2, '-1.50', '-1.5'],
    [-100n, 2, '-1.00', '-1'],
    [42n, 0, '42', '42'],
    [-42n, 0, '-42', '-42'],
    [10n ** 18n, 18, '1.000000000000000000', '1'],
  ])('formats %d at scale %i', (units, scale, full, trimmed) => {
    expect(formatAmount(units, scale)).toBe(full);
    expect(formatAmount(units, scale, { trimZeros: true })).toBe(trimmed);
  });

  it.each<[bigint, number, number, string]>([
    [150_000_000n, 8, 2, '1.50'],
    [100_000_000n, 8, 2, '1.00'],
    [123_456_789n, 8, 2, '1.23456789'],
    [0n, 8, 2, '0.00'],
    [-1n, 2, 2, '-0.01'],
    [100n, 2, 0, '1'],
    [5n, 0, 0, '5'],
  ])('formats %d at scale %i trimmed to at least %i decimals', (units, scale, minDecimals, expected) => {
    expect(formatAmount(units, scale, { trimZeros: true, minDecimals })).toBe(expected);
  });

  it('ignores minDecimals without trimZeros: the full scale is already at least that long', () => {
    expect(formatAmount(150n, 4, { minDecimals: 2 })).toBe('0.0150');
  });

  it.each([-1, 1.5, 9, Number.NaN])(
    'treats minDecimals %d outside 0..scale as a programmer error',
    (minDecimals) => {
      expect(() => formatAmount(1n, 8, { trimZeros: true, minDecimals })).toThrow(RangeError);
    },
  );

  it('rejects an invalid scale', () => {
    expect(() => formatAmount(1n, 19)).toThrow(expect.objectContaining({ code: 'INVALID_SCALE' }));
  });

  it('round-trips through parseAmount for any units and scale', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -AMOUNT_UNITS_MAX, max: AMOUNT_UNITS_MAX }),
        fc.integer({ min: 0, max: 18 }),
        fc.boolean(),
        fc.nat(),
        (units, scale, trimZeros, seed) => {
          const minDecimals = seed % (scale + 1);
          const text = formatAmount(units, scale, { trimZeros, minDecimals });
          expect(parseAmount(text, scale, { allowNegative: true })).toBe(units);
          const decimals = text.includes('.') ? text.length - text.indexOf('.') - 1 : 0;
          if (!trimZeros) expect(decimals).toBe(scale);
          // Trimmed: exactly minDecimals, or more only when the last digit is significant.
          else expect(decimals === minDecimals || (decimals > minDecimals && !text.endsWith('0'))).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
