// Proves each order filter: its bound, its exact rejection code and detail, and what it does not apply to.
import { describe, expect, it } from 'vitest';
import { codeOf, Harness, idOf } from '../testing/harness.js';

const USER = 1;

function setup(): Harness {
  const h = new Harness({
    filters: {
      minPrice: 10,
      maxPrice: 1_000,
      minQty: 2,
      maxQty: 100,
      minNotional: 50,
      priceBandBps: 1_000,
      maxNumOrders: 4,
      maxNumStopOrders: 2,
    },
  });
  for (const user of [USER, 2]) {
    h.fund(user, 'BTC', 10_000);
    h.fund(user, 'USDT', 1_000_000);
  }
  return h;
}

describe('FILTER_PRICE', () => {
  it('bounds the limit price, inclusive', () => {
    const h = setup();
    expect(h.limit(USER, 'BUY', 9, 10)).toMatchObject({
      ok: false,
      code: 'FILTER_PRICE',
      detail: { field: 'price', minPrice: 10, maxPrice: 1_000 },
    });
    expect(codeOf(h.limit(USER, 'SELL', 1_001, 2))).toBe('FILTER_PRICE');
    expect(codeOf(h.limit(USER, 'BUY', 10, 5))).toBe('OK');
    expect(codeOf(h.limit(USER, 'SELL', 1_000, 2))).toBe('OK');
  });

  it('bounds stopPrice and an OCO stopLimitPrice', () => {
    const h = setup();
    expect(h.place(USER, { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: 5, qty: 2 })).toMatchObject({
      code: 'FILTER_PRICE',
      detail: { field: 'stopPrice' },
    });
    expect(
      h.place(USER, { side: 'BUY', orderType: 'STOP_LOSS_LIMIT', stopPrice: 1_001, price: 500, qty: 2 }),
    ).toMatchObject({
      code: 'FILTER_PRICE',
      detail: { field: 'stopPrice' },
    });
    expect(h.placeOco(USER, { side: 'SELL', qty: 2, price: 110, stopPrice: 5 })).toMatchObject({
      code: 'FILTER_PRICE',
      detail: { field: 'stopPrice' },
    });
    expect(
      h.placeOco(USER, { side: 'SELL', qty: 2, price: 110, stopPrice: 90, stopLimitPrice: 9 }),
    ).toMatchObject({
      code: 'FILTER_PRICE',
      detail: { field: 'stopLimitPrice' },
    });
  });
});

describe('FILTER_LOT_SIZE', () => {
  it('bounds the quantity of limit, market and stop orders, inclusive', () => {
    const h = setup();
    expect(h.limit(USER, 'BUY', 100, 1)).toMatchObject({
      code: 'FILTER_LOT_SIZE',
      detail: { minQty: 2, maxQty: 100 },
    });
    expect(codeOf(h.limit(USER, 'SELL', 100, 101))).toBe('FILTER_LOT_SIZE');
    expect(codeOf(h.place(USER, { side: 'SELL', orderType: 'MARKET', qty: 1 }))).toBe('FILTER_LOT_SIZE');
    expect(codeOf(h.place(USER, { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: 50, qty: 101 }))).toBe(
      'FILTER_LOT_SIZE',
    );
    expect(codeOf(h.placeOco(USER, { side: 'SELL', qty: 1, price: 110, stopPrice: 90 }))).toBe(
      'FILTER_LOT_SIZE',
    );
    expect(codeOf(h.limit(USER, 'SELL', 100, 100))).toBe('OK');
    expect(codeOf(h.limit(USER, 'BUY', 50, 2))).toBe('OK');
  });
});

