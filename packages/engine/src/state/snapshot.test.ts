// Proves snapshots: a restored engine has the same state hash and behaves identically from there on, books, stops, trailing, OCO, holds and idempotency results included.
import { describe, expect, it } from 'vitest';
import type { Command, PlaceOrder } from '../commands.js';
import type { Engine } from '../engine.js';
import type { CommandResult } from '../events.js';
import { DEPOSITS, eventsOf, Harness, idOf, MARKET_ID, marketSpec } from '../testing/harness.js';
import { checkInvariants } from './invariants.js';
import { captureState, encodeSnapshot, restoreSnapshot, stateHash } from './snapshot.js';

const ts = 1_700_000_000_000;

function restore(engine: Engine): Engine {
  const copy = restoreSnapshot(encodeSnapshot(engine));
  checkInvariants(copy);
  return copy;
}

/** Run the same commands on both engines; every result and every hash after it must agree. */
function expectSameFuture(a: Engine, b: Engine, commands: Command[]): CommandResult[] {
  const results: CommandResult[] = [];
  for (const cmd of commands) {
    const ra = a.execute(structuredClone(cmd));
    const rb = b.execute(structuredClone(cmd));
    expect(rb).toEqual(ra);
    checkInvariants(a);
    checkInvariants(b);
    expect(stateHash(b)).toBe(stateHash(a));
    results.push(ra);
  }
  return results;
}

/** Event types (and rejection codes) seen in some results. */
function kinds(results: CommandResult[]): Set<string> {
  return new Set(results.flatMap((r) => (r.ok ? r.events.map((e) => e.type) : [r.code])));
}

const place = (
  user: number,
  fields: Omit<PlaceOrder, 'type' | 'ts' | 'marketId' | 'user'>,
  marketId = MARKET_ID,
): Command => ({
  type: 'placeOrder',
  ts,
  marketId,
  user,
  ...fields,
});

/** Everything a snapshot must carry: partial fills, both book sides, stops both ways, trailing, OCO, holds, keys, two markets. */
function richState(): { h: Harness; ids: Record<string, number> } {
  const h = new Harness({ fees: { makerPpm: 1_000, takerPpm: 2_500 } });
  h.ok({ type: 'addAsset', ts, asset: 'ETH', scale: 18 });
  h.ok({
    type: 'addMarket',
    ts,
    market: marketSpec({ id: 2, symbol: 'ETHUSDT', base: 'ETH', lotUnits: 100, tickQuoteUnits: 3 }),
  });
  h.ok({ type: 'defineSystemAccount', ts, name: 'treasury', allowNegative: false });
  for (const user of [1, 2, 3, 4]) {
    h.fund(user, 'BTC', 100_000);
    h.fund(user, 'USDT', 10_000_000);
    h.fund(user, 'ETH', 100_000);
  }
  h.ok({
    type: 'transfer',
    ts,
    key: 'tr-1',
    kind: 'deposit',
    asset: 'USDT',
    from: { system: DEPOSITS },
    to: { system: 'treasury' },
    amount: 5_000,
  });
  h.ok({
    type: 'hold',
    ts,
    holdId: 'user-hold',
    asset: 'USDT',
    account: { user: 4, wallet: 'SPOT' },
    amount: 7_000,
  });
  h.ok({
    type: 'hold',
    ts,
    holdId: 'sys-hold',
    asset: 'USDT',
    account: { system: 'treasury' },
    amount: 2_000,
  });
  h.ok({
    type: 'settleHold',
    ts,
    key: 'settle-1',
    holdId: 'user-hold',
    kind: 'escrow',
    to: { user: 3, wallet: 'FUNDING' },
    amount: 1_000,
  });
  h.printTrade(1_000);
  const ids: Record<string, number> = {};
  ids.ask = idOf(h.limit(1, 'SELL', 1_010, 10, { clientOrderId: 'ask-1' }));
  ids.ask2 = idOf(h.limit(2, 'SELL', 1_010, 4));
  ids.askFar = idOf(h.limit(1, 'SELL', 1_050, 3));
  h.limit(3, 'BUY', 1_010, 3); // partially fills ask
  ids.bid = idOf(h.limit(2, 'BUY', 990, 6, { clientOrderId: 'bid-1' }));
  ids.bid2 = idOf(h.limit(3, 'BUY', 990, 2, { stp: 'NONE' }));
  ids.stopDown = idOf(h.place(4, { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: 980, qty: 2 }));
  ids.stopUp = idOf(
    h.place(4, {
      side: 'BUY',
      orderType: 'STOP_LOSS_LIMIT',
      stopPrice: 1_030,
      price: 1_055,
      qty: 2,
      clientOrderId: 'up',
    }),
  );
  ids.takeProfit = idOf(h.place(3, { side: 'SELL', orderType: 'TAKE_PROFIT', stopPrice: 1_040, qty: 1 }));
  ids.trailActive = idOf(h.place(2, { side: 'SELL', orderType: 'STOP_LOSS', trailingDeltaBps: 200, qty: 2 }));
  ids.trailWaiting = idOf(
    h.place(1, {
      side: 'BUY',
      orderType: 'TAKE_PROFIT',
      stopPrice: 985,
      trailingDeltaBps: 300,
      quoteQty: 5_000,
    }),
  );
  h.printTrade(1_005); // moves the active trailing stop's peak
  const ocoSell = h.placeOco(1, {
    side: 'SELL',
    qty: 2,
    price: 1_060,
    stopPrice: 970,
    stopLimitPrice: 965,
    listClientId: 'list-s',
  });
  ids.ocoSellStop = eventsOf(ocoSell, 'ocoAccepted')[0]!.orderIds[1];
  ids.ocoBuy = idOf(h.placeOco(2, { side: 'BUY', qty: 2, price: 995, stopPrice: 1_020 }));
  h.run(place(1, { side: 'SELL', orderType: 'LIMIT', price: 500, qty: 5 }, 2));
  h.run(place(2, { side: 'BUY', orderType: 'LIMIT', price: 490, qty: 5 }, 2));
  h.run({ type: 'updateMarket', ts, marketId: MARKET_ID, fees: { makerPpm: 500, takerPpm: 500 } });
  return { h, ids };
}

