// Proves limit orders: GTC rests, partial fills, price-time priority, maker-price trades, price improvement, IOC, FOK and LIMIT_MAKER.
import { describe, expect, it } from 'vitest';
import { codeOf, eventsOf, Harness, idOf } from '../testing/harness.js';

const SELLER = 1;
const BUYER = 2;

function setup(fees: { makerPpm?: number; takerPpm?: number } = {}): Harness {
  const h = new Harness({ fees });
  h.fund(SELLER, 'BTC', 1_000);
  h.fund(BUYER, 'USDT', 10_000);
  return h;
}

describe('GTC limit orders', () => {
  it('rest on the book with a base hold for a sell and a quote hold for a buy', () => {
    const h = setup();
    const sell = h.limit(SELLER, 'SELL', 100, 5);
    expect(eventsOf(sell, 'orderAccepted')).toEqual([
      expect.objectContaining({
        orderId: 1,
        side: 'SELL',
        orderType: 'LIMIT',
        timeInForce: 'GTC',
        price: 100,
        qty: 5,
        hold: 50,
        pending: false,
      }),
    ]);
    expect(eventsOf(sell, 'bookLevel')).toEqual([
      expect.objectContaining({ side: 'SELL', price: 100, qty: 5 }),
    ]);
    expect(eventsOf(sell, 'balance')).toEqual([
      expect.objectContaining({ user: SELLER, asset: 'BTC', available: 950, held: 50 }),
    ]);
    const buy = h.limit(BUYER, 'BUY', 90, 3);
    expect(eventsOf(buy, 'orderAccepted')[0]).toMatchObject({ orderId: 2, hold: 270 });
    expect(h.book('SELL')).toEqual([[100, 5]]);
    expect(h.book('BUY')).toEqual([[90, 3]]);
    expect(h.balance(BUYER, 'USDT')).toEqual({ available: 9_730, held: 270 });
  });

  it('fill partially against a larger maker, which keeps the rest of its hold', () => {
    const h = setup();
    h.limit(SELLER, 'SELL', 100, 5);
    const buy = h.limit(BUYER, 'BUY', 100, 3);
    expect(eventsOf(buy, 'trade')).toEqual([
      {
        type: 'trade',
        seq: expect.any(Number),
        ts: h.ts,
        tradeId: 1,
        marketId: 1,
        price: 100,
        qty: 3,
        baseAmount: 30,
        notional: 300,
        takerSide: 'BUY',
        buyOrderId: 2,
        sellOrderId: 1,
        buyer: BUYER,
        seller: SELLER,
        buyerFee: 0,
        sellerFee: 0,
        makerRemaining: 2,
        makerOrderId: 1,
      },
    ]);
    expect(eventsOf(buy, 'orderClosed')).toEqual([
      expect.objectContaining({ orderId: 2, status: 'FILLED', reason: 'FILLED', filledQty: 3, released: 0 }),
    ]);
    expect(h.book('SELL')).toEqual([[100, 2]]);
    expect(h.balance(SELLER, 'BTC')).toEqual({ available: 950, held: 20 });
    expect(h.balance(SELLER, 'USDT')).toEqual({ available: 300, held: 0 });
    expect(h.balance(BUYER, 'USDT')).toEqual({ available: 9_700, held: 0 });
    expect(h.balance(BUYER, 'BTC')).toEqual({ available: 30, held: 0 });
  });

  it('rest the remainder of a partially filled taker', () => {
    const h = setup();
    h.limit(SELLER, 'SELL', 100, 5);
    const buy = h.limit(BUYER, 'BUY', 100, 8);
    expect(eventsOf(buy, 'trade').map((t) => t.qty)).toEqual([5]);
    expect(eventsOf(buy, 'orderClosed')).toEqual([
      expect.objectContaining({ orderId: 1, status: 'FILLED', filledQty: 5 }),
    ]);
    expect(h.book('SELL')).toEqual([]);
    expect(h.book('BUY')).toEqual([[100, 3]]);
    expect(h.balance(BUYER, 'USDT')).toEqual({ available: 9_200, held: 300 });
    expect(h.balance(BUYER, 'BTC')).toEqual({ available: 50, held: 0 });
  });

  it('reject a buy the available balance cannot cover, with the amounts in detail', () => {
    const h = setup();
    const before = h.stateWithoutSeq();
    const result = h.limit(BUYER, 'BUY', 100, 200);
    expect(result).toMatchObject({
      ok: false,
      code: 'INSUFFICIENT_BALANCE',
      detail: { asset: 'USDT', needed: 20_000, available: 10_000 },
    });
    expect(h.stateWithoutSeq()).toBe(before);
  });
});

