// Proves cancel, cancelAll and cancelReplace, and the life cycle of client order ids.
import { describe, expect, it } from 'vitest';
import { codeOf, eventsOf, Harness, idOf, marketSpec } from '../testing/harness.js';

const OWNER = 1;
const OTHER = 2;

function setup(): Harness {
  const h = new Harness();
  for (const user of [OWNER, OTHER]) {
    h.fund(user, 'BTC', 1_000);
    h.fund(user, 'USDT', 10_000);
  }
  return h;
}

describe('cancelOrder', () => {
  it('by order id takes the order off the book and returns its hold', () => {
    const h = setup();
    const id = idOf(h.limit(OWNER, 'BUY', 100, 3));
    const result = h.cancel(OWNER, { orderId: id });
    expect(result.ok && result.orderId).toBe(id);
    expect(result.ok && result.events).toEqual([
      {
        type: 'orderClosed',
        seq: expect.any(Number),
        orderId: id,
        marketId: 1,
        user: OWNER,
        status: 'CANCELED',
        reason: 'USER',
        filledQty: 0,
        released: 300,
      },
      { type: 'bookLevel', seq: expect.any(Number), marketId: 1, side: 'BUY', price: 100, qty: 0 },
      {
        type: 'balance',
        seq: expect.any(Number),
        user: OWNER,
        asset: 'USDT',
        wallet: 'SPOT',
        available: 10_000,
        held: 0,
      },
    ]);
    expect(h.book('BUY')).toEqual([]);
  });

  it('by client order id, reporting what was filled', () => {
    const h = setup();
    const id = idOf(h.limit(OWNER, 'SELL', 100, 5, { clientOrderId: 'my-sell' }));
    h.limit(OTHER, 'BUY', 100, 2);
    const result = h.cancel(OWNER, { clientOrderId: 'my-sell' });
    expect(eventsOf(result, 'orderClosed')[0]).toMatchObject({ orderId: id, filledQty: 2, released: 30 });
    expect(h.balance(OWNER, 'BTC')).toEqual({ available: 980, held: 0 });
  });

  it("is UNKNOWN_ORDER for another user's order, exactly like a missing one", () => {
    const h = setup();
    const id = idOf(h.limit(OWNER, 'BUY', 100, 1, { clientOrderId: 'c1' }));
    const before = h.stateWithoutSeq();
    const foreign = h.cancel(OTHER, { orderId: id });
    const missing = h.cancel(OTHER, { orderId: 999 });
    expect(foreign).toMatchObject({ ok: false, code: 'UNKNOWN_ORDER' });
    expect(foreign.ok === false && foreign.message).toBe(missing.ok === false && missing.message);
    expect(codeOf(h.cancel(OTHER, { clientOrderId: 'c1' }))).toBe('UNKNOWN_ORDER');
    expect(h.stateWithoutSeq()).toBe(before);
  });

  it('is UNKNOWN_ORDER for a closed order and for no target at all', () => {
    const h = setup();
    const id = idOf(h.limit(OWNER, 'BUY', 100, 1));
    h.cancel(OWNER, { orderId: id });
    expect(codeOf(h.cancel(OWNER, { orderId: id }))).toBe('UNKNOWN_ORDER');
    const filled = idOf(h.limit(OTHER, 'SELL', 100, 1));
    h.limit(OWNER, 'BUY', 100, 1);
    expect(codeOf(h.cancel(OTHER, { orderId: filled }))).toBe('UNKNOWN_ORDER');
    expect(codeOf(h.cancel(OWNER, {}))).toBe('UNKNOWN_ORDER');
  });

  it('is UNKNOWN_ORDER for an order of the same user in another market, and UNKNOWN_MARKET for no market', () => {
    const h = setup();
    h.ok({ type: 'addAsset', ts: 1, asset: 'ETH', scale: 18 });
    h.ok({ type: 'addMarket', ts: 1, market: marketSpec({ id: 2, symbol: 'ETHUSDT', base: 'ETH' }) });
    const id = idOf(h.limit(OWNER, 'BUY', 100, 1));
    expect(codeOf(h.run({ type: 'cancelOrder', ts: 1, marketId: 2, user: OWNER, orderId: id }))).toBe(
      'UNKNOWN_ORDER',
    );
    expect(codeOf(h.run({ type: 'cancelOrder', ts: 1, marketId: 3, user: OWNER, orderId: id }))).toBe(
      'UNKNOWN_MARKET',
    );
  });
});

