// Proves market status (HALTED, CANCEL_ONLY), updateMarket and addMarket validation, and that resting orders keep their fee rates.
import { describe, expect, it } from 'vitest';
import type { MarketSpec } from '../commands.js';
import { codeOf, defaultFilters, eventsOf, Harness, idOf, marketSpec } from '../testing/harness.js';

const USER = 1;
const OTHER = 2;

function setup(): Harness {
  const h = new Harness();
  for (const user of [USER, OTHER]) {
    h.fund(user, 'BTC', 1_000);
    h.fund(user, 'USDT', 100_000);
  }
  return h;
}

describe('HALTED', () => {
  it('rejects every order command, cancels included, leaving the book frozen', () => {
    const h = setup();
    const id = idOf(h.limit(USER, 'BUY', 100, 1));
    h.update({ status: 'HALTED' });
    const before = h.stateWithoutSeq();
    expect(codeOf(h.limit(USER, 'BUY', 100, 1))).toBe('MARKET_HALTED');
    expect(codeOf(h.placeOco(USER, { side: 'SELL', qty: 1, price: 110, stopPrice: 90 }))).toBe(
      'MARKET_HALTED',
    );
    expect(codeOf(h.cancel(USER, { orderId: id }))).toBe('MARKET_HALTED');
    expect(codeOf(h.cancelAll(USER))).toBe('MARKET_HALTED');
    expect(
      codeOf(
        h.cancelReplace(USER, {
          cancelOrderId: id,
          mode: 'STOP_ON_FAILURE',
          order: { side: 'BUY', orderType: 'LIMIT', price: 99, qty: 1 },
        }),
      ),
    ).toBe('MARKET_HALTED');
    expect(h.stateWithoutSeq()).toBe(before);
  });

  it('resumes when set back to TRADING', () => {
    const h = setup();
    h.update({ status: 'HALTED' });
    h.update({ status: 'TRADING' });
    expect(codeOf(h.limit(USER, 'BUY', 100, 1))).toBe('OK');
  });
});

describe('CANCEL_ONLY', () => {
  it('rejects new orders but allows cancel and cancelAll', () => {
    const h = setup();
    const a = idOf(h.limit(USER, 'BUY', 100, 1));
    const b = idOf(h.limit(USER, 'BUY', 99, 1));
    h.update({ status: 'CANCEL_ONLY' });
    expect(codeOf(h.limit(USER, 'BUY', 100, 1))).toBe('MARKET_CANCEL_ONLY');
    expect(codeOf(h.place(USER, { side: 'BUY', orderType: 'MARKET', qty: 1 }))).toBe('MARKET_CANCEL_ONLY');
    expect(codeOf(h.placeOco(USER, { side: 'SELL', qty: 1, price: 110, stopPrice: 90 }))).toBe(
      'MARKET_CANCEL_ONLY',
    );
    expect(
      codeOf(
        h.cancelReplace(USER, {
          cancelOrderId: a,
          mode: 'ALLOW_FAILURE',
          order: { side: 'BUY', orderType: 'LIMIT', price: 98, qty: 1 },
        }),
      ),
    ).toBe('MARKET_CANCEL_ONLY');
    expect(eventsOf(h.cancel(USER, { orderId: a }), 'orderClosed')[0]).toMatchObject({
      orderId: a,
      status: 'CANCELED',
    });
    expect(eventsOf(h.cancelAll(USER), 'orderClosed')[0]).toMatchObject({ orderId: b, reason: 'CANCEL_ALL' });
    expect(h.balance(USER, 'USDT')).toEqual({ available: 100_000, held: 0 });
  });
});

describe('updateMarket', () => {
  it('announces the whole new spec and keeps tick and lot', () => {
    const h = setup();
    const result = h.update({ filters: { minQty: 2 }, fees: { takerPpm: 500 }, status: 'CANCEL_ONLY' });
    expect(eventsOf(result, 'marketUpdated')).toEqual([
      {
        type: 'marketUpdated',
        seq: expect.any(Number),
        market: marketSpec({
          filters: { ...defaultFilters, minQty: 2 },
          fees: { makerPpm: 0, takerPpm: 500 },
          status: 'CANCEL_ONLY',
        }),
      },
    ]);
  });

  it.each([
    ['an unknown status', { status: 'OPEN' as 'TRADING' }],
    ['minPrice above maxPrice', { filters: { minPrice: 2_000_000 } }],
    ['minQty 0', { filters: { minQty: 0 } }],
    ['a fractional minNotional', { filters: { minNotional: 1.5 } }],
    ['a price band of 100%', { filters: { priceBandBps: 10_000 } }],
    ['more stop orders than orders', { filters: { maxNumStopOrders: 2_000 } }],
    ['a fee above 10%', { fees: { makerPpm: 100_001 } }],
    ['a negative fee', { fees: { takerPpm: -1 } }],
    ['an unknown filter name', { filters: { minPrize: 5 } as never }],
    ['an unknown fee name', { fees: { maker: 5 } as never }],
    ['filters that are not an object', { filters: 'tight' as never }],
    ['fees that are an array', { fees: [1] as never }],
    ['a maxPrice that overflows the notional bound', { filters: { maxPrice: 2 ** 40, maxQty: 2 ** 20 } }],
  ])('rejects %s with INVALID_MARKET, changing nothing', (_name, fields) => {
    const h = setup();
    const before = h.stateWithoutSeq();
    expect(codeOf(h.update(fields))).toBe('INVALID_MARKET');
    expect(h.stateWithoutSeq()).toBe(before);
  });

  it('is UNKNOWN_MARKET for a market that does not exist', () => {
    const h = setup();
    expect(codeOf(h.run({ type: 'updateMarket', ts: 1, marketId: 7, status: 'HALTED' }))).toBe(
      'UNKNOWN_MARKET',
    );
  });
});