describe('FILTER_MIN_NOTIONAL', () => {
  it('applies to price x qty of limit orders', () => {
    const h = setup();
    expect(h.limit(USER, 'BUY', 20, 2)).toMatchObject({
      code: 'FILTER_MIN_NOTIONAL',
      detail: { minNotional: 50 },
    });
    expect(
      codeOf(h.place(USER, { side: 'BUY', orderType: 'STOP_LOSS_LIMIT', stopPrice: 20, price: 24, qty: 2 })),
    ).toBe('FILTER_MIN_NOTIONAL');
    expect(codeOf(h.limit(USER, 'BUY', 25, 2))).toBe('OK');
  });

  it('applies to the quoteQty of orders sized by quote', () => {
    const h = setup();
    expect(h.place(USER, { side: 'BUY', orderType: 'MARKET', quoteQty: 49 })).toMatchObject({
      code: 'FILTER_MIN_NOTIONAL',
      detail: { minNotional: 50 },
    });
    expect(codeOf(h.place(USER, { side: 'SELL', orderType: 'MARKET', quoteQty: 49 }))).toBe(
      'FILTER_MIN_NOTIONAL',
    );
    expect(codeOf(h.place(USER, { side: 'BUY', orderType: 'STOP_LOSS', stopPrice: 50, quoteQty: 49 }))).toBe(
      'FILTER_MIN_NOTIONAL',
    );
    expect(codeOf(h.place(USER, { side: 'BUY', orderType: 'MARKET', quoteQty: 50 }))).toBe('OK');
  });
});

describe('FILTER_PERCENT_PRICE', () => {
  it('is not checked before the first trade', () => {
    const h = setup();
    expect(codeOf(h.limit(USER, 'BUY', 1_000, 2))).toBe('OK');
    expect(codeOf(h.limit(2, 'SELL', 1_000, 2))).toBe('OK');
  });

  it('keeps non-stop limit prices within the band around the last price, inclusive', () => {
    const h = setup();
    h.printTrade(100, 2);
    expect(h.limit(USER, 'BUY', 89, 2)).toMatchObject({
      code: 'FILTER_PERCENT_PRICE',
      detail: { lastPrice: 100, priceBandBps: 1_000 },
    });
    expect(codeOf(h.limit(USER, 'SELL', 111, 2))).toBe('FILTER_PERCENT_PRICE');
    expect(codeOf(h.place(USER, { side: 'BUY', orderType: 'LIMIT_MAKER', price: 89, qty: 2 }))).toBe(
      'FILTER_PERCENT_PRICE',
    );
    expect(codeOf(h.placeOco(USER, { side: 'SELL', qty: 2, price: 120, stopPrice: 90 }))).toBe(
      'FILTER_PERCENT_PRICE',
    );
    expect(codeOf(h.limit(USER, 'BUY', 90, 2))).toBe('OK');
    expect(codeOf(h.limit(USER, 'SELL', 110, 2))).toBe('OK');
  });

  it('does not apply to stop-limit orders, whose price matters only when they trigger', () => {
    const h = setup();
    h.printTrade(100, 2);
    expect(
      codeOf(
        h.place(USER, { side: 'BUY', orderType: 'STOP_LOSS_LIMIT', stopPrice: 105, price: 200, qty: 2 }),
      ),
    ).toBe('OK');
  });
});

describe('FILTER_MAX_NUM_ORDERS', () => {
  it('limits open orders per user and market, stops included', () => {
    const h = setup();
    for (const price of [50, 51, 52]) idOf(h.limit(USER, 'BUY', price, 2));
    idOf(h.place(USER, { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: 40, qty: 2 }));
    const before = h.stateWithoutSeq();
    expect(h.limit(USER, 'BUY', 53, 2)).toMatchObject({ ok: false, code: 'FILTER_MAX_NUM_ORDERS' });
    expect(h.stateWithoutSeq()).toBe(before);
    // Another user has slots of their own.
    expect(codeOf(h.limit(2, 'BUY', 53, 2))).toBe('OK');
  });

  it('counts an OCO as two', () => {
    const h = setup();
    const first = idOf(h.limit(USER, 'BUY', 50, 2));
    h.limit(USER, 'BUY', 51, 2);
    h.limit(USER, 'BUY', 52, 2);
    expect(codeOf(h.placeOco(USER, { side: 'SELL', qty: 2, price: 110, stopPrice: 90 }))).toBe(
      'FILTER_MAX_NUM_ORDERS',
    );
    h.cancel(USER, { orderId: first });
    expect(codeOf(h.placeOco(USER, { side: 'SELL', qty: 2, price: 110, stopPrice: 90 }))).toBe('OK');
    expect(h.engine.matcher.userMarket(USER, 1).count).toBe(4);
  });

  it('frees a slot when an order fills', () => {
    const h = setup();
    for (const price of [50, 51, 52, 53]) h.limit(USER, 'BUY', price, 2);
    expect(codeOf(h.limit(USER, 'BUY', 54, 2))).toBe('FILTER_MAX_NUM_ORDERS');
    h.limit(2, 'SELL', 53, 2);
    expect(codeOf(h.limit(USER, 'BUY', 54, 2))).toBe('OK');
  });
});

