// Proves OCO lists: price validation on both sides, one shared reservation, each leg's execution ending the other, and cancels.
import { describe, expect, it } from 'vitest';
import { codeOf, eventsOf, Harness, idOf } from '../testing/harness.js';

const OWNER = 1;
const OTHER = 2;

function setup(last: number | null = 100): Harness {
  const h = new Harness();
  for (const user of [OWNER, OTHER, 3]) {
    h.fund(user, 'BTC', 1_000);
    h.fund(user, 'USDT', 10_000);
  }
  if (last !== null) h.printTrade(last);
  return h;
}

describe('placement and prices', () => {
  it('a SELL list rests a LIMIT_MAKER leg and a pending STOP_LOSS leg over one base reservation', () => {
    const h = setup();
    const result = h.placeOco(OWNER, {
      side: 'SELL',
      qty: 2,
      price: 110,
      stopPrice: 90,
      listClientId: 'list-1',
    });
    expect(result.ok && result.orderId).toBe(1);
    expect(result.ok && result.events.map((e) => e.type)).toEqual([
      'orderAccepted',
      'orderAccepted',
      'ocoAccepted',
      'bookLevel',
      'balance',
    ]);
    const [limit, stop] = eventsOf(result, 'orderAccepted');
    expect(limit).toMatchObject({
      orderType: 'LIMIT_MAKER',
      listId: 1,
      price: 110,
      qty: 2,
      hold: 20,
      pending: false,
    });
    expect(stop).toMatchObject({
      orderType: 'STOP_LOSS',
      listId: 1,
      price: 0,
      stopPrice: 90,
      qty: 2,
      hold: 0,
      pending: true,
    });
    expect(eventsOf(result, 'ocoAccepted')).toEqual([
      {
        type: 'ocoAccepted',
        seq: expect.any(Number),
        listId: 1,
        listClientId: 'list-1',
        marketId: 1,
        user: OWNER,
        orderIds: [limit!.orderId, stop!.orderId],
      },
    ]);
    expect(h.balance(OWNER, 'BTC')).toEqual({ available: 980, held: 20 });
    expect(h.book('SELL')).toEqual([[110, 2]]);
  });

  it('a BUY list reserves the larger of its two legs, with a stop-limit leg at stopLimitPrice', () => {
    const h = setup();
    const market = h.placeOco(OWNER, { side: 'BUY', qty: 2, price: 90, stopPrice: 110 });
    expect(eventsOf(market, 'orderAccepted').map((e) => e.hold)).toEqual([220, 0]);
    const limited = h.placeOco(OTHER, {
      side: 'BUY',
      qty: 2,
      price: 90,
      stopPrice: 110,
      stopLimitPrice: 115,
    });
    const [, stop] = eventsOf(limited, 'orderAccepted');
    expect(stop).toMatchObject({ orderType: 'STOP_LOSS_LIMIT', price: 115, stopPrice: 110 });
    expect(eventsOf(limited, 'orderAccepted')[0]!.hold).toBe(230);
    expect(h.balance(OWNER, 'USDT')).toEqual({ available: 9_780, held: 220 });
    expect(h.balance(OTHER, 'USDT')).toEqual({ available: 9_770, held: 230 });
  });

  it.each([
    ['SELL', 100, 90],
    ['SELL', 110, 100],
    ['SELL', 95, 90],
    ['SELL', 110, 105],
    ['BUY', 100, 110],
    ['BUY', 90, 100],
    ['BUY', 105, 110],
    ['BUY', 90, 95],
  ] as const)('%s price %i stopPrice %i around last 100 is INVALID_OCO_PRICES', (side, price, stopPrice) => {
    const h = setup();
    const before = h.stateWithoutSeq();
    expect(codeOf(h.placeOco(OWNER, { side, qty: 1, price, stopPrice }))).toBe('INVALID_OCO_PRICES');
    expect(h.stateWithoutSeq()).toBe(before);
  });

  it('before the first trade only the order of price and stopPrice is checked', () => {
    const h = setup(null);
    expect(codeOf(h.placeOco(OWNER, { side: 'SELL', qty: 1, price: 110, stopPrice: 90 }))).toBe('OK');
    expect(codeOf(h.placeOco(OWNER, { side: 'SELL', qty: 1, price: 90, stopPrice: 110 }))).toBe(
      'INVALID_OCO_PRICES',
    );
    expect(codeOf(h.placeOco(OWNER, { side: 'BUY', qty: 1, price: 90, stopPrice: 110 }))).toBe('OK');
    expect(codeOf(h.placeOco(OWNER, { side: 'BUY', qty: 1, price: 100, stopPrice: 100 }))).toBe(
      'INVALID_OCO_PRICES',
    );
  });

  it('is rejected when the shared reservation is not available', () => {
    const h = setup();
    expect(h.placeOco(OWNER, { side: 'BUY', qty: 100, price: 90, stopPrice: 110 })).toMatchObject({
      ok: false,
      code: 'INSUFFICIENT_BALANCE',
      detail: { asset: 'USDT', needed: 11_000, available: 10_000 },
    });
  });

  it('validates the client ids of the list and of both legs', () => {
    const h = setup();
    const first = h.placeOco(OWNER, {
      side: 'SELL',
      qty: 1,
      price: 110,
      stopPrice: 90,
      limitClientOrderId: 'L1',
      stopClientOrderId: 'S1',
    });
    const [limit, stop] = eventsOf(first, 'orderAccepted');
    expect([limit!.clientOrderId, stop!.clientOrderId]).toEqual(['L1', 'S1']);
    expect(
      h.placeOco(OWNER, { side: 'SELL', qty: 1, price: 110, stopPrice: 90, limitClientOrderId: 'S1' }),
    ).toMatchObject({
      code: 'DUPLICATE_CLIENT_ORDER_ID',
      detail: { orderId: stop!.orderId },
    });
    expect(
      h.placeOco(OWNER, { side: 'SELL', qty: 1, price: 110, stopPrice: 90, stopClientOrderId: 'L1' }),
    ).toMatchObject({
      code: 'DUPLICATE_CLIENT_ORDER_ID',
      detail: { orderId: limit!.orderId },
    });
    expect(
      codeOf(
        h.placeOco(OWNER, {
          side: 'SELL',
          qty: 1,
          price: 110,
          stopPrice: 90,
          limitClientOrderId: 'X',
          stopClientOrderId: 'X',
        }),
      ),
    ).toBe('DUPLICATE_CLIENT_ORDER_ID');
    expect(
      codeOf(
        h.placeOco(OWNER, { side: 'SELL', qty: 1, price: 110, stopPrice: 90, stopClientOrderId: 'a b' }),
      ),
    ).toBe('INVALID_COMMAND');
    expect(
      codeOf(
        h.placeOco(OWNER, {
          side: 'SELL',
          qty: 1,
          price: 110,
          stopPrice: 90,
          listClientId: 5 as unknown as string,
        }),
      ),
    ).toBe('INVALID_COMMAND');
  });

  it.each([
    ['stopPrice 0', { stopPrice: 0 }],
    ['stopPrice 1.5', { stopPrice: 1.5 }],
    ['stopLimitPrice -1', { stopLimitPrice: -1 }],
    ['qty 0', { qty: 0 }],
    ['side HOLD', { side: 'HOLD' as 'BUY' }],
  ])('%s is INVALID_COMMAND', (_name, fields) => {
    const h = setup();
    expect(codeOf(h.placeOco(OWNER, { side: 'SELL', qty: 1, price: 110, stopPrice: 90, ...fields }))).toBe(
      'INVALID_COMMAND',
    );
  });
});

