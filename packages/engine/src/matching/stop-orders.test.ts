// Proves stop and trailing-stop orders: trigger direction per type and side, reservations, cascades in id order, cancel, trailing boundaries.
import { describe, expect, it } from 'vitest';
import type { OrderType, PlaceOrder, Side } from '../commands.js';
import { codeOf, eventsOf, Harness, idOf } from '../testing/harness.js';

const TRADER = 1;
const BIDDER = 2;

function setup(opts: { fees?: { makerPpm?: number; takerPpm?: number }; last?: number } = {}): Harness {
  const h = new Harness({ fees: opts.fees ?? {} });
  for (const user of [TRADER, BIDDER, 3, 4, 5]) {
    h.fund(user, 'BTC', 1_000);
    h.fund(user, 'USDT', 100_000);
  }
  if (opts.last !== undefined) h.printTrade(opts.last);
  return h;
}

function pending(h: Harness, orderId: number): boolean {
  return h.engine.matcher.orders.get(orderId)?.pending === true;
}

describe('trigger direction', () => {
  const cases: [OrderType, Side, number, number][] = [
    // type, side, stopPrice, a last price one tick short of the trigger
    ['STOP_LOSS', 'BUY', 105, 104],
    ['STOP_LOSS', 'SELL', 95, 96],
    ['TAKE_PROFIT', 'SELL', 105, 104],
    ['TAKE_PROFIT', 'BUY', 95, 96],
  ];
  it.each(cases)(
    '%s %s at %i becomes a MARKET order when last reaches it',
    (type, side, stopPrice, short) => {
      const h = setup({ last: 100 });
      const placed = h.place(TRADER, { side, orderType: type, stopPrice, qty: 1 });
      const id = idOf(placed);
      expect(eventsOf(placed, 'orderAccepted')[0]).toMatchObject({
        orderType: type,
        stopPrice,
        pending: true,
      });
      expect(eventsOf(placed, 'bookLevel')).toEqual([]);
      expect(eventsOf(h.printTrade(short), 'orderTriggered')).toEqual([]);
      expect(pending(h, id)).toBe(true);
      const fired = h.printTrade(stopPrice);
      expect(eventsOf(fired, 'orderTriggered')).toEqual([
        {
          type: 'orderTriggered',
          seq: expect.any(Number),
          orderId: id,
          marketId: 1,
          user: TRADER,
          lastPrice: stopPrice,
        },
      ]);
      // The print left the book empty: the market order finds nothing and returns its reservation.
      expect(eventsOf(fired, 'orderClosed').at(-1)).toMatchObject({
        orderId: id,
        status: 'EXPIRED',
        reason: 'NO_LIQUIDITY',
        released: side === 'BUY' ? stopPrice : 10,
      });
      expect(h.balance(TRADER, side === 'BUY' ? 'USDT' : 'BTC').held).toBe(0);
    },
  );

  const limitCases: [OrderType, Side, number, number, number][] = [
    ['STOP_LOSS_LIMIT', 'BUY', 105, 104, 120],
    ['STOP_LOSS_LIMIT', 'SELL', 95, 96, 80],
    ['TAKE_PROFIT_LIMIT', 'SELL', 105, 104, 110],
    ['TAKE_PROFIT_LIMIT', 'BUY', 95, 96, 90],
  ];
  it.each(limitCases)(
    '%s %s at %i becomes a LIMIT order when last reaches it',
    (type, side, stopPrice, short, price) => {
      const h = setup({ last: 100 });
      const id = idOf(h.place(TRADER, { side, orderType: type, stopPrice, price, qty: 2 }));
      expect(eventsOf(h.printTrade(short), 'orderTriggered')).toEqual([]);
      const fired = h.printTrade(stopPrice);
      expect(eventsOf(fired, 'orderTriggered')[0]).toMatchObject({ orderId: id, lastPrice: stopPrice });
      expect(eventsOf(fired, 'bookLevel')).toContainEqual(expect.objectContaining({ side, price, qty: 2 }));
      expect(h.book(side)).toEqual([[price, 2]]);
      expect(h.balance(TRADER, side === 'BUY' ? 'USDT' : 'BTC').held).toBe(side === 'BUY' ? price * 2 : 20);
    },
  );

  it('a stop placed before the first trade waits for it', () => {
    const h = setup();
    const id = idOf(h.place(TRADER, { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: 95, qty: 1 }));
    expect(pending(h, id)).toBe(true);
    expect(eventsOf(h.printTrade(90), 'orderTriggered')[0]).toMatchObject({ orderId: id, lastPrice: 90 });
  });
});