describe('restoreSnapshot', () => {
  it('rebuilds the same state: same hash, same canonical state', () => {
    const { h } = richState();
    const state = captureState(h.engine);
    expect(state.markets[0]!.bids.length).toBeGreaterThan(0);
    expect(state.markets[0]!.stopsUp.length).toBeGreaterThan(0);
    expect(state.markets[0]!.stopsDown.length).toBeGreaterThan(0);
    expect(state.markets[0]!.trailing.length).toBe(2);
    expect(state.holds.length).toBe(2);
    expect(state.results.map(([key]) => key)).toContain('settle-1');
    const copy = restore(h.engine);
    expect(stateHash(copy)).toBe(stateHash(h.engine));
    expect(captureState(copy)).toEqual(state);
    expect(encodeSnapshot(copy)).toEqual(encodeSnapshot(h.engine));
  });

  it('restores an engine that behaves identically: stops, trailing, OCO, cancels, keys and holds', () => {
    const { h, ids } = richState();
    const copy = restore(h.engine);
    const results = expectSameFuture(h.engine, copy, [
      // Repeated keys answer from the remembered results.
      {
        type: 'transfer',
        ts,
        key: 'tr-1',
        kind: 'deposit',
        asset: 'USDT',
        from: { system: DEPOSITS },
        to: { system: 'treasury' },
        amount: 1,
      },
      {
        type: 'settleHold',
        ts,
        key: 'settle-1',
        holdId: 'user-hold',
        kind: 'escrow',
        to: { user: 3, wallet: 'SPOT' },
        amount: 1,
      },
      {
        type: 'settleHold',
        ts,
        key: 'settle-2',
        holdId: 'sys-hold',
        kind: 'escrow',
        to: { user: 1, wallet: 'SPOT' },
        amount: 500,
        final: true,
      },
      { type: 'release', ts, holdId: 'user-hold', amount: 100 },
      // Client ids survive: duplicate detection and cancel by client id.
      place(1, { side: 'SELL', orderType: 'LIMIT', price: 1_020, qty: 1, clientOrderId: 'ask-1' }),
      { type: 'cancelOrder', ts, marketId: MARKET_ID, user: 2, clientOrderId: 'bid-1' },
      // Resting orders keep their priority and fees; the OCO buy leg fills and expires its stop.
      place(3, { side: 'SELL', orderType: 'MARKET', qty: 3 }),
      // Up moves: trigger the stop-limit buy, the take-profit, the OCO sell's limit leg.
      place(3, { side: 'BUY', orderType: 'LIMIT', price: 1_050, qty: 12, timeInForce: 'IOC' }),
      // Down moves: trailing stop, OCO sell stop leg, stop-loss sell, activation of the waiting trailing buy.
      place(2, { side: 'BUY', orderType: 'LIMIT', price: 980, qty: 5 }),
      place(3, { side: 'BUY', orderType: 'LIMIT', price: 960, qty: 20 }),
      place(1, { side: 'SELL', orderType: 'MARKET', qty: 4 }),
      place(1, { side: 'SELL', orderType: 'MARKET', qty: 4 }),
      place(4, { side: 'SELL', orderType: 'LIMIT', price: 1_000, qty: 30 }),
      place(2, { side: 'BUY', orderType: 'MARKET', quoteQty: 3_000 }),
      { type: 'cancelAll', ts, marketId: MARKET_ID, user: 1 },
      { type: 'cancelAll', ts, marketId: MARKET_ID, user: 4 },
      {
        type: 'cancelReplace',
        ts,
        marketId: 2,
        user: 1,
        cancelOrderId: 999,
        mode: 'ALLOW_FAILURE',
        order: { side: 'BUY', orderType: 'LIMIT', price: 495, qty: 1 },
      },
      place(2, { side: 'SELL', orderType: 'MARKET', qty: 5 }, 2),
    ]);
    expect(h.engine.matcher.orders.has(ids.stopUp!)).toBe(false);
    expect(results[0]).toMatchObject({ ok: true, duplicate: true });
    expect(results[1]).toMatchObject({ ok: true, duplicate: true });
    expect(results[4]).toMatchObject({ ok: false, code: 'DUPLICATE_CLIENT_ORDER_ID' });
    const seen = kinds(results);
    for (const kind of ['orderTriggered', 'trade', 'release', 'transfer']) expect(seen).toContain(kind);
    const triggered = results
      .flatMap((r) => (r.ok ? r.events : []))
      .filter((e) => e.type === 'orderTriggered');
    expect(triggered.map((e) => e.orderId)).toEqual(
      expect.arrayContaining([
        ids.stopUp,
        ids.takeProfit,
        ids.trailActive,
        ids.trailWaiting,
        ids.stopDown,
        ids.ocoSellStop,
      ]),
    );
  });

  it('keeps the per-user order lists in live order, so cancelAll cancels newest first after a restore', () => {
    const { h } = richState();
    const copy = restore(h.engine);
    const cancelAll: Command = { type: 'cancelAll', ts, marketId: MARKET_ID, user: 1 };
    const live = h.engine.execute(cancelAll);
    const restored = copy.execute(cancelAll);
    expect(restored).toEqual(live);
    const closed = live.ok ? live.events.filter((e) => e.type === 'orderClosed').map((e) => e.orderId) : [];
    expect(closed.length).toBeGreaterThan(3);
  });

  it('of an empty engine restores an empty engine', () => {
    const h = new Harness();
    const copy = restore(h.engine);
    expect(stateHash(copy)).toBe(stateHash(h.engine));
  });
});

