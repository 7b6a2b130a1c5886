// Proves market orders: by quantity on both sides, by quote budget (buy and sell), how each ends, and what they hold.
import { describe, expect, it } from 'vitest';
import { codeOf, eventsOf, Harness, idOf } from '../testing/harness.js';

const SELLER = 1;
const BUYER = 2;

function setup(fees: { makerPpm?: number; takerPpm?: number } = {}): Harness {
  const h = new Harness({ fees });
  h.fund(SELLER, 'BTC', 1_000);
  h.fund(BUYER, 'USDT', 1_000);
  return h;
}

describe('market orders by quantity', () => {
  it('a buy reserves its whole balance for the command, sweeps the asks and returns the rest', () => {
    const h = setup();
    h.limit(SELLER, 'SELL', 100, 2);
    h.limit(SELLER, 'SELL', 101, 3);
    const buy = h.place(BUYER, { side: 'BUY', orderType: 'MARKET', qty: 4 });
    expect(eventsOf(buy, 'orderAccepted')[0]).toMatchObject({
      orderType: 'MARKET',
      price: 0,
      qty: 4,
      hold: 1_000,
    });
    expect(eventsOf(buy, 'trade').map((t) => [t.price, t.qty, t.notional])).toEqual([
      [100, 2, 200],
      [101, 2, 202],
    ]);
    expect(eventsOf(buy, 'orderClosed').at(-1)).toMatchObject({
      orderId: 3,
      status: 'FILLED',
      reason: 'FILLED',
      filledQty: 4,
      released: 598,
    });
    expect(h.balance(BUYER, 'USDT')).toEqual({ available: 598, held: 0 });
    expect(h.balance(BUYER, 'BTC')).toEqual({ available: 40, held: 0 });
    expect(h.book('SELL')).toEqual([[101, 1]]);
  });

  it('a sell reserves its base and sweeps the bids from the highest', () => {
    const h = setup();
    h.limit(BUYER, 'BUY', 100, 2);
    h.limit(BUYER, 'BUY', 99, 3);
    const sell = h.place(SELLER, { side: 'SELL', orderType: 'MARKET', qty: 4 });
    expect(eventsOf(sell, 'orderAccepted')[0]!.hold).toBe(40);
    expect(eventsOf(sell, 'trade').map((t) => [t.price, t.qty])).toEqual([
      [100, 2],
      [99, 2],
    ]);
    expect(eventsOf(sell, 'orderClosed').at(-1)).toMatchObject({
      status: 'FILLED',
      filledQty: 4,
      released: 0,
    });
    expect(h.balance(SELLER, 'USDT')).toEqual({ available: 398, held: 0 });
    expect(h.balance(SELLER, 'BTC')).toEqual({ available: 960, held: 0 });
  });

  it('a sell larger than the book expires NO_LIQUIDITY and returns the unsold base', () => {
    const h = setup();
    h.limit(BUYER, 'BUY', 100, 2);
    const sell = h.place(SELLER, { side: 'SELL', orderType: 'MARKET', qty: 5 });
    expect(eventsOf(sell, 'orderClosed').at(-1)).toMatchObject({
      status: 'EXPIRED',
      reason: 'NO_LIQUIDITY',
      filledQty: 2,
      released: 30,
    });
    expect(h.balance(SELLER, 'BTC')).toEqual({ available: 980, held: 0 });
  });

  it('a buy whose balance runs out expires INSUFFICIENT_BALANCE after what it could pay for', () => {
    const h = new Harness();
    h.fund(SELLER, 'BTC', 1_000);
    h.fund(BUYER, 'USDT', 250);
    h.limit(SELLER, 'SELL', 100, 5);
    const buy = h.place(BUYER, { side: 'BUY', orderType: 'MARKET', qty: 5 });
    expect(eventsOf(buy, 'trade').map((t) => t.qty)).toEqual([2]);
    expect(eventsOf(buy, 'orderClosed').at(-1)).toMatchObject({
      status: 'EXPIRED',
      reason: 'INSUFFICIENT_BALANCE',
      filledQty: 2,
      released: 50,
    });
    expect(h.balance(BUYER, 'USDT')).toEqual({ available: 50, held: 0 });
    expect(h.book('SELL')).toEqual([[100, 3]]);
  });

  it('on an empty book expires NO_LIQUIDITY with everything released and no last price', () => {
    const h = setup();
    const buy = h.place(BUYER, { side: 'BUY', orderType: 'MARKET', qty: 1 });
    expect(buy.ok && buy.events.map((e) => e.type)).toEqual(['orderAccepted', 'orderClosed', 'balance']);
    expect(eventsOf(buy, 'orderClosed')[0]).toMatchObject({
      status: 'EXPIRED',
      reason: 'NO_LIQUIDITY',
      filledQty: 0,
      released: 1_000,
    });
    expect(h.balance(BUYER, 'USDT')).toEqual({ available: 1_000, held: 0 });
    expect(h.engine.matcher.markets.get(1)!.lastPrice).toBe(0);
    const sell = h.place(SELLER, { side: 'SELL', orderType: 'MARKET', qty: 1 });
    expect(eventsOf(sell, 'orderClosed')[0]).toMatchObject({ reason: 'NO_LIQUIDITY', released: 10 });
  });

  it('is rejected when there is nothing to spend', () => {
    const h = setup();
    expect(h.place(3, { side: 'BUY', orderType: 'MARKET', qty: 1 })).toMatchObject({
      ok: false,
      code: 'INSUFFICIENT_BALANCE',
      detail: { asset: 'USDT', needed: 0, available: 0 },
    });
    expect(h.place(BUYER, { side: 'SELL', orderType: 'MARKET', qty: 1 })).toMatchObject({
      ok: false,
      code: 'INSUFFICIENT_BALANCE',
      detail: { asset: 'BTC', needed: 10, available: 0 },
    });
  });

  it('a taker buy pays the taker fee on top, rounded down per fill', () => {
    const h = new Harness({ fees: { makerPpm: 1_000, takerPpm: 2_500 } });
    h.fund(SELLER, 'BTC', 1_000);
    h.fund(BUYER, 'USDT', 10_000);
    h.limit(SELLER, 'SELL', 333, 3);
    const buy = h.place(BUYER, { side: 'BUY', orderType: 'MARKET', qty: 3 });
    // notional 999: taker 2.4975 -> 2, maker 0.999 -> 0.
    expect(eventsOf(buy, 'trade')[0]).toMatchObject({ notional: 999, buyerFee: 2, sellerFee: 0 });
    expect(h.balance(BUYER, 'USDT')).toEqual({ available: 10_000 - 1_001, held: 0 });
    expect(h.balance(SELLER, 'USDT')).toEqual({ available: 999, held: 0 });
    expect(h.fees('USDT')).toBe(2);
  });
});

