import { DomainError } from '@tradeloom/kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { feePpm, fromLots, fromTicks, marketGrid, toLots, toTicks } from './grid.js';

const btcusdt = { basePrecision: 8, quotePrecision: 6, tickSize: '0.01', lotSize: '0.0001' };

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return 'none';
}

describe('market grid', () => {
  it('derives the engine grid of the demo markets', () => {
    expect(marketGrid(btcusdt)).toEqual({ lotUnits: 10_000, tickQuoteUnits: 1 });
    expect(marketGrid({ ...btcusdt, lotSize: '0.001' })).toEqual({ lotUnits: 100_000, tickQuoteUnits: 10 });
  });

  it('refuses grids finer than the assets can express', () => {
    expect(codeOf(() => marketGrid({ ...btcusdt, lotSize: '0.000000001' }))).toBe('SPOT_MARKET_GRID_INVALID');
    expect(codeOf(() => marketGrid({ ...btcusdt, lotSize: '0.00001' }))).toBe('SPOT_MARKET_GRID_INVALID');
    expect(codeOf(() => marketGrid({ ...btcusdt, tickSize: '0' }))).toBe('SPOT_MARKET_GRID_INVALID');
  });

  it('converts prices and quantities exactly and refuses off-grid values', () => {
    const grid = { ...btcusdt, ...marketGrid(btcusdt) };
    expect(toTicks('50000.01', grid)).toBe(5_000_001);
    expect(fromTicks(5_000_001, grid)).toBe('50000.01');
    expect(fromTicks(5_000_000, grid)).toBe('50000.00');
    expect(toLots('1.5', grid)).toBe(15_000);
    expect(fromLots(15_000, grid)).toBe('1.5000');
    expect(codeOf(() => toTicks('50000.001', grid))).toBe('SPOT_PRICE_INVALID');
    expect(codeOf(() => toTicks('0', grid))).toBe('SPOT_PRICE_INVALID');
    expect(codeOf(() => toTicks('1e5', grid))).toBe('SPOT_PRICE_INVALID');
    expect(codeOf(() => toLots('0.00015', grid))).toBe('SPOT_QUANTITY_INVALID');
    expect(codeOf(() => toLots('-1', grid))).toBe('SPOT_QUANTITY_INVALID');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), (n) => {
        expect(toTicks(fromTicks(n, grid), grid)).toBe(n);
        expect(toLots(fromLots(n, grid), grid)).toBe(n);
      }),
    );
  });

  it('reads fee rates as parts per million', () => {
    expect(feePpm('0.001', 'makerFee')).toBe(1_000);
    expect(feePpm('0', 'makerFee')).toBe(0);
    expect(codeOf(() => feePpm('0.0000001', 'makerFee'))).toBe('SPOT_MARKET_GRID_INVALID');
    expect(codeOf(() => feePpm('0.2', 'makerFee'))).toBe('SPOT_MARKET_GRID_INVALID');
  });
});
