import { describe, expect, it } from 'vitest';
import { fmt8, ratioFmt8, unitsFmt8, unitsOf } from './format.js';

describe('Binance number formatting', () => {
  it('pads to 8 decimals and keeps finer digits', () => {
    expect(fmt8('0')).toBe('0.00000000');
    expect(fmt8('0.01')).toBe('0.01000000');
    expect(fmt8('50000.00')).toBe('50000.00000000');
    expect(fmt8('-1.5')).toBe('-1.50000000');
    expect(fmt8('0.000000000123000')).toBe('0.000000000123');
    expect(fmt8('1.100000000000')).toBe('1.10000000');
  });

  it('formats units at a precision, and ratios rounded down', () => {
    expect(unitsFmt8(123_456_789n, 8)).toBe('1.23456789');
    expect(unitsFmt8(5, 6)).toBe('0.00000500');
    expect(unitsFmt8(-250_500_000, 6)).toBe('-250.50000000');
    expect(unitsFmt8(7, 0)).toBe('7.00000000');
    expect(unitsFmt8(1, 18)).toBe('0.000000000000000001');
    expect(ratioFmt8(2n, 3n)).toBe('0.66666666');
    expect(ratioFmt8(1n, 0n)).toBe('0.00000000');
    expect(unitsOf('12.5', 6)).toBe(12_500_000n);
    expect(unitsOf('-0.000001', 6)).toBe(-1n);
  });
});