describe('market buys by quote budget', () => {
  it('end FILLED when the budget is spent, returning what does not buy a whole lot', () => {
    const h = setup();
    h.limit(SELLER, 'SELL', 100, 5);
    const buy = h.place(BUYER, { side: 'BUY', orderType: 'MARKET', quoteQty: 250 });
    expect(eventsOf(buy, 'orderAccepted')[0]).toMatchObject({ qty: 0, quoteQty: 250, hold: 250 });
    expect(eventsOf(buy, 'trade').map((t) => [t.qty, t.notional])).toEqual([[2, 200]]);
    expect(eventsOf(buy, 'orderClosed').at(-1)).toMatchObject({
      status: 'FILLED',
      reason: 'FILLED',
      filledQty: 2,
      released: 50,
    });
    expect(h.balance(BUYER, 'USDT')).toEqual({ available: 800, held: 0 });
  });

  it('include the taker fee in the budget', () => {
    const h = new Harness({ fees: { takerPpm: 10_000 } });
    h.fund(SELLER, 'BTC', 1_000);
    h.fund(BUYER, 'USDT', 1_000);
    h.limit(SELLER, 'SELL', 100, 10);
    // 3 lots cost 300 + 3 fee = 303 exactly.
    const exact = h.place(BUYER, { side: 'BUY', orderType: 'MARKET', quoteQty: 303 });
    expect(eventsOf(exact, 'trade')[0]).toMatchObject({ qty: 3, notional: 300, buyerFee: 3 });
    expect(eventsOf(exact, 'orderClosed').at(-1)).toMatchObject({ status: 'FILLED', released: 0 });
    // 302 buys only 2 lots (202); 100 left does not cover a lot plus its fee.
    const short = h.place(BUYER, { side: 'BUY', orderType: 'MARKET', quoteQty: 302 });
    expect(eventsOf(short, 'trade')[0]).toMatchObject({ qty: 2, notional: 200, buyerFee: 2 });
    expect(eventsOf(short, 'orderClosed').at(-1)).toMatchObject({
      status: 'FILLED',
      filledQty: 2,
      released: 100,
    });
    expect(h.balance(BUYER, 'USDT')).toEqual({ available: 1_000 - 303 - 202, held: 0 });
    expect(h.fees('USDT')).toBe(5);
  });

  it('end EXPIRED NO_LIQUIDITY when the book runs out first', () => {
    const h = setup();
    h.limit(SELLER, 'SELL', 100, 1);
    h.limit(SELLER, 'SELL', 110, 1);
    const buy = h.place(BUYER, { side: 'BUY', orderType: 'MARKET', quoteQty: 1_000 });
    expect(eventsOf(buy, 'trade').map((t) => t.price)).toEqual([100, 110]);
    expect(eventsOf(buy, 'orderClosed').at(-1)).toMatchObject({
      status: 'EXPIRED',
      reason: 'NO_LIQUIDITY',
      filledQty: 2,
      released: 790,
    });
    expect(h.balance(BUYER, 'USDT')).toEqual({ available: 790, held: 0 });
  });

  it('expire INSUFFICIENT_BALANCE, not FILLED, when the budget does not buy a single lot', () => {
    const h = setup();
    h.limit(SELLER, 'SELL', 500, 1);
    const buy = h.place(BUYER, { side: 'BUY', orderType: 'MARKET', quoteQty: 100 });
    expect(eventsOf(buy, 'trade')).toEqual([]);
    expect(eventsOf(buy, 'orderClosed')[0]).toMatchObject({
      status: 'EXPIRED',
      reason: 'INSUFFICIENT_BALANCE',
      filledQty: 0,
      released: 100,
    });
  });

  it('keep time priority when per-fill fee rounding lets the budget buy one more lot of the same maker', () => {
    // 10% taker fee at 5 per lot: 2 lots at once cost 11, but two fills of one lot cost 5 each.
    const h = new Harness({ fees: { takerPpm: 100_000 } });
    h.fund(SELLER, 'BTC', 1_000);
    h.fund(3, 'BTC', 1_000);
    h.fund(BUYER, 'USDT', 1_000);
    const older = idOf(h.limit(SELLER, 'SELL', 5, 2));
    const newer = idOf(h.limit(3, 'SELL', 5, 1));
    const buy = h.place(BUYER, { side: 'BUY', orderType: 'MARKET', quoteQty: 10 });
    expect(eventsOf(buy, 'trade').map((t) => [t.makerOrderId, t.qty, t.buyerFee])).toEqual([
      [older, 1, 0],
      [older, 1, 0],
    ]);
    expect(eventsOf(buy, 'orderClosed').map((e) => [e.orderId, e.status])).toEqual([
      [older, 'FILLED'],
      [idOf(buy), 'FILLED'],
    ]);
    expect(h.book('SELL')).toEqual([[5, 1]]);
    expect(h.engine.matcher.orders.has(newer)).toBe(true);
  });
});

