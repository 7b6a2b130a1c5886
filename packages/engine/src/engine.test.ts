// Proves the sequencer: malformed input is INVALID_COMMAND (never a throw), rejections change nothing, fees round down, events are gapless and aggregated.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Command } from './commands.js';
import { Engine } from './engine.js';
import type { EngineEvent } from './events.js';
import { checkInvariants } from './state/invariants.js';
import { captureState, encodeSnapshot, restoreSnapshot } from './state/snapshot.js';
import { codeOf, DEPOSITS, eventsOf, Harness, idOf } from './testing/harness.js';

const ts = 1_700_000_000_000;

/** A market with resting orders, a stop, an OCO and a named hold: something for bad commands to spoil. */
function busy(): Harness {
  const h = new Harness({ fees: { makerPpm: 1_000, takerPpm: 2_000 } });
  for (const user of [1, 2, 3]) {
    h.fund(user, 'BTC', 10_000);
    h.fund(user, 'USDT', 1_000_000);
  }
  h.printTrade(100);
  h.limit(1, 'SELL', 110, 5, { clientOrderId: 'ask' });
  h.limit(2, 'BUY', 90, 5);
  h.place(3, { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: 80, qty: 1 });
  h.placeOco(1, { side: 'SELL', qty: 2, price: 120, stopPrice: 85 });
  h.ok({ type: 'hold', ts, holdId: 'h1', asset: 'USDT', account: { user: 3, wallet: 'SPOT' }, amount: 500 });
  return h;
}

describe('INVALID_COMMAND', () => {
  const garbage: [string, unknown][] = [
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a string', 'placeOrder'],
    ['an array', []],
    ['an empty object', {}],
    ['no ts', { type: 'cancelAll', marketId: 1, user: 1 }],
    ['a negative ts', { type: 'cancelAll', ts: -1, marketId: 1, user: 1 }],
    ['a fractional ts', { type: 'cancelAll', ts: 1.5, marketId: 1, user: 1 }],
    ['ts as a string', { type: 'cancelAll', ts: '1', marketId: 1, user: 1 }],
    ['ts NaN', { type: 'cancelAll', ts: Number.NaN, marketId: 1, user: 1 }],
    ['an unknown type', { type: 'deleteEverything', ts }],
    [
      'an unknown type naming a user and an unknown market',
      { type: 'deleteEverything', ts, user: 1, marketId: 99 },
    ],
    ['a missing type', { ts, user: 1, marketId: 1 }],
    ['user 0', { type: 'cancelAll', ts, marketId: 1, user: 0 }],
    ['a negative user', { type: 'cancelAll', ts, marketId: 1, user: -1 }],
    ['a fractional user', { type: 'cancelAll', ts, marketId: 1, user: 1.5 }],
    ['user 2^36', { type: 'cancelAll', ts, marketId: 1, user: 2 ** 36 }],
    ['user as a string', { type: 'cancelAll', ts, marketId: 1, user: '1' }],
    ['no user', { type: 'cancelAll', ts, marketId: 1 }],
  ];
  it.each(garbage)('%s', (_name, cmd) => {
    const h = busy();
    const before = h.stateWithoutSeq();
    expect(codeOf(h.run(cmd as Command))).toBe('INVALID_COMMAND');
    expect(h.stateWithoutSeq()).toBe(before);
  });

  const order = {
    type: 'placeOrder',
    ts,
    marketId: 1,
    user: 2,
    side: 'BUY',
    orderType: 'LIMIT',
    price: 100,
    qty: 1,
  };
  it.each([
    ['qty 1.5', { qty: 1.5 }],
    ['qty NaN', { qty: Number.NaN }],
    ['qty -1', { qty: -1 }],
    ['qty 2^53', { qty: 2 ** 53 }],
    ['qty as a string', { qty: '1' }],
    ['price Infinity', { price: Number.POSITIVE_INFINITY }],
    ['price null', { price: null }],
    ['side "buy"', { side: 'buy' }],
    ['orderType "STOP"', { orderType: 'STOP' }],
    ['stopPrice 0.5', { stopPrice: 0.5 }],
  ])('placeOrder with %s', (_name, fields) => {
    const h = busy();
    const before = h.stateWithoutSeq();
    expect(codeOf(h.run({ ...order, ...fields } as Command))).toBe('INVALID_COMMAND');
    expect(h.stateWithoutSeq()).toBe(before);
  });
});