describe('execution', () => {
  it('a fill of the limit leg, even partial, expires the stop leg', () => {
    const h = setup();
    const result = h.placeOco(OWNER, { side: 'SELL', qty: 2, price: 110, stopPrice: 90 });
    const [limit, stop] = eventsOf(result, 'orderAccepted').map((e) => e.orderId);
    const buy = h.limit(OTHER, 'BUY', 110, 1);
    expect(buy.ok && buy.events.filter((e) => e.type === 'trade' || e.type === 'orderClosed')).toEqual([
      expect.objectContaining({ type: 'trade', sellOrderId: limit, qty: 1, makerRemaining: 1 }),
      expect.objectContaining({
        type: 'orderClosed',
        orderId: stop,
        status: 'EXPIRED',
        reason: 'OCO',
        released: 0,
      }),
      expect.objectContaining({ type: 'orderClosed', orderId: idOf(buy), status: 'FILLED' }),
    ]);
    expect(h.balance(OWNER, 'BTC')).toEqual({ available: 980, held: 10 });
    expect(h.engine.matcher.userMarket(OWNER, 1)).toMatchObject({ count: 1, stopCount: 0 });
    // The stop leg is gone: a fall through 90 triggers nothing.
    expect(eventsOf(h.printTrade(85), 'orderTriggered')).toEqual([]);
    expect(h.book('SELL')).toEqual([[110, 1]]);
  });

  it('a trigger of the stop leg expires the limit leg and sells with the shared reservation', () => {
    const h = setup();
    const result = h.placeOco(OWNER, { side: 'SELL', qty: 2, price: 110, stopPrice: 90 });
    const [limit, stop] = eventsOf(result, 'orderAccepted').map((e) => e.orderId);
    h.limit(OTHER, 'BUY', 89, 5);
    const fired = h.printTrade(90);
    expect(
      fired.events
        .filter((e) => e.type === 'orderTriggered' || e.type === 'orderClosed' || e.type === 'trade')
        .slice(3)
        .map((e) => [e.type, 'orderId' in e ? e.orderId : e.sellOrderId, 'reason' in e ? e.reason : '']),
    ).toEqual([
      ['orderTriggered', stop, ''],
      ['orderClosed', limit, 'OCO'],
      ['trade', stop, ''],
      ['orderClosed', stop, 'FILLED'],
    ]);
    expect(eventsOf(fired, 'orderClosed').find((e) => e.orderId === limit)).toMatchObject({
      status: 'EXPIRED',
      released: 0,
    });
    expect(eventsOf(fired, 'bookLevel')).toContainEqual(
      expect.objectContaining({ side: 'SELL', price: 110, qty: 0 }),
    );
    expect(h.balance(OWNER, 'BTC')).toEqual({ available: 980, held: 0 });
    expect(h.balance(OWNER, 'USDT')).toEqual({ available: 10_000 + 178, held: 0 });
  });

  it('a BUY list whose stop-limit leg fires takes over the reservation and keeps only what its rest needs', () => {
    const h = setup();
    const result = h.placeOco(OWNER, { side: 'BUY', qty: 2, price: 90, stopPrice: 110, stopLimitPrice: 115 });
    const [limit, stop] = eventsOf(result, 'orderAccepted').map((e) => e.orderId);
    h.limit(3, 'SELL', 112, 1);
    const fired = h.printTrade(110);
    expect(eventsOf(fired, 'orderClosed').find((e) => e.orderId === limit)).toMatchObject({
      status: 'EXPIRED',
      reason: 'OCO',
      released: 0,
    });
    expect(eventsOf(fired, 'trade').at(-1)).toMatchObject({ buyOrderId: stop, price: 112, qty: 1 });
    // 230 reserved - 112 spent = 118; the lot resting at 115 needs 115.
    expect(eventsOf(fired, 'orderHoldReduced')).toEqual([
      expect.objectContaining({ orderId: stop, released: 3 }),
    ]);
    expect(h.balance(OWNER, 'USDT')).toEqual({ available: 10_000 - 230 + 3, held: 115 });
    expect(h.book('BUY')).toEqual([[115, 1]]);
  });
});