describe('market sells by quote target', () => {
  it('sell until the next lot would exceed the target, reserving the whole base balance meanwhile', () => {
    const h = setup();
    h.limit(BUYER, 'BUY', 100, 1);
    h.limit(BUYER, 'BUY', 90, 5);
    const sell = h.place(SELLER, { side: 'SELL', orderType: 'MARKET', quoteQty: 300 });
    expect(eventsOf(sell, 'orderAccepted')[0]).toMatchObject({ quoteQty: 300, hold: 1_000 });
    // 100, then floor(200 / 90) = 2 lots at 90: 280 in all, 20 short of another lot.
    expect(eventsOf(sell, 'trade').map((t) => [t.price, t.qty])).toEqual([
      [100, 1],
      [90, 2],
    ]);
    expect(eventsOf(sell, 'orderClosed').at(-1)).toMatchObject({
      status: 'FILLED',
      filledQty: 3,
      released: 970,
    });
    expect(h.balance(SELLER, 'BTC')).toEqual({ available: 970, held: 0 });
    expect(h.balance(SELLER, 'USDT')).toEqual({ available: 280, held: 0 });
  });

  it('expire INSUFFICIENT_BALANCE when the base runs out before the target', () => {
    const h = new Harness();
    h.fund(SELLER, 'BTC', 20);
    h.fund(BUYER, 'USDT', 1_000);
    h.limit(BUYER, 'BUY', 100, 5);
    const sell = h.place(SELLER, { side: 'SELL', orderType: 'MARKET', quoteQty: 1_000 });
    expect(eventsOf(sell, 'orderClosed').at(-1)).toMatchObject({
      status: 'EXPIRED',
      reason: 'INSUFFICIENT_BALANCE',
      filledQty: 2,
      released: 0,
    });
    expect(h.balance(SELLER, 'USDT').available).toBe(200);
  });

  it('expire NO_LIQUIDITY when the bids run out before the target', () => {
    const h = setup();
    h.limit(BUYER, 'BUY', 100, 1);
    const sell = h.place(SELLER, { side: 'SELL', orderType: 'MARKET', quoteQty: 500 });
    expect(eventsOf(sell, 'orderClosed').at(-1)).toMatchObject({
      status: 'EXPIRED',
      reason: 'NO_LIQUIDITY',
      filledQty: 1,
      released: 990,
    });
  });
});

describe('malformed market orders', () => {
  it.each([
    ['a price', { qty: 1, price: 100 }],
    ['both qty and quoteQty', { qty: 1, quoteQty: 100 }],
    ['neither qty nor quoteQty', {}],
    ['a time in force', { qty: 1, timeInForce: 'IOC' as const }],
    ['a fractional qty', { qty: 1.5 }],
    ['a negative quoteQty', { quoteQty: -5 }],
  ])('with %s is INVALID_COMMAND', (_name, fields) => {
    const h = setup();
    expect(codeOf(h.place(BUYER, { side: 'BUY', orderType: 'MARKET', ...fields }))).toBe('INVALID_COMMAND');
  });
});