describe('STOP_WOULD_TRIGGER_IMMEDIATELY', () => {
  const cases: [OrderType, Side, number][] = [
    ['STOP_LOSS', 'BUY', 100],
    ['STOP_LOSS', 'BUY', 99],
    ['STOP_LOSS', 'SELL', 100],
    ['STOP_LOSS', 'SELL', 101],
    ['TAKE_PROFIT', 'SELL', 100],
    ['TAKE_PROFIT', 'SELL', 99],
    ['TAKE_PROFIT', 'BUY', 100],
    ['TAKE_PROFIT', 'BUY', 101],
    ['STOP_LOSS_LIMIT', 'BUY', 100],
    ['TAKE_PROFIT_LIMIT', 'BUY', 101],
  ];
  it.each(cases)(
    '%s %s with stopPrice %i at last 100 is rejected and changes nothing',
    (type, side, stopPrice) => {
      const h = setup({ last: 100 });
      const before = h.stateWithoutSeq();
      const fields: Omit<PlaceOrder, 'type' | 'ts' | 'marketId' | 'user'> = {
        side,
        orderType: type,
        stopPrice,
        qty: 1,
      };
      if (type.endsWith('_LIMIT')) fields.price = 100;
      expect(h.place(TRADER, fields)).toMatchObject({ ok: false, code: 'STOP_WOULD_TRIGGER_IMMEDIATELY' });
      expect(h.stateWithoutSeq()).toBe(before);
    },
  );
});

describe('stop reservations', () => {
  it('a stop-limit buy holds notional at its limit price plus the higher fee', () => {
    const h = setup({ last: 100, fees: { makerPpm: 1_000, takerPpm: 2_000 } });
    const placed = h.place(TRADER, {
      side: 'BUY',
      orderType: 'STOP_LOSS_LIMIT',
      stopPrice: 105,
      price: 1_060,
      qty: 10,
    });
    expect(eventsOf(placed, 'orderAccepted')[0]!.hold).toBe(10_600 + 21);
    expect(h.balance(TRADER, 'USDT')).toEqual({ available: 100_000 - 10_621, held: 10_621 });
  });

  it('a stop-market buy by qty holds notional at its stop price plus fee', () => {
    const h = setup({ last: 100, fees: { makerPpm: 1_000, takerPpm: 2_000 } });
    const placed = h.place(TRADER, { side: 'BUY', orderType: 'STOP_LOSS', stopPrice: 1_000, qty: 10 });
    expect(eventsOf(placed, 'orderAccepted')[0]!.hold).toBe(10_020);
  });

  it('a stop-market buy by quoteQty holds the quoteQty; a stop sell holds its base', () => {
    const h = setup({ last: 100 });
    expect(
      eventsOf(
        h.place(TRADER, { side: 'BUY', orderType: 'STOP_LOSS', stopPrice: 105, quoteQty: 500 }),
        'orderAccepted',
      )[0]!.hold,
    ).toBe(500);
    expect(
      eventsOf(
        h.place(TRADER, { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: 95, qty: 3 }),
        'orderAccepted',
      )[0]!.hold,
    ).toBe(30);
    expect(h.balance(TRADER, 'USDT').held).toBe(500);
    expect(h.balance(TRADER, 'BTC').held).toBe(30);
  });

  it('a stop-market sell cannot be sized by quoteQty', () => {
    const h = setup({ last: 100 });
    expect(
      codeOf(h.place(TRADER, { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: 95, quoteQty: 500 })),
    ).toBe('INVALID_COMMAND');
  });

  it('a stop without stopPrice or trailing delta is INVALID_COMMAND', () => {
    const h = setup({ last: 100 });
    expect(codeOf(h.place(TRADER, { side: 'SELL', orderType: 'STOP_LOSS', qty: 1 }))).toBe('INVALID_COMMAND');
  });

  it('a stop-market buy whose market gaps past its reservation fills what it can and expires INSUFFICIENT_BALANCE', () => {
    const h = setup({ last: 100 });
    const id = idOf(h.place(TRADER, { side: 'BUY', orderType: 'STOP_LOSS', stopPrice: 105, qty: 2 }));
    h.limit(3, 'SELL', 200, 5);
    const fired = h.printTrade(105);
    expect(eventsOf(fired, 'trade').filter((t) => t.buyOrderId === id)).toEqual([
      expect.objectContaining({ price: 200, qty: 1, notional: 200 }),
    ]);
    expect(eventsOf(fired, 'orderClosed').at(-1)).toMatchObject({
      orderId: id,
      status: 'EXPIRED',
      reason: 'INSUFFICIENT_BALANCE',
      filledQty: 1,
      released: 10,
    });
    expect(h.balance(TRADER, 'USDT')).toEqual({ available: 99_800, held: 0 });
  });
});