describe('price-time priority', () => {
  it('takes the best price level first and trades at each maker price', () => {
    const h = setup();
    h.fund(3, 'BTC', 1_000);
    const far = idOf(h.limit(SELLER, 'SELL', 102, 2));
    const nearOld = idOf(h.limit(3, 'SELL', 101, 2));
    const nearNew = idOf(h.limit(SELLER, 'SELL', 101, 2));
    const buy = h.limit(BUYER, 'BUY', 102, 6);
    expect(eventsOf(buy, 'trade').map((t) => [t.makerOrderId, t.price, t.qty, t.notional])).toEqual([
      [nearOld, 101, 2, 202],
      [nearNew, 101, 2, 202],
      [far, 102, 2, 204],
    ]);
    // Reserved 612 at the limit price, spent 608: the closing order returns the 4 left over.
    expect(eventsOf(buy, 'orderClosed').at(-1)).toMatchObject({
      orderId: 4,
      status: 'FILLED',
      filledQty: 6,
      released: 4,
    });
    expect(h.balance(BUYER, 'USDT')).toEqual({ available: 9_392, held: 0 });
    expect(eventsOf(buy, 'bookLevel')).toEqual([
      expect.objectContaining({ side: 'SELL', price: 101, qty: 0 }),
      expect.objectContaining({ side: 'SELL', price: 102, qty: 0 }),
    ]);
  });

  it('fills the oldest order of a level first', () => {
    const h = setup();
    h.fund(3, 'BTC', 1_000);
    const first = idOf(h.limit(3, 'SELL', 100, 2));
    const second = idOf(h.limit(SELLER, 'SELL', 100, 2));
    const buy = h.limit(BUYER, 'BUY', 100, 3);
    expect(eventsOf(buy, 'trade').map((t) => [t.makerOrderId, t.qty, t.makerRemaining])).toEqual([
      [first, 2, 0],
      [second, 1, 1],
    ]);
    expect(h.book('SELL')).toEqual([[100, 1]]);
    expect(h.balance(3, 'USDT').available).toBe(200);
    expect(h.balance(SELLER, 'USDT').available).toBe(100);
  });

  it('a sell taker sweeps the bids from the highest and trades at the bid prices', () => {
    const h = setup();
    h.limit(BUYER, 'BUY', 99, 2);
    h.limit(BUYER, 'BUY', 100, 2);
    const sell = h.limit(SELLER, 'SELL', 90, 3);
    expect(eventsOf(sell, 'trade').map((t) => [t.price, t.qty, t.takerSide])).toEqual([
      [100, 2, 'SELL'],
      [99, 1, 'SELL'],
    ]);
    expect(h.balance(SELLER, 'USDT')).toEqual({ available: 299, held: 0 });
    expect(h.book('BUY')).toEqual([[99, 1]]);
    expect(h.book('SELL')).toEqual([]);
  });

  it('does not trade through a limit price', () => {
    const h = setup();
    h.limit(SELLER, 'SELL', 101, 2);
    const buy = h.limit(BUYER, 'BUY', 100, 2);
    expect(eventsOf(buy, 'trade')).toEqual([]);
    expect(h.book('BUY')).toEqual([[100, 2]]);
    expect(h.book('SELL')).toEqual([[101, 2]]);
  });
});