describe('rejections', () => {
  it('take a command sequence number, emit nothing and leave the rest of the state as it was', () => {
    const h = busy();
    const bad: Command[] = [
      { type: 'placeOrder', ts, marketId: 1, user: 4, side: 'BUY', orderType: 'LIMIT', price: 100, qty: 1 },
      {
        type: 'placeOrder',
        ts,
        marketId: 1,
        user: 1,
        side: 'SELL',
        orderType: 'LIMIT_MAKER',
        price: 90,
        qty: 1,
      },
      {
        type: 'placeOrder',
        ts,
        marketId: 1,
        user: 1,
        side: 'SELL',
        orderType: 'LIMIT',
        price: 95,
        qty: 1,
        clientOrderId: 'ask',
      },
      { type: 'placeOco', ts, marketId: 1, user: 1, side: 'SELL', qty: 1, price: 95, stopPrice: 99 },
      { type: 'cancelOrder', ts, marketId: 1, user: 2, clientOrderId: 'ask' },
      {
        type: 'cancelReplace',
        ts,
        marketId: 1,
        user: 1,
        cancelOrderId: 999,
        mode: 'STOP_ON_FAILURE',
        order: { side: 'BUY', orderType: 'MARKET', qty: 1 },
      },
      {
        type: 'transfer',
        ts,
        key: 'x',
        kind: 'internal',
        asset: 'USDT',
        from: { user: 4, wallet: 'SPOT' },
        to: { user: 1, wallet: 'SPOT' },
        amount: 1,
      },
      { type: 'release', ts, holdId: 'h1', amount: 501 },
      { type: 'updateMarket', ts, marketId: 1, fees: { takerPpm: 200_000 } },
    ];
    for (const cmd of bad) {
      const before = h.stateWithoutSeq();
      const seq = h.engine.commandSeq;
      const eventSeq = h.engine.ctx.eventSeq;
      const result = h.run(cmd);
      expect(result.ok).toBe(false);
      expect(result.commandSeq).toBe(seq + 1);
      expect(h.engine.commandSeq).toBe(seq + 1);
      expect(h.engine.ctx.eventSeq).toBe(eventSeq);
      expect(h.stateWithoutSeq()).toBe(before);
    }
  });

  it('never throw for fields replaced by arbitrary values, and leave the state intact when they reject', () => {
    const templates: Command[] = [
      {
        type: 'placeOrder',
        ts,
        marketId: 1,
        user: 2,
        side: 'BUY',
        orderType: 'LIMIT',
        price: 110,
        qty: 2,
        timeInForce: 'GTC',
        clientOrderId: 'c',
      },
      { type: 'placeOrder', ts, marketId: 1, user: 2, side: 'BUY', orderType: 'MARKET', quoteQty: 500 },
      {
        type: 'placeOrder',
        ts,
        marketId: 1,
        user: 3,
        side: 'SELL',
        orderType: 'STOP_LOSS_LIMIT',
        stopPrice: 95,
        price: 94,
        qty: 1,
        trailingDeltaBps: 100,
      },
      {
        type: 'placeOco',
        ts,
        marketId: 1,
        user: 2,
        side: 'BUY',
        qty: 1,
        price: 95,
        stopPrice: 105,
        stopLimitPrice: 106,
        listClientId: 'l',
        limitClientOrderId: 'a',
        stopClientOrderId: 'b',
      },
      { type: 'cancelOrder', ts, marketId: 1, user: 1, clientOrderId: 'ask' },
      { type: 'cancelAll', ts, marketId: 1, user: 1 },
      {
        type: 'cancelReplace',
        ts,
        marketId: 1,
        user: 1,
        cancelClientOrderId: 'ask',
        mode: 'STOP_ON_FAILURE',
        order: { side: 'SELL', orderType: 'LIMIT', price: 111, qty: 1 },
      },
      {
        type: 'transfer',
        ts,
        key: 'k',
        kind: 'internal',
        asset: 'USDT',
        from: { user: 1, wallet: 'SPOT' },
        to: { user: 2, wallet: 'FUNDING' },
        amount: 5,
      },
      { type: 'hold', ts, holdId: 'h2', asset: 'BTC', account: { user: 1, wallet: 'SPOT' }, amount: 5 },
      { type: 'release', ts, holdId: 'h1', amount: 5 },
      {
        type: 'settleHold',
        ts,
        key: 's',
        holdId: 'h1',
        kind: 'escrow',
        to: { system: DEPOSITS },
        amount: 5,
        final: true,
      },
      { type: 'addAsset', ts, asset: 'ETH', scale: 18 },
      { type: 'defineSystemAccount', ts, name: 'treasury', allowNegative: false },
      {
        type: 'updateMarket',
        ts,
        marketId: 1,
        filters: { minQty: 1 },
        fees: { makerPpm: 10 },
        status: 'TRADING',
      },
    ];
    const h = busy();
    const base = h.stateWithoutSeq();
    const mutation = fc.record({
      template: fc.nat({ max: templates.length - 1 }),
      key: fc.oneof(fc.nat({ max: 12 }), fc.constant(-1)),
      nested: fc.boolean(),
      value: fc.oneof(fc.anything(), fc.constant(undefined), fc.integer(), fc.double()),
    });
    fc.assert(
      fc.property(mutation, ({ template, key, nested, value }) => {
        const e = fromState(h);
        const cmd = structuredClone(templates[template]!) as unknown as Record<string, unknown>;
        let target = cmd;
        const objectKeys = Object.keys(cmd).filter((k) => typeof cmd[k] === 'object' && cmd[k] !== null);
        if (nested && objectKeys.length > 0)
          target = cmd[objectKeys[Math.abs(key) % objectKeys.length]!] as Record<string, unknown>;
        const keys = Object.keys(target);
        const name = key < 0 ? 'extra' : keys[key % keys.length]!;
        target[name] = value;
        const before = JSON.stringify({ ...captureState(e), commandSeq: 0 });
        const result = e.execute(cmd as unknown as Command);
        checkInvariants(e);
        if (!result.ok) expect(JSON.stringify({ ...captureState(e), commandSeq: 0 })).toBe(before);
      }),
      { seed: 20_240_601, numRuns: 1_500 },
    );
    expect(h.stateWithoutSeq()).toBe(base);
  });
});

