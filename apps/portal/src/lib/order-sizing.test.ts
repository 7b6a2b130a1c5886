import { describe, expect, it } from 'vitest';
import { amountForShare, totalForShare } from './order-sizing';
import type { Market } from './types';

const market = {
  symbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  lotSize: '0.0001',
  takerFee: '0.002',
} as Market;

describe('amountForShare', () => {
  it('sells a share of the base balance, rounded down to the lot', () => {
    expect(amountForShare(market, 'SELL', '1.23456789', 50, null)).toBe('0.6172');
    expect(amountForShare(market, 'SELL', '1.00000000', 100, null)).toBe('1.0000');
  });

  it('buys what a share of the quote balance pays for at the price, taker fee included', () => {
    // 10,020 USDT buys exactly 0.2 BTC at 50,000 with a 0.2 % fee.
    expect(amountForShare(market, 'BUY', '10020.000000', 100, '50000')).toBe('0.2000');
    expect(amountForShare(market, 'BUY', '10019.999999', 100, '50000')).toBe('0.1999');
    expect(amountForShare(market, 'BUY', '10020', 25, '50000,00')).toBe('0.0500');
  });

  it('gives nothing without a price to buy at or when the share is below one lot', () => {
    expect(amountForShare(market, 'BUY', '1000', 50, '')).toBeNull();
    expect(amountForShare(market, 'BUY', '1000', 50, 'abc')).toBeNull();
    expect(amountForShare(market, 'SELL', '0.00001', 100, null)).toBeNull();
  });
});

describe('totalForShare', () => {
  it('spends a share of the quote balance less the taker fee, cut to the quote decimals', () => {
    const quoted = { ...market, quotePrecision: 6 } as Market;
    expect(totalForShare(quoted, '1002.000000', 100)).toBe('1000.000000');
    expect(totalForShare(quoted, '1002.000000', 50)).toBe('500.000000');
    expect(totalForShare(quoted, '0.000001', 100)).toBeNull();
  });
});