describe('cancelAll', () => {
  it("cancels the user's open orders in the market newest first, stops included, and only theirs", () => {
    const h = setup();
    const a = idOf(h.limit(OWNER, 'BUY', 90, 1));
    const b = idOf(h.limit(OWNER, 'SELL', 110, 2));
    const theirs = idOf(h.limit(OTHER, 'BUY', 91, 1));
    const c = idOf(h.place(OWNER, { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: 80, qty: 1 }));
    const result = h.cancelAll(OWNER);
    expect(result.ok && result.orderId).toBeUndefined();
    expect(eventsOf(result, 'orderClosed').map((e) => [e.orderId, e.status, e.reason, e.released])).toEqual([
      [c, 'CANCELED', 'CANCEL_ALL', 10],
      [b, 'CANCELED', 'CANCEL_ALL', 20],
      [a, 'CANCELED', 'CANCEL_ALL', 90],
    ]);
    expect(h.balance(OWNER, 'BTC')).toEqual({ available: 1_000, held: 0 });
    expect(h.balance(OWNER, 'USDT')).toEqual({ available: 10_000, held: 0 });
    expect(h.engine.matcher.orders.has(theirs)).toBe(true);
    expect(h.engine.matcher.userMarket(OWNER, 1)).toMatchObject({ head: null, count: 0, stopCount: 0 });
  });

  it('with nothing open is accepted and emits nothing', () => {
    const h = setup();
    const result = h.cancelAll(OWNER);
    expect(result).toMatchObject({ ok: true, events: [] });
    expect(result.ok && result.orderId).toBeUndefined();
  });
});

describe('cancelReplace', () => {
  it('cancels then places atomically; the new order can use the funds the cancel released', () => {
    const h = setup();
    const old = idOf(h.limit(OWNER, 'BUY', 100, 100, { clientOrderId: 'q' }));
    expect(h.balance(OWNER, 'USDT')).toEqual({ available: 0, held: 10_000 });
    const result = h.cancelReplace(OWNER, {
      cancelClientOrderId: 'q',
      mode: 'STOP_ON_FAILURE',
      order: { side: 'BUY', orderType: 'LIMIT', price: 99, qty: 100, clientOrderId: 'q' },
    });
    expect(result.ok && result.orderId).toBe(old + 1);
    expect(result.ok && result.events.map((e) => e.type)).toEqual([
      'orderClosed',
      'orderAccepted',
      'bookLevel',
      'bookLevel',
      'balance',
    ]);
    expect(eventsOf(result, 'orderClosed')[0]).toMatchObject({
      orderId: old,
      status: 'CANCELED',
      reason: 'REPLACED',
    });
    expect(eventsOf(result, 'orderAccepted')[0]).toMatchObject({
      orderId: old + 1,
      clientOrderId: 'q',
      hold: 9_900,
    });
    expect(h.balance(OWNER, 'USDT')).toEqual({ available: 100, held: 9_900 });
    expect(h.book('BUY')).toEqual([[99, 100]]);
  });

  it('reports a level emptied and refilled at the same price once, with its final total', () => {
    const h = setup();
    const old = idOf(h.limit(OWNER, 'BUY', 100, 2));
    const result = h.cancelReplace(OWNER, {
      cancelOrderId: old,
      mode: 'STOP_ON_FAILURE',
      order: { side: 'BUY', orderType: 'LIMIT', price: 100, qty: 5 },
    });
    expect(eventsOf(result, 'bookLevel')).toEqual([
      { type: 'bookLevel', seq: expect.any(Number), marketId: 1, side: 'BUY', price: 100, qty: 5 },
    ]);
  });

  it('STOP_ON_FAILURE with nothing to cancel is rejected and places nothing', () => {
    const h = setup();
    const before = h.stateWithoutSeq();
    const result = h.cancelReplace(OWNER, {
      cancelOrderId: 42,
      mode: 'STOP_ON_FAILURE',
      order: { side: 'BUY', orderType: 'LIMIT', price: 99, qty: 1 },
    });
    expect(result).toMatchObject({ ok: false, code: 'CANCEL_REPLACE_CANCEL_FAILED' });
    expect(h.stateWithoutSeq()).toBe(before);
  });

  it('ALLOW_FAILURE places the new order anyway and reports the failed cancel', () => {
    const h = setup();
    const result = h.cancelReplace(OWNER, {
      cancelOrderId: 42,
      mode: 'ALLOW_FAILURE',
      order: { side: 'BUY', orderType: 'LIMIT', price: 99, qty: 1 },
    });
    expect(result).toMatchObject({ ok: true, orderId: 1, cancelRejected: { code: 'UNKNOWN_ORDER' } });
    expect(result.ok && result.newOrderRejected).toBeUndefined();
    expect(h.book('BUY')).toEqual([[99, 1]]);
  });

  it('ALLOW_FAILURE with both halves failing is the new order rejection, changing nothing', () => {
    const h = setup();
    const before = h.stateWithoutSeq();
    const result = h.cancelReplace(OWNER, {
      cancelOrderId: 42,
      mode: 'ALLOW_FAILURE',
      order: { side: 'BUY', orderType: 'LIMIT', price: 99, qty: 1_000 },
    });
    expect(result).toMatchObject({ ok: false, code: 'INSUFFICIENT_BALANCE' });
    expect(h.stateWithoutSeq()).toBe(before);
  });

  it('a new order rejected after a successful cancel: accepted with the cancel and newOrderRejected', () => {
    const h = setup();
    const old = idOf(h.limit(OWNER, 'BUY', 100, 1));
    const result = h.cancelReplace(OWNER, {
      cancelOrderId: old,
      mode: 'STOP_ON_FAILURE',
      order: { side: 'BUY', orderType: 'LIMIT', price: 100, qty: 1_000 },
    });
    expect(result).toMatchObject({ ok: true, newOrderRejected: { code: 'INSUFFICIENT_BALANCE' } });
    expect(result.ok && result.orderId).toBeUndefined();
    expect(result.ok && result.events.map((e) => e.type)).toEqual(['orderClosed', 'bookLevel', 'balance']);
    expect(h.engine.matcher.orders.size).toBe(0);
    expect(h.balance(OWNER, 'USDT')).toEqual({ available: 10_000, held: 0 });
  });

  it('a missing or non-object order is INVALID_COMMAND and cancels nothing', () => {
    const h = setup();
    const old = idOf(h.limit(OWNER, 'BUY', 100, 1));
    const before = h.stateWithoutSeq();
    for (const order of [undefined, null, 'LIMIT']) {
      const result = h.run({
        type: 'cancelReplace',
        ts: 1,
        marketId: 1,
        user: OWNER,
        cancelOrderId: old,
        mode: 'STOP_ON_FAILURE',
        order: order as never,
      });
      expect(codeOf(result)).toBe('INVALID_COMMAND');
    }
    expect(
      codeOf(
        h.cancelReplace(OWNER, { cancelOrderId: old, mode: 'MAYBE' as 'ALLOW_FAILURE', order: {} as never }),
      ),
    ).toBe('INVALID_COMMAND');
    expect(h.stateWithoutSeq()).toBe(before);
  });

  it('a replacement that trades runs the stop triggers', () => {
    const h = setup();
    h.printTrade(100);
    const stop = idOf(h.place(OTHER, { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: 95, qty: 1 }));
    h.limit(OTHER, 'BUY', 95, 1);
    const old = idOf(h.limit(OWNER, 'SELL', 120, 1));
    const result = h.cancelReplace(OWNER, {
      cancelOrderId: old,
      mode: 'STOP_ON_FAILURE',
      order: { side: 'SELL', orderType: 'LIMIT', price: 95, qty: 1 },
    });
    expect(eventsOf(result, 'orderTriggered')).toEqual([
      expect.objectContaining({ orderId: stop, lastPrice: 95 }),
    ]);
  });
});