describe('FILTER_MAX_NUM_STOP_ORDERS', () => {
  it('limits pending stops per user and market, trailing stops and OCO lists included', () => {
    const h = setup();
    h.place(USER, { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: 40, qty: 2 });
    h.place(USER, { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: 45, qty: 2 });
    const before = h.stateWithoutSeq();
    expect(h.place(USER, { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: 30, qty: 2 })).toMatchObject({
      ok: false,
      code: 'FILTER_MAX_NUM_STOP_ORDERS',
    });
    expect(
      codeOf(h.place(USER, { side: 'SELL', orderType: 'STOP_LOSS', trailingDeltaBps: 100, qty: 2 })),
    ).toBe('FILTER_MAX_NUM_STOP_ORDERS');
    expect(codeOf(h.placeOco(USER, { side: 'BUY', qty: 2, price: 50, stopPrice: 120 }))).toBe(
      'FILTER_MAX_NUM_STOP_ORDERS',
    );
    expect(h.stateWithoutSeq()).toBe(before);
    // Plain orders are not stops.
    expect(codeOf(h.limit(USER, 'BUY', 50, 2))).toBe('OK');
  });

  it("counts an OCO's stop leg as a pending stop", () => {
    const h = setup();
    h.place(USER, { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: 40, qty: 2 });
    expect(codeOf(h.placeOco(USER, { side: 'SELL', qty: 2, price: 110, stopPrice: 90 }))).toBe('OK');
    expect(h.engine.matcher.userMarket(USER, 1)).toMatchObject({ count: 3, stopCount: 2 });
    expect(codeOf(h.place(USER, { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: 30, qty: 2 }))).toBe(
      'FILTER_MAX_NUM_STOP_ORDERS',
    );
  });

  it('maxNumStopOrders 0 rejects the first stop of a user with no orders in the market', () => {
    const h = setup();
    h.update({ filters: { maxNumStopOrders: 0 } });
    expect(codeOf(h.place(USER, { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: 40, qty: 2 }))).toBe(
      'FILTER_MAX_NUM_STOP_ORDERS',
    );
    // The same with an order history (the rule must not depend on it, or a restored engine would differ).
    h.cancel(USER, { orderId: idOf(h.limit(USER, 'BUY', 50, 2)) });
    expect(codeOf(h.place(USER, { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: 40, qty: 2 }))).toBe(
      'FILTER_MAX_NUM_STOP_ORDERS',
    );
  });

  it('frees a slot when a stop triggers', () => {
    const h = setup();
    h.printTrade(100, 2);
    h.place(USER, { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: 95, qty: 2 });
    h.place(USER, { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: 50, qty: 2 });
    expect(codeOf(h.place(USER, { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: 60, qty: 2 }))).toBe(
      'FILTER_MAX_NUM_STOP_ORDERS',
    );
    h.printTrade(95, 2);
    expect(h.engine.matcher.userMarket(USER, 1).stopCount).toBe(1);
    expect(codeOf(h.place(USER, { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: 60, qty: 2 }))).toBe('OK');
  });
});

it('a filter change applies to the next order', () => {
  const h = setup();
  expect(codeOf(h.limit(USER, 'BUY', 100, 1))).toBe('FILTER_LOT_SIZE');
  h.update({ filters: { minQty: 1 } });
  expect(codeOf(h.limit(USER, 'BUY', 100, 1))).toBe('OK');
});
