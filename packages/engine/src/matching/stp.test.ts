// Proves self-trade prevention: NONE trades with itself, EXPIRE_MAKER / EXPIRE_TAKER / EXPIRE_BOTH expire the right orders, FOK accounts for it.
import { describe, expect, it } from 'vitest';
import { eventsOf, Harness, idOf } from '../testing/harness.js';

const SELF = 1;
const OTHER = 2;

function setup(fees: { makerPpm?: number; takerPpm?: number } = {}): Harness {
  const h = new Harness({ fees });
  for (const user of [SELF, OTHER]) {
    h.fund(user, 'BTC', 1_000);
    h.fund(user, 'USDT', 100_000);
  }
  return h;
}

/** SELF and OTHER asks: other 1 lot at 99, then self 2 and other 2 at 100. */
function ladder(h: Harness): { other99: number; self100: number; other100: number } {
  return {
    other99: idOf(h.limit(OTHER, 'SELL', 99, 1)),
    self100: idOf(h.limit(SELF, 'SELL', 100, 2)),
    other100: idOf(h.limit(OTHER, 'SELL', 100, 2)),
  };
}

describe('NONE', () => {
  it('lets a user trade with itself, paying both fees', () => {
    const h = setup({ makerPpm: 1_000, takerPpm: 2_000 });
    const maker = idOf(h.limit(SELF, 'SELL', 1_000, 2));
    const taker = h.limit(SELF, 'BUY', 1_000, 3, { stp: 'NONE' });
    expect(eventsOf(taker, 'trade')).toEqual([
      expect.objectContaining({
        buyer: SELF,
        seller: SELF,
        sellOrderId: maker,
        qty: 2,
        notional: 2_000,
        buyerFee: 4,
        sellerFee: 2,
      }),
    ]);
    expect(h.book('SELL')).toEqual([]);
    expect(h.book('BUY')).toEqual([[1_000, 1]]);
    // Only the fees left the user: 6 USDT; the remaining lot holds 1,000 + 2.
    expect(h.balance(SELF, 'USDT')).toEqual({ available: 100_000 - 6 - 1_002, held: 1_002 });
    expect(h.balance(SELF, 'BTC')).toEqual({ available: 1_000, held: 0 });
    expect(h.fees('USDT')).toBe(6);
  });
});

describe('EXPIRE_MAKER (the default)', () => {
  it("expires the user's resting order and keeps matching behind it", () => {
    const h = setup();
    const { other99, self100, other100 } = ladder(h);
    const taker = h.limit(SELF, 'BUY', 100, 4);
    expect(eventsOf(taker, 'orderAccepted')[0]!.stp).toBe('EXPIRE_MAKER');
    expect(taker.ok && taker.events.filter((e) => e.type === 'trade' || e.type === 'orderClosed')).toEqual([
      expect.objectContaining({ type: 'trade', sellOrderId: other99, qty: 1 }),
      expect.objectContaining({ type: 'orderClosed', orderId: other99, status: 'FILLED' }),
      expect.objectContaining({
        type: 'orderClosed',
        orderId: self100,
        status: 'EXPIRED',
        reason: 'STP',
        released: 20,
      }),
      expect.objectContaining({ type: 'trade', sellOrderId: other100, qty: 2 }),
      expect.objectContaining({ type: 'orderClosed', orderId: other100, status: 'FILLED' }),
    ]);
    expect(h.book('SELL')).toEqual([]);
    expect(h.book('BUY')).toEqual([[100, 1]]);
    expect(h.balance(SELF, 'BTC')).toEqual({ available: 1_030, held: 0 });
  });

  it('works for a sell taker against its own bid', () => {
    const h = setup();
    const own = idOf(h.limit(SELF, 'BUY', 100, 1));
    const theirs = idOf(h.limit(OTHER, 'BUY', 99, 1));
    const taker = h.place(SELF, { side: 'SELL', orderType: 'MARKET', qty: 1, stp: 'EXPIRE_MAKER' });
    expect(eventsOf(taker, 'orderClosed')[0]).toMatchObject({ orderId: own, reason: 'STP', released: 100 });
    expect(eventsOf(taker, 'trade')[0]).toMatchObject({ buyOrderId: theirs, price: 99 });
    expect(h.balance(SELF, 'USDT')).toEqual({ available: 100_099, held: 0 });
  });
});

