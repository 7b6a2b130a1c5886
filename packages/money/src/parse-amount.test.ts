// Proves parseAmount accepts only plain decimals, maps every rejection to its own code, and never rounds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAmount } from './format-amount.js';
import { MoneyError, type MoneyErrorCode } from './money-error.js';
import { AMOUNT_UNITS_MAX, type ParseAmountOptions, parseAmount } from './parse-amount.js';

function catchMoneyError(run: () => unknown): MoneyError | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof MoneyError) return error;
    throw error;
  }
  return undefined;
}

function codeOf(run: () => unknown): MoneyErrorCode | 'NO_ERROR' {
  return catchMoneyError(run)?.code ?? 'NO_ERROR';
}

describe('parseAmount', () => {
  it.each<[string, number, bigint]>([
    ['0', 8, 0n],
    ['12', 0, 12n],
    ['12.5', 1, 125n],
    ['12.5', 8, 1_250_000_000n],
    ['0.00000001', 8, 1n],
    ['007', 2, 700n],
    ['00.10', 2, 10n],
    ['123456789012345678.123456789012345678', 18, 123456789012345678123456789012345678n],
  ])('parses %j at scale %i', (text, scale, expected) => {
    expect(parseAmount(text, scale)).toBe(expected);
  });

  it('parses negatives when allowed', () => {
    expect(parseAmount('-3.2', 2, { allowNegative: true })).toBe(-320n);
    expect(parseAmount('-0', 2, { allowNegative: true })).toBe(0n);
    expect(parseAmount('-007.50', 2, { allowNegative: true })).toBe(-750n);
  });

  it('accepts exactly the maximum', () => {
    expect(parseAmount('9'.repeat(38), 0)).toBe(AMOUNT_UNITS_MAX);
    expect(parseAmount('5', 0, { max: 5n })).toBe(5n);
    expect(parseAmount('-5', 0, { max: 5n, allowNegative: true })).toBe(-5n);
  });

  it.each<[string, number, ParseAmountOptions, MoneyErrorCode]>([
    ['', 8, {}, 'INVALID_AMOUNT_FORMAT'],
    [' ', 8, {}, 'INVALID_AMOUNT_FORMAT'],
    [' 1', 8, {}, 'INVALID_AMOUNT_FORMAT'],
    ['1 ', 8, {}, 'INVALID_AMOUNT_FORMAT'],
    ['1\n', 8, {}, 'INVALID_AMOUNT_FORMAT'],
    ['1e5', 8, {}, 'INVALID_AMOUNT_FORMAT'],
    ['1E5', 8, {}, 'INVALID_AMOUNT_FORMAT'],
    ['NaN', 8, {}, 'INVALID_AMOUNT_FORMAT'],
    ['Infinity', 8, {}, 'INVALID_AMOUNT_FORMAT'],
    ['-Infinity', 8, { allowNegative: true }, 'INVALID_AMOUNT_FORMAT'],
    ['0x10', 8, {}, 'INVALID_AMOUNT_FORMAT'],
    ['+1', 8, {}, 'INVALID_AMOUNT_FORMAT'],
    ['1.2.3', 8, {}, 'INVALID_AMOUNT_FORMAT'],
    ['1.', 8, {}, 'INVALID_AMOUNT_FORMAT'],
    ['.5', 8, {}, 'INVALID_AMOUNT_FORMAT'],
    ['-', 8, { allowNegative: true }, 'INVALID_AMOUNT_FORMAT'],
    ['--1', 8, { allowNegative: true }, 'INVALID_AMOUNT_FORMAT'],
    ['1,5', 8, {}, 'INVALID_AMOUNT_FORMAT'],
    ['1_000', 8, {}, 'INVALID_AMOUNT_FORMAT'],
    ['١٢', 8, {}, 'INVALID_AMOUNT_FORMAT'],
    ['1'.repeat(101), 8, { max: 10n ** 200n }, 'INVALID_AMOUNT_FORMAT'],
    ['-0.1', 8, {}, 'NEGATIVE_NOT_ALLOWED'],
    ['-0', 8, {}, 'NEGATIVE_NOT_ALLOWED'],
    ['0', 8, { allowZero: false }, 'ZERO_NOT_ALLOWED'],
    ['0.000', 8, { allowZero: false }, 'ZERO_NOT_ALLOWED'],
    ['-0', 8, { allowZero: false, allowNegative: true }, 'ZERO_NOT_ALLOWED'],
    ['0.123', 2, {}, 'TOO_MANY_DECIMALS'],
    ['1.0', 0, {}, 'TOO_MANY_DECIMALS'],
    ['1.000000001', 8, {}, 'TOO_MANY_DECIMALS'],
    ['1.50', 1, {}, 'TOO_MANY_DECIMALS'],
    ['1'.repeat(39), 0, {}, 'AMOUNT_TOO_LARGE'],
    ['6', 0, { max: 5n }, 'AMOUNT_TOO_LARGE'],
    ['-6', 0, { max: 5n, allowNegative: true }, 'AMOUNT_TOO_LARGE'],
    ['1', -1, {}, 'INVALID_SCALE'],
    ['1', 19, {}, 'INVALID_SCALE'],
    ['1', 1.5, {}, 'INVALID_SCALE'],
    ['1', Number.NaN, {}, 'INVALID_SCALE'],
  ])('rejects %j at scale %d (%o) with %s', (text, scale, opts, code) => {
    expect(codeOf(() => parseAmount(text, scale, opts))).toBe(code);
  });

  it('names the input in the message and keeps it short', () => {
    expect(() => parseAmount('1e5', 8)).toThrow(/"1e5"/);
    const error = catchMoneyError(() => parseAmount('9'.repeat(1000), 8));
    expect(error?.code).toBe('INVALID_AMOUNT_FORMAT');
    expect(error?.message.length).toBeLessThan(200);
  });

  it('treats a negative max as a programmer error', () => {
    expect(() => parseAmount('1', 0, { max: -1n })).toThrow(RangeError);
  });

  it('never rounds: one significant decimal past the scale is always TOO_MANY_DECIMALS', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 18 }),
        fc.bigInt({ min: 0n, max: 10n ** 20n }),
        fc.integer({ min: 1, max: 9 }),
        (scale, units, extraDigit) => {
          const exact = formatAmount(units, scale);
          const text = `${exact}${scale === 0 ? '.' : ''}${extraDigit}`;
          expect(codeOf(() => parseAmount(text, scale))).toBe('TOO_MANY_DECIMALS');
        },
      ),
    );
  });
});
