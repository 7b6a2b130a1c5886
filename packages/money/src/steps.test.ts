// Proves prices and quantities convert to whole ticks/lots exactly, and back to the same decimal string.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAmount } from './format-amount.js';
import { fromSteps, toSteps } from './steps.js';

describe('toSteps', () => {
  it.each<[string, string, number, number]>([
    ['50000.00', '0.01', 6, 5_000_000],
    ['50000', '0.01', 6, 5_000_000],
    ['100.25', '0.25', 2, 401],
    ['0.001', '0.001', 8, 1],
    ['0', '0.01', 2, 0],
    ['1500', '500', 0, 3],
    ['1', '0.01000000', 8, 100],
  ])('counts %j in steps of %j at scale %i', (text, step, scale, expected) => {
    expect(toSteps(text, step, scale)).toBe(expected);
  });

  it.each<[string, string, number, string]>([
    ['100.005', '0.01', 6, 'NOT_A_MULTIPLE_OF_STEP'],
    ['100.1', '0.25', 2, 'NOT_A_MULTIPLE_OF_STEP'],
    ['100.0051', '0.01', 3, 'TOO_MANY_DECIMALS'],
    ['1e2', '0.01', 2, 'INVALID_AMOUNT_FORMAT'],
    ['-1', '0.01', 2, 'NEGATIVE_NOT_ALLOWED'],
    ['1', '0', 2, 'ZERO_NOT_ALLOWED'],
    ['1', '-0.01', 2, 'NEGATIVE_NOT_ALLOWED'],
    ['1', '0.001', 2, 'TOO_MANY_DECIMALS'],
    ['1', '0.01', 19, 'INVALID_SCALE'],
    ['100000000000000', '0.01', 2, 'UNSAFE_INTEGER'],
  ])('rejects %j in steps of %j at scale %i with %s', (text, step, scale, code) => {
    expect(() => toSteps(text, step, scale)).toThrow(expect.objectContaining({ code }));
  });
});

describe('fromSteps', () => {
  it.each<[number, string, number, string]>([
    [5_000_000, '0.01', 6, '50000.00'],
    [401, '0.25', 2, '100.25'],
    [3, '500', 0, '1500'],
    [100, '0.01000000', 8, '1.00'],
    [0, '0.001', 8, '0.000'],
  ])('formats %i steps of %j at scale %i', (steps, step, scale, expected) => {
    expect(fromSteps(steps, step, scale)).toBe(expected);
  });

  it('trims zeros on request', () => {
    expect(fromSteps(5_000_000, '0.01', 6, { trimZeros: true })).toBe('50000');
    expect(fromSteps(5_000_010, '0.01', 6, { trimZeros: true })).toBe('50000.1');
  });

  it.each<[number, string]>([
    [0.5, 'UNSAFE_INTEGER'],
    [Number.MAX_SAFE_INTEGER + 1, 'UNSAFE_INTEGER'],
    [-1, 'NEGATIVE_NOT_ALLOWED'],
  ])('rejects %d steps with %s', (steps, code) => {
    expect(() => fromSteps(steps, '0.01', 2)).toThrow(expect.objectContaining({ code }));
  });

  it('round-trips with toSteps for any step and scale', () => {
    const stepArb = fc
      .tuple(fc.integer({ min: 0, max: 18 }), fc.bigInt({ min: 1n, max: 10n ** 12n }))
      .map(([scale, stepUnits]) => ({ scale, step: formatAmount(stepUnits, scale, { trimZeros: true }) }));
    fc.assert(
      fc.property(
        stepArb,
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.boolean(),
        ({ scale, step }, steps, trimZeros) => {
          const text = fromSteps(steps, step, scale, { trimZeros });
          expect(toSteps(text, step, scale)).toBe(steps);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