describe('EXPIRE_TAKER', () => {
  it('expires the rest of the incoming order at the first own maker', () => {
    const h = setup();
    const { other99, self100, other100 } = ladder(h);
    const taker = h.limit(SELF, 'BUY', 100, 4, { stp: 'EXPIRE_TAKER' });
    expect(eventsOf(taker, 'trade').map((t) => t.sellOrderId)).toEqual([other99]);
    expect(eventsOf(taker, 'orderClosed').at(-1)).toMatchObject({
      orderId: idOf(taker),
      status: 'EXPIRED',
      reason: 'STP',
      filledQty: 1,
      released: 301,
    });
    expect(h.engine.matcher.orders.has(self100)).toBe(true);
    expect(h.engine.matcher.orders.has(other100)).toBe(true);
    expect(h.book('SELL')).toEqual([[100, 4]]);
    expect(h.book('BUY')).toEqual([]);
    expect(h.balance(SELF, 'USDT')).toEqual({ available: 100_000 - 99, held: 0 });
  });

  it('a market order meeting its own order first fills nothing', () => {
    const h = setup();
    h.limit(SELF, 'SELL', 100, 1);
    h.limit(OTHER, 'SELL', 100, 1);
    const taker = h.place(SELF, { side: 'BUY', orderType: 'MARKET', qty: 1, stp: 'EXPIRE_TAKER' });
    expect(eventsOf(taker, 'trade')).toEqual([]);
    expect(eventsOf(taker, 'orderClosed')).toEqual([
      expect.objectContaining({ status: 'EXPIRED', reason: 'STP', filledQty: 0, released: 100_000 }),
    ]);
  });
});

describe('EXPIRE_BOTH', () => {
  it('expires the own maker and the rest of the taker', () => {
    const h = setup();
    const { other99, self100, other100 } = ladder(h);
    const taker = h.limit(SELF, 'BUY', 100, 4, { stp: 'EXPIRE_BOTH' });
    expect(eventsOf(taker, 'trade').map((t) => t.sellOrderId)).toEqual([other99]);
    expect(eventsOf(taker, 'orderClosed').map((e) => [e.orderId, e.status, e.reason])).toEqual([
      [other99, 'FILLED', 'FILLED'],
      [self100, 'EXPIRED', 'STP'],
      [idOf(taker), 'EXPIRED', 'STP'],
    ]);
    expect(h.engine.matcher.orders.has(other100)).toBe(true);
    expect(h.book('SELL')).toEqual([[100, 2]]);
    expect(h.balance(SELF, 'BTC')).toEqual({ available: 1_010, held: 0 });
  });
});

describe('FOK with STP', () => {
  it('EXPIRE_MAKER does not count own orders as liquidity and leaves them untouched when it cannot fill', () => {
    const h = setup();
    const own = idOf(h.limit(SELF, 'SELL', 100, 2));
    h.limit(OTHER, 'SELL', 100, 2);
    const taker = h.limit(SELF, 'BUY', 100, 3, { timeInForce: 'FOK' });
    expect(eventsOf(taker, 'orderClosed')).toEqual([
      expect.objectContaining({ orderId: idOf(taker), status: 'EXPIRED', reason: 'FOK', filledQty: 0 }),
    ]);
    expect(h.engine.matcher.orders.has(own)).toBe(true);
    expect(h.book('SELL')).toEqual([[100, 4]]);
  });

  it('EXPIRE_MAKER fills from the others and expires the own order when they suffice', () => {
    const h = setup();
    const own = idOf(h.limit(SELF, 'SELL', 100, 2));
    const theirs = idOf(h.limit(OTHER, 'SELL', 100, 2));
    const taker = h.limit(SELF, 'BUY', 100, 2, { timeInForce: 'FOK' });
    expect(eventsOf(taker, 'orderClosed').map((e) => [e.orderId, e.status, e.reason])).toEqual([
      [own, 'EXPIRED', 'STP'],
      [theirs, 'FILLED', 'FILLED'],
      [idOf(taker), 'FILLED', 'FILLED'],
    ]);
  });

  it('EXPIRE_TAKER and EXPIRE_BOTH cannot fill past an own order', () => {
    for (const stp of ['EXPIRE_TAKER', 'EXPIRE_BOTH'] as const) {
      const h = setup();
      h.limit(OTHER, 'SELL', 99, 1);
      h.limit(SELF, 'SELL', 100, 1);
      h.limit(OTHER, 'SELL', 100, 5);
      const taker = h.limit(SELF, 'BUY', 100, 2, { timeInForce: 'FOK', stp });
      expect(eventsOf(taker, 'trade')).toEqual([]);
      expect(eventsOf(taker, 'orderClosed')).toEqual([
        expect.objectContaining({ reason: 'FOK', filledQty: 0 }),
      ]);
      expect(h.book('SELL')).toEqual([
        [99, 1],
        [100, 6],
      ]);
    }
  });

  it('NONE counts own orders as liquidity', () => {
    const h = setup();
    h.limit(SELF, 'SELL', 100, 2);
    h.limit(OTHER, 'SELL', 100, 1);
    const taker = h.limit(SELF, 'BUY', 100, 3, { timeInForce: 'FOK', stp: 'NONE' });
    expect(eventsOf(taker, 'trade').map((t) => [t.seller, t.qty])).toEqual([
      [SELF, 2],
      [OTHER, 1],
    ]);
  });
});

it('an unknown STP mode is INVALID_COMMAND', () => {
  const h = setup();
  expect(h.limit(SELF, 'BUY', 100, 1, { stp: 'EXPIRE_ALL' as 'NONE' })).toMatchObject({
    code: 'INVALID_COMMAND',
  });
});