describe('cascades', () => {
  it("one triggered stop's trades trigger the next, each after the previous taker finished", () => {
    const h = setup({ last: 100 });
    const bid95 = idOf(h.limit(BIDDER, 'BUY', 95, 1));
    const bid90 = idOf(h.limit(BIDDER, 'BUY', 90, 1));
    h.limit(BIDDER, 'BUY', 85, 5);
    const a = idOf(h.place(3, { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: 95, qty: 1 }));
    const b = idOf(h.place(4, { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: 90, qty: 1 }));
    const result = h.place(5, { side: 'SELL', orderType: 'MARKET', qty: 1 });
    const taker = idOf(result);
    const story = result.ok
      ? result.events.map((e) => {
          if (e.type === 'trade') return `trade ${e.sellOrderId}@${e.price}`;
          if (e.type === 'orderTriggered') return `triggered ${e.orderId}@${e.lastPrice}`;
          if (e.type === 'orderClosed') return `closed ${e.orderId} ${e.status}`;
          if (e.type === 'bookLevel') return `level ${e.side} ${e.price}=${e.qty}`;
          return e.type;
        })
      : [];
    expect(story).toEqual([
      'orderAccepted',
      `trade ${taker}@95`,
      `closed ${bid95} FILLED`,
      `closed ${taker} FILLED`,
      `triggered ${a}@95`,
      `trade ${a}@90`,
      `closed ${bid90} FILLED`,
      `closed ${a} FILLED`,
      `triggered ${b}@90`,
      `trade ${b}@85`,
      `closed ${b} FILLED`,
      'level BUY 95=0',
      'level BUY 90=0',
      'level BUY 85=4',
      'balance',
      'balance',
      'balance',
      'balance',
      'balance',
      'balance',
      'balance',
      'balance',
    ]);
    expect(h.engine.matcher.markets.get(1)!.lastPrice).toBe(85);
    expect(h.balance(3, 'USDT').available).toBe(100_090);
    expect(h.balance(4, 'USDT').available).toBe(100_085);
  });

  it('stops triggered by the same move run in order id order, not stop price order', () => {
    const h = setup({ last: 100 });
    h.limit(BIDDER, 'BUY', 89, 1);
    h.limit(BIDDER, 'BUY', 88, 1);
    h.limit(BIDDER, 'BUY', 87, 1);
    const older = idOf(h.place(3, { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: 90, qty: 1 }));
    const newer = idOf(h.place(4, { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: 95, qty: 1 }));
    const result = h.place(5, { side: 'SELL', orderType: 'MARKET', qty: 1 });
    expect(eventsOf(result, 'orderTriggered').map((e) => e.orderId)).toEqual([older, newer]);
    expect(eventsOf(result, 'trade').map((t) => [t.sellOrderId, t.price])).toEqual([
      [idOf(result), 89],
      [older, 88],
      [newer, 87],
    ]);
  });

  it('orderTriggered reports the price that fired the stop, not the price when it ran', () => {
    // Before the first trade nothing is checked, so stops both ways can wait at once.
    const h = setup();
    h.limit(BIDDER, 'BUY', 80, 1);
    const down = idOf(h.place(3, { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: 100, qty: 1 }));
    const up = idOf(h.place(4, { side: 'BUY', orderType: 'STOP_LOSS', stopPrice: 95, quoteQty: 500 }));
    const fired = h.printTrade(97);
    expect(eventsOf(fired, 'orderTriggered').map((e) => [e.orderId, e.lastPrice])).toEqual([
      [down, 97],
      [up, 97],
    ]);
    // The down stop sold at 80 first; the up stop still fired at 97.
    expect(eventsOf(fired, 'trade').map((t) => t.price)).toEqual([97, 80]);
  });

  it('rising stops cascade upwards too', () => {
    const h = setup({ last: 100 });
    h.limit(3, 'SELL', 105, 1);
    h.limit(3, 'SELL', 110, 1);
    h.limit(3, 'SELL', 120, 1);
    // By quote: a stop-market buy by qty would be reserved at 105 and could not afford 110.
    const a = idOf(h.place(4, { side: 'BUY', orderType: 'STOP_LOSS', stopPrice: 105, quoteQty: 200 }));
    const b = idOf(h.place(5, { side: 'BUY', orderType: 'TAKE_PROFIT', stopPrice: 90, qty: 1 }));
    const c = idOf(
      h.place(TRADER, { side: 'BUY', orderType: 'STOP_LOSS_LIMIT', stopPrice: 110, price: 130, qty: 1 }),
    );
    const result = h.place(BIDDER, { side: 'BUY', orderType: 'MARKET', qty: 1 });
    expect(eventsOf(result, 'orderTriggered').map((e) => e.orderId)).toEqual([a, c]);
    expect(eventsOf(result, 'trade').map((t) => t.price)).toEqual([105, 110, 120]);
    expect(pending(h, b)).toBe(true);
    expect(h.balance(4, 'USDT')).toEqual({ available: 100_000 - 110, held: 0 });
    // c paid 120 of its 130 reservation and closed: the 10 came back.
    expect(h.balance(TRADER, 'USDT')).toEqual({ available: 100_000 - 120, held: 0 });
  });
});