describe('fee changes', () => {
  it('a resting sell keeps its maker rate; the new taker pays the new rate', () => {
    const h = setup();
    h.update({ fees: { makerPpm: 1_000, takerPpm: 1_000 } });
    h.limit(USER, 'SELL', 1_000, 10);
    h.update({ fees: { makerPpm: 50_000, takerPpm: 50_000 } });
    const buy = h.limit(OTHER, 'BUY', 1_000, 10);
    // The buyer reserves at the new 5%.
    expect(eventsOf(buy, 'orderAccepted')[0]!.hold).toBe(10_500);
    expect(eventsOf(buy, 'trade')[0]).toMatchObject({ notional: 10_000, buyerFee: 500, sellerFee: 10 });
    expect(h.balance(USER, 'USDT').available).toBe(100_000 + 9_990);
    expect(h.fees('USDT')).toBe(510);
  });

  it('a resting buy keeps its maker rate and the reservation it was accepted with', () => {
    const h = setup();
    h.update({ fees: { makerPpm: 1_000, takerPpm: 2_000 } });
    const bid = h.limit(USER, 'BUY', 1_000, 10);
    expect(eventsOf(bid, 'orderAccepted')[0]!.hold).toBe(10_020);
    h.update({ fees: { makerPpm: 100_000, takerPpm: 100_000 } });
    expect(h.balance(USER, 'USDT')).toEqual({ available: 100_000 - 10_020, held: 10_020 });
    const sell = h.limit(OTHER, 'SELL', 1_000, 10);
    expect(eventsOf(sell, 'trade')[0]).toMatchObject({ buyerFee: 10, sellerFee: 1_000 });
    expect(eventsOf(sell, 'orderClosed')[0]).toMatchObject({
      orderId: idOf(bid),
      status: 'FILLED',
      released: 10,
    });
    expect(h.balance(USER, 'USDT')).toEqual({ available: 100_000 - 10_010, held: 0 });
  });
});

describe('addMarket', () => {
  const spec = (overrides: Partial<MarketSpec>) =>
    marketSpec({ id: 2, symbol: 'BTCEUR', quote: 'USDT', ...overrides });

  it('announces the market', () => {
    const h = setup();
    const result = h.ok({ type: 'addMarket', ts: 1, market: spec({}) });
    expect(eventsOf(result, 'marketAdded')).toEqual([
      { type: 'marketAdded', seq: expect.any(Number), market: spec({}) },
    ]);
  });

  it.each([
    ['an id in use', { id: 1 }, 'MARKET_EXISTS'],
    ['a symbol in use', { symbol: 'BTCUSDT' }, 'MARKET_EXISTS'],
    ['an unknown base', { base: 'DOGE' }, 'UNKNOWN_ASSET'],
    ['base equal to quote', { base: 'USDT' }, 'INVALID_MARKET'],
    ['id 0', { id: 0 }, 'INVALID_MARKET'],
    ['id 65536', { id: 65_536 }, 'INVALID_MARKET'],
    ['a lowercase symbol', { symbol: 'btceur' }, 'INVALID_MARKET'],
    ['lotUnits 0', { lotUnits: 0 }, 'INVALID_MARKET'],
    ['a fractional tickQuoteUnits', { tickQuoteUnits: 0.5 }, 'INVALID_MARKET'],
    [
      'maxQty x lotUnits beyond 2^52',
      { lotUnits: 2 ** 33, filters: { ...defaultFilters, maxQty: 2 ** 20 } },
      'INVALID_MARKET',
    ],
    [
      'maxPrice too large for the band',
      { filters: { ...defaultFilters, maxPrice: 2 ** 40, maxQty: 1 } },
      'INVALID_MARKET',
    ],
    ['no filters', { filters: undefined as never }, 'INVALID_MARKET'],
  ] as const)('rejects %s with %s', (_name, overrides, code) => {
    const h = setup();
    const before = h.stateWithoutSeq();
    expect(codeOf(h.run({ type: 'addMarket', ts: 1, market: spec(overrides as Partial<MarketSpec>) }))).toBe(
      code,
    );
    expect(h.stateWithoutSeq()).toBe(before);
  });

  it('orders in an unknown market are UNKNOWN_MARKET', () => {
    const h = setup();
    expect(
      codeOf(
        h.run({
          type: 'placeOrder',
          ts: 1,
          marketId: 9,
          user: USER,
          side: 'BUY',
          orderType: 'LIMIT',
          price: 1,
          qty: 1,
        }),
      ),
    ).toBe('UNKNOWN_MARKET');
    expect(codeOf(h.run({ type: 'cancelAll', ts: 1, marketId: 9, user: USER }))).toBe('UNKNOWN_MARKET');
  });
});