/** A deterministic pseudo-random generator (mulberry32) so that the stream is the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A mixed command stream over four users: every order type, cancels, keys (some repeated) and holds. */
function stream(seed: number, length: number): Command[] {
  const rnd = random(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!;
  const out: Command[] = [];
  for (let i = 0; i < length; i++) {
    const user = int(1, 4);
    const side = pick(['BUY', 'SELL'] as const);
    const price = int(95, 105);
    const roll = rnd();
    if (roll < 0.35) {
      out.push(
        place(user, {
          side,
          orderType: 'LIMIT',
          price,
          qty: int(1, 6),
          timeInForce: pick(['GTC', 'GTC', 'IOC', 'FOK'] as const),
          stp: pick(['EXPIRE_MAKER', 'NONE', 'EXPIRE_TAKER', 'EXPIRE_BOTH'] as const),
          clientOrderId: rnd() < 0.2 ? `c${int(1, 5)}` : undefined,
        }),
      );
    } else if (roll < 0.45) {
      out.push(
        place(
          user,
          side === 'BUY' && rnd() < 0.5
            ? { side, orderType: 'MARKET', quoteQty: int(50, 500) }
            : { side, orderType: 'MARKET', qty: int(1, 4) },
        ),
      );
    } else if (roll < 0.55) {
      const type = pick(['STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT'] as const);
      const fields: Omit<PlaceOrder, 'type' | 'ts' | 'marketId' | 'user'> = {
        side,
        orderType: type,
        stopPrice: int(92, 108),
        qty: int(1, 3),
      };
      if (type.endsWith('LIMIT')) fields.price = price;
      out.push(place(user, fields));
    } else if (roll < 0.62) {
      const fields: Omit<PlaceOrder, 'type' | 'ts' | 'marketId' | 'user'> = {
        side,
        orderType: pick(['STOP_LOSS', 'TAKE_PROFIT'] as const),
        trailingDeltaBps: int(10, 600),
        qty: int(1, 3),
      };
      if (rnd() < 0.4) fields.stopPrice = int(92, 108);
      out.push(place(user, fields));
    } else if (roll < 0.68) {
      out.push(
        side === 'SELL'
          ? {
              type: 'placeOco',
              ts,
              marketId: MARKET_ID,
              user,
              side,
              qty: int(1, 3),
              price: int(101, 108),
              stopPrice: int(92, 99),
              ...(rnd() < 0.5 ? { stopLimitPrice: int(90, 99) } : {}),
            }
          : {
              type: 'placeOco',
              ts,
              marketId: MARKET_ID,
              user,
              side,
              qty: int(1, 3),
              price: int(92, 99),
              stopPrice: int(101, 108),
            },
      );
    } else if (roll < 0.8) {
      out.push({ type: 'cancelOrder', ts, marketId: MARKET_ID, user, orderId: int(1, i + 1) });
    } else if (roll < 0.84) {
      out.push({ type: 'cancelAll', ts, marketId: MARKET_ID, user });
    } else if (roll < 0.9) {
      out.push({
        type: 'cancelReplace',
        ts,
        marketId: MARKET_ID,
        user,
        cancelOrderId: int(1, i + 1),
        mode: pick(['STOP_ON_FAILURE', 'ALLOW_FAILURE'] as const),
        order: { side, orderType: 'LIMIT', price, qty: int(1, 4) },
      });
    } else if (roll < 0.95) {
      out.push({
        type: 'transfer',
        ts,
        key: `k${int(1, 20)}`,
        kind: 'internal',
        asset: pick(['BTC', 'USDT'] as const),
        from: { user, wallet: 'SPOT' },
        to: { user: int(1, 4), wallet: pick(['SPOT', 'FUNDING'] as const) },
        amount: int(1, 300),
      });
    } else {
      const holdId = `h${int(1, 3)}`;
      out.push(
        rnd() < 0.5
          ? {
              type: 'hold',
              ts,
              holdId,
              asset: 'USDT',
              account: { user, wallet: 'SPOT' },
              amount: int(1, 200),
            }
          : {
              type: 'settleHold',
              ts,
              key: `s${int(1, 10)}`,
              holdId,
              kind: 'escrow',
              to: { user: int(1, 4), wallet: 'SPOT' },
              amount: int(1, 50),
              final: rnd() < 0.5,
            },
      );
    }
  }
  return out;
}

function seeded(): Harness {
  const h = new Harness({ fees: { makerPpm: 1_000, takerPpm: 2_000 } });
  for (const user of [1, 2, 3, 4]) {
    h.fund(user, 'BTC', 5_000);
    h.fund(user, 'USDT', 500_000);
  }
  return h;
}

describe('a random command stream', () => {
  const commands = stream(7, 600);

  it('replays to the same results and hash (determinism)', () => {
    const a = seeded();
    const b = seeded();
    expectSameFuture(a.engine, b.engine, commands.slice(0, 200));
  });

  it('continues identically from a snapshot taken every 50 commands', () => {
    const live = seeded().engine;
    const results: CommandResult[] = [];
    for (let i = 0; i < commands.length; i += 50) {
      const copy = restore(live);
      expect(stateHash(copy)).toBe(stateHash(live));
      results.push(...expectSameFuture(live, copy, commands.slice(i, i + 50)));
    }
    // The stream exercised triggers, OCO, holds and a variety of rejections, not just acceptances.
    const seen = kinds(results);
    for (const kind of [
      'orderTriggered',
      'ocoAccepted',
      'orderHoldReduced',
      'hold',
      'STOP_WOULD_TRIGGER_IMMEDIATELY',
      'UNKNOWN_ORDER',
    ])
      expect(seen).toContain(kind);
  });
});