describe('canceling a pending stop', () => {
  it('releases its reservation and its stop slot', () => {
    const h = setup({ last: 100 });
    const id = idOf(
      h.place(TRADER, { side: 'BUY', orderType: 'STOP_LOSS_LIMIT', stopPrice: 105, price: 106, qty: 2 }),
    );
    expect(h.balance(TRADER, 'USDT')).toEqual({ available: 99_788, held: 212 });
    expect(h.engine.matcher.userMarket(TRADER, 1).stopCount).toBe(1);
    const canceled = h.cancel(TRADER, { orderId: id });
    expect(eventsOf(canceled, 'orderClosed')).toEqual([
      {
        type: 'orderClosed',
        seq: expect.any(Number),
        orderId: id,
        marketId: 1,
        user: TRADER,
        status: 'CANCELED',
        reason: 'USER',
        filledQty: 0,
        released: 212,
      },
    ]);
    expect(h.balance(TRADER, 'USDT')).toEqual({ available: 100_000, held: 0 });
    expect(h.engine.matcher.userMarket(TRADER, 1).stopCount).toBe(0);
    expect(h.engine.matcher.markets.get(1)!.stopsUp).toEqual([]);
    // Gone for good: the move that would have triggered it triggers nothing.
    expect(eventsOf(h.printTrade(106), 'orderTriggered')).toEqual([]);
  });
});