/** A fresh engine in the harness's state (restored from its snapshot) so each property run starts equal. */
function fromState(h: Harness): Engine {
  return restoreSnapshot(encodeSnapshot(h.engine));
}

describe('fees', () => {
  it('are charged in quote, rounded down, buyer on top and seller out of proceeds, into the fees account', () => {
    const h = new Harness({ fees: { makerPpm: 1_500, takerPpm: 2_500 } });
    h.fund(1, 'BTC', 1_000);
    h.fund(2, 'USDT', 10_000);
    h.limit(1, 'SELL', 333, 3);
    const buy = h.limit(2, 'BUY', 333, 3);
    // Reserved 999 + floor(2.4975) = 1,001.
    expect(eventsOf(buy, 'orderAccepted')[0]!.hold).toBe(1_001);
    // Taker 999 x 0.25% = 2.4975 -> 2; maker 999 x 0.15% = 1.4985 -> 1.
    expect(eventsOf(buy, 'trade')[0]).toMatchObject({ notional: 999, buyerFee: 2, sellerFee: 1 });
    expect(h.balance(2, 'USDT')).toEqual({ available: 10_000 - 1_001, held: 0 });
    expect(h.balance(1, 'USDT')).toEqual({ available: 998, held: 0 });
    expect(h.fees('USDT')).toBe(3);
  });

  it('of partial fills round down each, never beyond what was reserved for the whole order', () => {
    const h = new Harness({ fees: { makerPpm: 1_500, takerPpm: 2_500 } });
    h.fund(1, 'BTC', 1_000);
    h.fund(2, 'USDT', 10_000);
    const bid = idOf(h.limit(2, 'BUY', 1_000, 3));
    // 3,000 + floor(7.5) = 3,007 reserved.
    expect(h.balance(2, 'USDT').held).toBe(3_007);
    const fills = [1, 2, 3].map(() => h.place(1, { side: 'SELL', orderType: 'MARKET', qty: 1 }));
    // Each fill: maker 1.5 -> 1, taker 2.5 -> 2.
    for (const f of fills)
      expect(eventsOf(f, 'trade')[0]).toMatchObject({ notional: 1_000, buyerFee: 1, sellerFee: 2 });
    expect(eventsOf(fills[2]!, 'orderClosed')[0]).toMatchObject({
      orderId: bid,
      status: 'FILLED',
      released: 4,
    });
    expect(h.balance(2, 'USDT')).toEqual({ available: 10_000 - 3_003, held: 0 });
    expect(h.balance(1, 'USDT')).toEqual({ available: 3_000 - 6, held: 0 });
    expect(h.fees('USDT')).toBe(9);
  });

  it('at the maximum rate of 10% still leave the seller positive proceeds', () => {
    const h = new Harness({ fees: { makerPpm: 100_000, takerPpm: 100_000 } });
    h.fund(1, 'BTC', 1_000);
    h.fund(2, 'USDT', 10_000);
    h.limit(2, 'BUY', 19, 1);
    const sell = h.limit(1, 'SELL', 19, 1);
    expect(eventsOf(sell, 'trade')[0]).toMatchObject({ notional: 19, buyerFee: 1, sellerFee: 1 });
    expect(h.balance(1, 'USDT').available).toBe(18);
  });
});