describe('price improvement', () => {
  it('returns the reservation the resting remainder no longer needs (orderHoldReduced)', () => {
    const h = setup();
    h.limit(SELLER, 'SELL', 98, 2);
    const buy = h.limit(BUYER, 'BUY', 100, 5);
    expect(eventsOf(buy, 'orderAccepted')[0]!.hold).toBe(500);
    expect(eventsOf(buy, 'trade')[0]).toMatchObject({ price: 98, qty: 2, notional: 196 });
    expect(eventsOf(buy, 'orderHoldReduced')).toEqual([
      {
        type: 'orderHoldReduced',
        seq: expect.any(Number),
        orderId: 2,
        marketId: 1,
        user: BUYER,
        released: 4,
      },
    ]);
    expect(h.balance(BUYER, 'USDT')).toEqual({ available: 9_504, held: 300 });
  });

  it('counts the fees: the hold covers notional plus the higher rate, and shrinks to what the rest needs', () => {
    const h = setup({ makerPpm: 1_000, takerPpm: 2_000 });
    h.limit(SELLER, 'SELL', 980, 2);
    const buy = h.limit(BUYER, 'BUY', 1_000, 5);
    // 5,000 notional + 0.2% = 5,010 reserved.
    expect(eventsOf(buy, 'orderAccepted')[0]!.hold).toBe(5_010);
    // 1,960 notional: taker fee floor(3.92) = 3, maker fee floor(1.96) = 1.
    expect(eventsOf(buy, 'trade')[0]).toMatchObject({ notional: 1_960, buyerFee: 3, sellerFee: 1 });
    // Left 5,010 - 1,963 = 3,047; the 3 resting lots need 3,000 + 6.
    expect(eventsOf(buy, 'orderHoldReduced')[0]!.released).toBe(41);
    expect(h.balance(BUYER, 'USDT')).toEqual({ available: 4_994 + 37, held: 3_006 });
    expect(h.balance(SELLER, 'USDT')).toEqual({ available: 1_959, held: 0 });
    expect(h.fees('USDT')).toBe(4);
  });

  it('emits no orderHoldReduced when the taker fills at its own price', () => {
    const h = setup();
    h.limit(SELLER, 'SELL', 100, 2);
    const buy = h.limit(BUYER, 'BUY', 100, 5);
    expect(eventsOf(buy, 'orderHoldReduced')).toEqual([]);
    expect(h.balance(BUYER, 'USDT')).toEqual({ available: 9_500, held: 300 });
  });
});

describe('IOC', () => {
  it('fills what crosses and expires the rest, releasing its hold', () => {
    const h = setup();
    h.limit(SELLER, 'SELL', 100, 2);
    const buy = h.limit(BUYER, 'BUY', 100, 5, { timeInForce: 'IOC' });
    expect(eventsOf(buy, 'trade').map((t) => t.qty)).toEqual([2]);
    expect(eventsOf(buy, 'orderClosed').at(-1)).toMatchObject({
      orderId: 2,
      status: 'EXPIRED',
      reason: 'IOC',
      filledQty: 2,
      released: 300,
    });
    expect(h.book('BUY')).toEqual([]);
    expect(h.balance(BUYER, 'USDT')).toEqual({ available: 9_800, held: 0 });
  });

  it('expires at once when nothing crosses', () => {
    const h = setup();
    h.limit(SELLER, 'SELL', 101, 2);
    const buy = h.limit(BUYER, 'BUY', 100, 1, { timeInForce: 'IOC' });
    expect(eventsOf(buy, 'orderClosed')).toEqual([
      expect.objectContaining({ status: 'EXPIRED', reason: 'IOC', filledQty: 0, released: 100 }),
    ]);
    expect(eventsOf(buy, 'bookLevel')).toEqual([]);
    expect(h.balance(BUYER, 'USDT')).toEqual({ available: 10_000, held: 0 });
  });
});