describe('client order ids', () => {
  it('a duplicate among open orders is rejected with the existing order id', () => {
    const h = setup();
    const id = idOf(h.limit(OWNER, 'BUY', 100, 1, { clientOrderId: 'dup' }));
    const before = h.stateWithoutSeq();
    expect(h.limit(OWNER, 'BUY', 90, 1, { clientOrderId: 'dup' })).toMatchObject({
      ok: false,
      code: 'DUPLICATE_CLIENT_ORDER_ID',
      detail: { orderId: id },
    });
    expect(h.stateWithoutSeq()).toBe(before);
    // Client ids are per user.
    expect(codeOf(h.limit(OTHER, 'BUY', 90, 1, { clientOrderId: 'dup' }))).toBe('OK');
  });

  it('is free again once its order is closed, whether canceled or filled', () => {
    const h = setup();
    const first = idOf(h.limit(OWNER, 'BUY', 100, 1, { clientOrderId: 'again' }));
    h.cancel(OWNER, { orderId: first });
    const second = idOf(h.limit(OWNER, 'BUY', 100, 1, { clientOrderId: 'again' }));
    expect(second).not.toBe(first);
    h.limit(OTHER, 'SELL', 100, 1);
    expect(codeOf(h.limit(OWNER, 'BUY', 100, 1, { clientOrderId: 'again' }))).toBe('OK');
  });

  it('an immediately closed order does not keep its client id', () => {
    const h = setup();
    h.place(OWNER, { side: 'BUY', orderType: 'MARKET', qty: 1, clientOrderId: 'mkt' });
    expect(codeOf(h.place(OWNER, { side: 'BUY', orderType: 'MARKET', qty: 1, clientOrderId: 'mkt' }))).toBe(
      'OK',
    );
  });

  it.each([
    ['too long', 'x'.repeat(37)],
    ['a space', 'a b'],
    ['empty', ''],
    ['a number', 123 as unknown as string],
  ])('with %s is INVALID_COMMAND', (_name, clientOrderId) => {
    const h = setup();
    expect(codeOf(h.limit(OWNER, 'BUY', 100, 1, { clientOrderId }))).toBe('INVALID_COMMAND');
  });
});