describe('events', () => {
  it('carry a gapless global seq across commands', () => {
    const h = busy();
    const seen: number[] = [];
    const start = h.engine.ctx.eventSeq;
    const collect = (events: EngineEvent[]) => seen.push(...events.map((e) => e.seq));
    for (const result of [
      h.limit(2, 'BUY', 110, 3),
      h.limit(1, 'BUY', 100, 1),
      h.cancelAll(1),
      h.place(2, { side: 'SELL', orderType: 'MARKET', qty: 5 }),
      h.run({ type: 'release', ts, holdId: 'h1' }),
    ]) {
      if (result.ok) collect(result.events);
    }
    expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => start + 1 + i));
    expect(h.engine.ctx.eventSeq).toBe(start + seen.length);
  });

  it('end with one bookLevel per level and one balance per user account, after the command own events', () => {
    const h = new Harness();
    h.fund(1, 'BTC', 1_000);
    h.fund(2, 'USDT', 10_000);
    h.limit(1, 'SELL', 100, 1);
    h.limit(1, 'SELL', 100, 1);
    h.limit(1, 'SELL', 101, 1);
    const buy = h.limit(2, 'BUY', 101, 3);
    expect(buy.ok && buy.events.map((e) => e.type)).toEqual([
      'orderAccepted',
      'trade',
      'orderClosed',
      'trade',
      'orderClosed',
      'trade',
      'orderClosed',
      'orderClosed',
      'bookLevel',
      'bookLevel',
      'balance',
      'balance',
      'balance',
      'balance',
    ]);
    expect(eventsOf(buy, 'bookLevel').map((e) => [e.side, e.price, e.qty])).toEqual([
      ['SELL', 100, 0],
      ['SELL', 101, 0],
    ]);
    expect(eventsOf(buy, 'balance').map((e) => [e.user, e.asset, e.available, e.held])).toEqual([
      [2, 'USDT', 9_699, 0],
      [1, 'USDT', 301, 0],
      [1, 'BTC', 970, 0],
      [2, 'BTC', 30, 0],
    ]);
  });

  it('report no balance for system accounts', () => {
    const h = new Harness();
    const result = h.run({
      type: 'transfer',
      ts,
      key: 'sys',
      kind: 'deposit',
      asset: 'USDT',
      from: { system: DEPOSITS },
      to: { system: 'fees' },
      amount: 5,
    });
    expect(result.ok && result.events.map((e) => e.type)).toEqual(['transfer']);
  });
});

it('numbers every command, accepted or not', () => {
  const e = new Engine();
  expect(e.execute({ type: 'addAsset', ts, asset: 'BTC', scale: 8 }).commandSeq).toBe(1);
  expect(e.execute({ type: 'addAsset', ts, asset: 'BTC', scale: 8 }).commandSeq).toBe(2);
  expect(e.execute(null as unknown as Command).commandSeq).toBe(3);
  expect(e.commandSeq).toBe(3);
});
