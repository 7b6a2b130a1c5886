import { describe, expect, it } from 'vitest';
import { checkOrder } from './order-validation';
import type { Market } from './types';

const market: Market = {
  symbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  quotePrecision: 6,
  tickSize: '0.01',
  lotSize: '0.0001',
  minPrice: '0.01',
  maxPrice: '1000000',
  minQty: '0.0001',
  maxQty: '100',
  minNotional: '5',
  makerFee: '0.001',
  takerFee: '0.002',
  status: 'TRADING',
  sortOrder: 0,
};

describe('checkOrder', () => {
  it('accepts an order on the grid and normalises its decimals', () => {
    expect(checkOrder(market, { type: 'LIMIT', price: '50000,5', quantity: '.01' })).toEqual({
      normalized: { price: '50000.5', quantity: '0.01' },
    });
    expect(checkOrder(market, { type: 'MARKET', price: '', quantity: '0.5' })).toEqual({
      normalized: { quantity: '0.5' },
    });
  });

  it('names the field and the filter that refuses', () => {
    expect(checkOrder(market, { type: 'LIMIT', price: '', quantity: 'abc' })).toEqual({
      price: { key: 'required' },
      quantity: { key: 'format' },
    });
    expect(checkOrder(market, { type: 'LIMIT', price: '100.001', quantity: '0.00015' })).toEqual({
      price: { key: 'tick', values: { step: '0.01' } },
      quantity: { key: 'lot', values: { step: '0.0001' } },
    });
    expect(checkOrder(market, { type: 'LIMIT', price: '2000000', quantity: '101' })).toMatchObject({
      price: { key: 'maxPrice' },
      quantity: { key: 'maxQty' },
    });
    expect(checkOrder(market, { type: 'LIMIT', price: '0', quantity: '1' }).price).toEqual({
      key: 'positive',
    });
  });

  it('refuses an order below the minimum notional, exactly at it passes', () => {
    expect(checkOrder(market, { type: 'LIMIT', price: '4.99', quantity: '1' }).order).toEqual({
      key: 'minNotional',
      values: { min: '5', quote: 'USDT' },
    });
    expect(checkOrder(market, { type: 'LIMIT', price: '50000', quantity: '0.0001' }).normalized).toEqual({
      price: '50000',
      quantity: '0.0001',
    });
  });

  it('checks a market order by its quote total: decimals of the quote asset, the min notional', () => {
    const byQuote = (total: string) =>
      checkOrder(market, { type: 'MARKET', price: '', quantity: '', by: 'quote', total });
    expect(byQuote('100,5')).toEqual({ normalized: { quoteOrderQty: '100.5' } });
    expect(byQuote('')).toEqual({ total: { key: 'required' } });
    expect(byQuote('1.0000001')).toEqual({ total: { key: 'precision', values: { decimals: '6' } } });
    expect(byQuote('10.0000000')).toEqual({ normalized: { quoteOrderQty: '10.000000' } });
    expect(
      checkOrder(
        { ...market, quotePrecision: 0 },
        { type: 'MARKET', price: '', quantity: '', by: 'quote', total: '10.00' },
      ),
    ).toEqual({ normalized: { quoteOrderQty: '10' } });
    expect(byQuote('4.99')).toEqual({ order: { key: 'minNotional', values: { min: '5', quote: 'USDT' } } });
  });
});
