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

  it('rejects an invalid scale', () => {
    expect(() => formatAmount(1n, 19)).toThrow(expect.objectContaining({ code: 'INVALID_SCALE' }));
  });

  it('round-trips through parseAmount for any units and scale', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -AMOUNT_UNITS_MAX, max: AMOUNT_UNITS_MAX }),
        fc.integer({ min: 0, max: 18 }),
        fc.boolean(),
        (units, scale, trimZeros) => {
          const text = formatAmount(units, scale, { trimZeros });
          expect(parseAmount(text, scale, { allowNegative: true })).toBe(units);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