describe('trailing stops', () => {
  it('a SELL without activation price tracks the peak from placement and triggers at exactly peak x (1 - delta)', () => {
    const h = setup({ last: 100 });
    const placed = h.place(TRADER, { side: 'SELL', orderType: 'STOP_LOSS', trailingDeltaBps: 500, qty: 1 });
    const id = idOf(placed);
    expect(eventsOf(placed, 'orderAccepted')[0]).toMatchObject({
      stopPrice: 0,
      trailingDeltaBps: 500,
      hold: 10,
    });
    expect(h.engine.matcher.orders.get(id)!.trailRef).toBe(100);
    expect(eventsOf(h.printTrade(200), 'orderTriggered')).toEqual([]);
    expect(h.engine.matcher.orders.get(id)!.trailRef).toBe(200);
    expect(eventsOf(h.printTrade(191), 'orderTriggered')).toEqual([]);
    expect(eventsOf(h.printTrade(190), 'orderTriggered')).toEqual([
      expect.objectContaining({ orderId: id, lastPrice: 190 }),
    ]);
  });

  it('a SELL with activation price ignores moves before activation, then trails from there', () => {
    const h = setup({ last: 100 });
    const id = idOf(
      h.place(TRADER, { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: 90, trailingDeltaBps: 500, qty: 1 }),
    );
    h.printTrade(150);
    expect(h.engine.matcher.orders.get(id)!.trailRef).toBe(0);
    h.printTrade(90);
    expect(h.engine.matcher.orders.get(id)!.trailRef).toBe(90);
    // Had the 150 counted, 100 would already be below 150 x 0.95.
    expect(eventsOf(h.printTrade(100), 'orderTriggered')).toEqual([]);
    expect(eventsOf(h.printTrade(96), 'orderTriggered')).toEqual([]);
    expect(eventsOf(h.printTrade(95), 'orderTriggered')).toEqual([expect.objectContaining({ orderId: id })]);
  });

  it('a SELL with activation price activates on a trade at an unchanged last price', () => {
    const h = setup({ last: 100 });
    const id = idOf(
      h.place(TRADER, {
        side: 'SELL',
        orderType: 'STOP_LOSS',
        stopPrice: 100,
        trailingDeltaBps: 500,
        qty: 1,
      }),
    );
    expect(h.engine.matcher.orders.get(id)!.trailRef).toBe(0);
    h.printTrade(100);
    expect(h.engine.matcher.orders.get(id)!.trailRef).toBe(100);
    h.printTrade(120);
    expect(eventsOf(h.printTrade(115), 'orderTriggered')).toEqual([]);
    expect(eventsOf(h.printTrade(114), 'orderTriggered')).toEqual([expect.objectContaining({ orderId: id })]);
  });

  it('a SELL activated by a take-profit price trails the peak above it', () => {
    const h = setup({ last: 100 });
    const id = idOf(
      h.place(TRADER, {
        side: 'SELL',
        orderType: 'TAKE_PROFIT',
        stopPrice: 120,
        trailingDeltaBps: 1_000,
        qty: 1,
      }),
    );
    h.printTrade(110);
    expect(h.engine.matcher.orders.get(id)!.trailRef).toBe(0);
    expect(eventsOf(h.printTrade(120), 'orderTriggered')).toEqual([]);
    h.printTrade(130);
    expect(eventsOf(h.printTrade(118), 'orderTriggered')).toEqual([]);
    expect(eventsOf(h.printTrade(117), 'orderTriggered')).toEqual([expect.objectContaining({ orderId: id })]);
  });

  it('a BUY without activation price tracks the trough and triggers at exactly trough x (1 + delta)', () => {
    const h = setup({ last: 100 });
    const placed = h.place(TRADER, { side: 'BUY', orderType: 'STOP_LOSS', trailingDeltaBps: 500, qty: 2 });
    const id = idOf(placed);
    // Reserved at last x 1.05 = 105 per lot.
    expect(eventsOf(placed, 'orderAccepted')[0]!.hold).toBe(210);
    h.printTrade(80);
    expect(h.engine.matcher.orders.get(id)!.trailRef).toBe(80);
    expect(eventsOf(h.printTrade(83), 'orderTriggered')).toEqual([]);
    expect(eventsOf(h.printTrade(84), 'orderTriggered')).toEqual([
      expect.objectContaining({ orderId: id, lastPrice: 84 }),
    ]);
  });

  it('a BUY with activation price waits for last <= stopPrice, then trails the trough', () => {
    const h = setup({ last: 100 });
    const id = idOf(
      h.place(TRADER, {
        side: 'BUY',
        orderType: 'TAKE_PROFIT_LIMIT',
        stopPrice: 90,
        trailingDeltaBps: 1_000,
        price: 200,
        qty: 1,
      }),
    );
    h.printTrade(95);
    expect(h.engine.matcher.orders.get(id)!.trailRef).toBe(0);
    h.printTrade(90);
    h.printTrade(80);
    expect(eventsOf(h.printTrade(87), 'orderTriggered')).toEqual([]);
    const fired = h.printTrade(88);
    expect(eventsOf(fired, 'orderTriggered')).toEqual([
      expect.objectContaining({ orderId: id, lastPrice: 88 }),
    ]);
    expect(h.book('BUY')).toEqual([[200, 1]]);
    expect(h.balance(TRADER, 'USDT').held).toBe(200);
  });

  it('a trailing stop-market buy with activation price reserves delta above it, so it fills at its trigger', () => {
    const h = setup({ last: 120 });
    const placed = h.place(TRADER, {
      side: 'BUY',
      orderType: 'TAKE_PROFIT',
      stopPrice: 100,
      trailingDeltaBps: 500,
      qty: 2,
    });
    const id = idOf(placed);
    // 100 x 1.05 = 105 per lot.
    expect(eventsOf(placed, 'orderAccepted')[0]!.hold).toBe(210);
    h.printTrade(100);
    h.limit(3, 'SELL', 105, 5);
    const fired = h.limit(BIDDER, 'BUY', 105, 1);
    expect(eventsOf(fired, 'orderTriggered')).toEqual([
      expect.objectContaining({ orderId: id, lastPrice: 105 }),
    ]);
    expect(eventsOf(fired, 'orderClosed').at(-1)).toMatchObject({
      orderId: id,
      status: 'FILLED',
      filledQty: 2,
      released: 0,
    });
  });

  it('without a last price, activates at the first trade', () => {
    const h = setup();
    const id = idOf(h.place(TRADER, { side: 'SELL', orderType: 'STOP_LOSS', trailingDeltaBps: 500, qty: 1 }));
    expect(h.engine.matcher.orders.get(id)!.trailRef).toBe(0);
    expect(eventsOf(h.printTrade(100), 'orderTriggered')).toEqual([]);
    expect(h.engine.matcher.orders.get(id)!.trailRef).toBe(100);
    expect(eventsOf(h.printTrade(95), 'orderTriggered')).toEqual([expect.objectContaining({ orderId: id })]);
  });

  it('a trailing stop-market buy by qty needs a reference price before the first trade', () => {
    const h = setup();
    expect(
      codeOf(h.place(TRADER, { side: 'BUY', orderType: 'STOP_LOSS', trailingDeltaBps: 500, qty: 1 })),
    ).toBe('INVALID_COMMAND');
    const byQuote = h.place(TRADER, {
      side: 'BUY',
      orderType: 'STOP_LOSS',
      trailingDeltaBps: 500,
      quoteQty: 300,
    });
    expect(eventsOf(byQuote, 'orderAccepted')[0]!.hold).toBe(300);
  });

  it.each([
    [9, 'INVALID_COMMAND'],
    [10, 'OK'],
    [2_000, 'OK'],
    [2_001, 'INVALID_COMMAND'],
  ])('trailingDeltaBps %i is %s', (delta, code) => {
    const h = setup({ last: 100 });
    expect(
      codeOf(h.place(TRADER, { side: 'SELL', orderType: 'STOP_LOSS', trailingDeltaBps: delta, qty: 1 })),
    ).toBe(code);
  });

  it('canceling a trailing stop releases its hold and takes it off the trailing list', () => {
    const h = setup({ last: 100 });
    const id = idOf(h.place(TRADER, { side: 'SELL', orderType: 'STOP_LOSS', trailingDeltaBps: 500, qty: 3 }));
    expect(eventsOf(h.cancel(TRADER, { orderId: id }), 'orderClosed')[0]).toMatchObject({ released: 30 });
    expect(h.engine.matcher.markets.get(1)!.trailing).toEqual([]);
    expect(h.balance(TRADER, 'BTC')).toEqual({ available: 1_000, held: 0 });
  });
});