describe('cancel', () => {
  it('canceling the stop leg cancels the limit leg and returns the reservation', () => {
    const h = setup();
    const [limit, stop] = eventsOf(
      h.placeOco(OWNER, { side: 'SELL', qty: 2, price: 110, stopPrice: 90 }),
      'orderAccepted',
    ).map((e) => e.orderId);
    const result = h.cancel(OWNER, { orderId: stop });
    expect(eventsOf(result, 'orderClosed').map((e) => [e.orderId, e.status, e.reason, e.released])).toEqual([
      [stop, 'CANCELED', 'USER', 0],
      [limit, 'CANCELED', 'OCO', 20],
    ]);
    expect(h.balance(OWNER, 'BTC')).toEqual({ available: 1_000, held: 0 });
    expect(h.book('SELL')).toEqual([]);
    expect(h.engine.matcher.userMarket(OWNER, 1)).toMatchObject({ count: 0, stopCount: 0 });
  });

  it('canceling the limit leg cancels the stop leg', () => {
    const h = setup();
    const [limit, stop] = eventsOf(
      h.placeOco(OWNER, { side: 'SELL', qty: 2, price: 110, stopPrice: 90, limitClientOrderId: 'tp' }),
      'orderAccepted',
    ).map((e) => e.orderId);
    const result = h.cancel(OWNER, { clientOrderId: 'tp' });
    expect(eventsOf(result, 'orderClosed').map((e) => [e.orderId, e.status, e.reason, e.released])).toEqual([
      [limit, 'CANCELED', 'USER', 20],
      [stop, 'CANCELED', 'OCO', 0],
    ]);
    expect(h.engine.matcher.markets.get(1)!.stopsDown).toEqual([]);
  });

  it('cancelAll closes both legs and the other orders, newest first', () => {
    const h = setup();
    const plain = idOf(h.limit(OWNER, 'SELL', 120, 1));
    const [limit, stop] = eventsOf(
      h.placeOco(OWNER, { side: 'SELL', qty: 2, price: 110, stopPrice: 90 }),
      'orderAccepted',
    ).map((e) => e.orderId);
    const result = h.cancelAll(OWNER);
    expect(eventsOf(result, 'orderClosed').map((e) => [e.orderId, e.status, e.reason])).toEqual([
      [stop, 'CANCELED', 'CANCEL_ALL'],
      [limit, 'CANCELED', 'OCO'],
      [plain, 'CANCELED', 'CANCEL_ALL'],
    ]);
    expect(h.balance(OWNER, 'BTC')).toEqual({ available: 1_000, held: 0 });
  });

  it('replacing a leg cancels (not expires) the other leg', () => {
    const h = setup();
    const [limit, stop] = eventsOf(
      h.placeOco(OWNER, { side: 'SELL', qty: 2, price: 110, stopPrice: 90 }),
      'orderAccepted',
    ).map((e) => e.orderId);
    const result = h.cancelReplace(OWNER, {
      cancelOrderId: limit,
      mode: 'STOP_ON_FAILURE',
      order: { side: 'SELL', orderType: 'LIMIT', price: 105, qty: 2 },
    });
    expect(eventsOf(result, 'orderClosed').map((e) => [e.orderId, e.status, e.reason])).toEqual([
      [limit, 'CANCELED', 'REPLACED'],
      [stop, 'CANCELED', 'OCO'],
    ]);
    expect(h.book('SELL')).toEqual([[105, 2]]);
    expect(h.balance(OWNER, 'BTC')).toEqual({ available: 980, held: 20 });
  });

  it('self-trade prevention expiring the limit leg expires the stop leg', () => {
    const h = setup();
    const [limit, stop] = eventsOf(
      h.placeOco(OWNER, { side: 'SELL', qty: 2, price: 110, stopPrice: 90 }),
      'orderAccepted',
    ).map((e) => e.orderId);
    const result = h.limit(OWNER, 'BUY', 110, 1);
    expect(
      eventsOf(result, 'orderClosed')
        .slice(0, 2)
        .map((e) => [e.orderId, e.status, e.reason]),
    ).toEqual([
      [limit, 'EXPIRED', 'STP'],
      [stop, 'EXPIRED', 'OCO'],
    ]);
  });
});