describe('FOK', () => {
  it('fills completely across levels', () => {
    const h = setup();
    h.limit(SELLER, 'SELL', 100, 2);
    h.limit(SELLER, 'SELL', 101, 3);
    const buy = h.limit(BUYER, 'BUY', 101, 5, { timeInForce: 'FOK' });
    expect(eventsOf(buy, 'trade').map((t) => [t.price, t.qty])).toEqual([
      [100, 2],
      [101, 3],
    ]);
    expect(eventsOf(buy, 'orderClosed').at(-1)).toMatchObject({ orderId: 3, status: 'FILLED', released: 2 });
    expect(h.balance(BUYER, 'USDT')).toEqual({ available: 9_497, held: 0 });
  });

  it('expires untouched when the book cannot fill it completely', () => {
    const h = setup();
    h.limit(SELLER, 'SELL', 100, 2);
    h.limit(SELLER, 'SELL', 101, 3);
    const before = h.book('SELL');
    const buy = h.limit(BUYER, 'BUY', 101, 6, { timeInForce: 'FOK' });
    expect(buy.ok && buy.events.map((e) => e.type)).toEqual(['orderAccepted', 'orderClosed', 'balance']);
    expect(eventsOf(buy, 'orderClosed')[0]).toMatchObject({
      status: 'EXPIRED',
      reason: 'FOK',
      filledQty: 0,
      released: 606,
    });
    expect(h.book('SELL')).toEqual(before);
    expect(h.balance(BUYER, 'USDT')).toEqual({ available: 10_000, held: 0 });
  });

  it('only counts liquidity within its limit price', () => {
    const h = setup();
    h.limit(SELLER, 'SELL', 100, 2);
    h.limit(SELLER, 'SELL', 101, 3);
    const buy = h.limit(BUYER, 'BUY', 100, 3, { timeInForce: 'FOK' });
    expect(eventsOf(buy, 'orderClosed')[0]).toMatchObject({ reason: 'FOK', filledQty: 0 });
    expect(h.book('SELL')).toEqual([
      [100, 2],
      [101, 3],
    ]);
  });

  it('works for sells', () => {
    const h = setup();
    h.limit(BUYER, 'BUY', 100, 4);
    const sell = h.limit(SELLER, 'SELL', 100, 4, { timeInForce: 'FOK' });
    expect(eventsOf(sell, 'orderClosed').map((e) => e.status)).toEqual(['FILLED', 'FILLED']);
    expect(h.balance(SELLER, 'BTC')).toEqual({ available: 960, held: 0 });
  });
});

describe('LIMIT_MAKER', () => {
  it('rests when it does not cross', () => {
    const h = setup();
    h.limit(SELLER, 'SELL', 100, 2);
    const buy = h.place(BUYER, { side: 'BUY', orderType: 'LIMIT_MAKER', price: 99, qty: 3 });
    expect(eventsOf(buy, 'orderAccepted')[0]).toMatchObject({ orderType: 'LIMIT_MAKER', hold: 297 });
    expect(h.book('BUY')).toEqual([[99, 3]]);
  });

  it('is rejected with WOULD_TAKE when it would match, on both sides, changing nothing', () => {
    const h = setup();
    h.limit(SELLER, 'SELL', 100, 2);
    h.limit(BUYER, 'BUY', 98, 2);
    const before = h.stateWithoutSeq();
    expect(codeOf(h.place(BUYER, { side: 'BUY', orderType: 'LIMIT_MAKER', price: 100, qty: 1 }))).toBe(
      'WOULD_TAKE',
    );
    expect(codeOf(h.place(SELLER, { side: 'SELL', orderType: 'LIMIT_MAKER', price: 98, qty: 1 }))).toBe(
      'WOULD_TAKE',
    );
    expect(h.stateWithoutSeq()).toBe(before);
  });

  it('takes no time in force', () => {
    const h = setup();
    const result = h.place(BUYER, {
      side: 'BUY',
      orderType: 'LIMIT_MAKER',
      price: 99,
      qty: 1,
      timeInForce: 'IOC',
    });
    expect(codeOf(result)).toBe('INVALID_COMMAND');
  });
});

describe('malformed limit orders', () => {
  it.each([
    ['no price', { qty: 1 }],
    ['no qty', { price: 100 }],
    ['quoteQty', { price: 100, qty: 1, quoteQty: 100 }],
    ['stopPrice on a plain limit', { price: 100, qty: 1, stopPrice: 90 }],
    ['trailing delta on a plain limit', { price: 100, qty: 1, trailingDeltaBps: 100 }],
    ['unknown time in force', { price: 100, qty: 1, timeInForce: 'GTX' as 'GTC' }],
  ])('%s is INVALID_COMMAND', (_name, fields) => {
    const h = setup();
    expect(codeOf(h.place(BUYER, { side: 'BUY', orderType: 'LIMIT', ...fields }))).toBe('INVALID_COMMAND');
  });
});
