// Property: postings derived from events alone, summed per account, equal the engine's balances after
// any command stream, and every asset's postings sum to zero.
import { type Command, captureState, Engine, type PlaceOrder, type WalletType } from '@tradeloom/engine';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { derivePostings, type Posting, type PostingContext } from './postings.js';

const ts = 1_700_000_000_000;
const USERS = [1, 2, 3, 4];
const WALLETS: WalletType[] = ['SPOT', 'FUNDING'];

function setup(): Command[] {
  const commands: Command[] = [
    { type: 'addAsset', ts, asset: 'BTC', scale: 8 },
    { type: 'addAsset', ts, asset: 'USDT', scale: 6 },
    { type: 'defineSystemAccount', ts, name: 'external:test', allowNegative: true },
    { type: 'defineSystemAccount', ts, name: 'payouts:test', allowNegative: false },
    {
      type: 'addMarket',
      ts,
      market: {
        id: 1,
        symbol: 'BTCUSDT',
        base: 'BTC',
        quote: 'USDT',
        lotUnits: 100,
        tickQuoteUnits: 3,
        filters: {
          minPrice: 1,
          maxPrice: 1_000,
          minQty: 1,
          maxQty: 10_000,
          minNotional: 0,
          priceBandBps: 0,
          maxNumOrders: 1_000,
          maxNumStopOrders: 100,
        },
        fees: { makerPpm: 1_000, takerPpm: 2_500 },
        status: 'TRADING',
      },
    },
  ];
  for (const user of USERS) {
    for (const asset of ['BTC', 'USDT']) {
      commands.push({
        type: 'transfer',
        ts,
        key: `fund-${user}-${asset}`,
        kind: 'deposit',
        asset,
        from: { system: 'external:test' },
        to: { user, wallet: 'SPOT' },
        amount: 5_000_000,
      });
    }
  }
  return commands;
}

const user = fc.constantFrom(...USERS);
const side = fc.constantFrom('BUY' as const, 'SELL' as const);
const price = fc.integer({ min: 90, max: 110 });
const qty = fc.integer({ min: 1, max: 40 });
const asset = fc.constantFrom('BTC', 'USDT');
const holdId = fc.integer({ min: 1, max: 3 }).map((n) => `h${n}`);
const order = fc.oneof(
  fc.record({
    orderType: fc.constantFrom('LIMIT' as const, 'LIMIT_MAKER' as const),
    side,
    price,
    qty,
    timeInForce: fc.constantFrom('GTC' as const, 'IOC' as const, 'FOK' as const),
  }),
  fc.record({ orderType: fc.constant('MARKET' as const), side, qty }),
  fc.record({
    orderType: fc.constant('MARKET' as const),
    side,
    quoteQty: fc.integer({ min: 1, max: 20_000 }),
  }),
  fc.record({
    orderType: fc.constantFrom('STOP_LOSS_LIMIT' as const, 'TAKE_PROFIT_LIMIT' as const),
    side,
    price,
    qty,
    stopPrice: price,
    timeInForce: fc.constant('GTC' as const),
  }),
  fc.record({
    orderType: fc.constantFrom('STOP_LOSS' as const, 'TAKE_PROFIT' as const),
    side,
    qty,
    stopPrice: price,
  }),
);
const command: fc.Arbitrary<Omit<Command, 'ts'>> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ user, order, stp: fc.constantFrom('NONE' as const, 'EXPIRE_MAKER' as const) }).map(
      ({ user, order, stp }): Omit<PlaceOrder, 'ts'> => ({
        type: 'placeOrder',
        marketId: 1,
        user,
        stp,
        ...order,
      }),
    ),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ user, side, qty, price, stopPrice: price })
      .map(({ user, side, qty, price, stopPrice }) => ({
        type: 'placeOco' as const,
        marketId: 1,
        user,
        side,
        qty,
        price: side === 'SELL' ? price + 5 : price - 5,
        stopPrice: side === 'SELL' ? stopPrice - 5 : stopPrice + 5,
      })),
  },
  {
    weight: 3,
    arbitrary: fc.record({ user, orderId: fc.integer({ min: 1, max: 60 }) }).map(({ user, orderId }) => ({
      type: 'cancelOrder' as const,
      marketId: 1,
      user,
      orderId,
    })),
  },
  { weight: 1, arbitrary: user.map((user) => ({ type: 'cancelAll' as const, marketId: 1, user })) },
  {
    weight: 2,
    arbitrary: fc
      .record({
        from: user,
        to: user,
        asset,
        amount: fc.integer({ min: 1, max: 400_000 }),
        wallet: fc.constantFrom(...WALLETS),
        n: fc.nat(),
      })
      .map(({ from, to, asset, amount, wallet, n }) => ({
        type: 'transfer' as const,
        key: `t${n % 50}`,
        kind: 'internal' as const,
        asset,
        from: { user: from, wallet: 'SPOT' as const },
        to: { user: to, wallet },
        amount,
      })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ user, asset, amount: fc.integer({ min: 1, max: 300_000 }), holdId })
      .map(({ user, asset, amount, holdId }) => ({
        type: 'hold' as const,
        holdId,
        asset,
        account: { user, wallet: 'SPOT' as const },
        amount,
      })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ holdId, amount: fc.option(fc.integer({ min: 1, max: 200_000 }), { nil: undefined }) })
      .map(({ holdId, amount }) => ({
        type: 'release' as const,
        holdId,
        ...(amount === undefined ? {} : { amount }),
      })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ holdId, amount: fc.integer({ min: 1, max: 200_000 }), final: fc.boolean(), n: fc.nat() })
      .map(({ holdId, amount, final, n }) => ({
        type: 'settleHold' as const,
        key: `s${n % 50}`,
        holdId,
        kind: 'withdrawal' as const,
        to: { system: 'payouts:test' },
        amount,
        final,
      })),
  },
);

function project(engine: Engine, commands: Command[], ctx: PostingContext, out: Posting[]): void {
  for (const c of commands) {
    const result = engine.execute(c);
    if (result.ok && result.duplicate !== true) derivePostings(result.commandSeq, result.events, ctx, out);
  }
}

describe('derivePostings', () => {
  it('sums per account to the engine balances and per asset to zero, for any command stream', () => {
    // The streams must exercise what is derived, or the property proves little.
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(fc.array(command, { minLength: 30, maxLength: 150 }), (stream) => {
        const engine = new Engine();
        const ctx: PostingContext = { markets: new Map(), openOrders: new Map() };
        const postings: Posting[] = [];
        project(engine, setup(), ctx, postings);
        project(
          engine,
          stream.map((c, i) => ({ ...c, ts: ts + i }) as Command),
          ctx,
          postings,
        );
        for (const p of postings) seen.set(p.kind, (seen.get(p.kind) ?? 0) + 1);

        const projected = new Map<string, { available: number; held: number }>();
        const perAsset = new Map<string, number>();
        for (const p of postings) {
          const key = `${p.account}|${p.asset}`;
          const b = projected.get(key) ?? { available: 0, held: 0 };
          b.available += p.dAvailable;
          b.held += p.dHeld;
          projected.set(key, b);
          perAsset.set(p.asset, (perAsset.get(p.asset) ?? 0) + p.dAvailable + p.dHeld);
        }
        const state = captureState(engine);
        const actual = new Map<string, { available: number; held: number }>();
        for (const [user, system, asset, wallet, available, held] of state.accounts) {
          if (available === 0 && held === 0) continue;
          const account = system === null ? `u:${user}:${wallet}` : `s:${system}`;
          actual.set(`${account}|${asset}`, { available, held });
        }
        for (const [key, b] of projected) if (b.available === 0 && b.held === 0) projected.delete(key);
        expect(projected).toEqual(actual);
        for (const total of perAsset.values()) expect(total).toBe(0);
        // Open orders known to the derivation are exactly the engine's.
        const engineOrders = state.markets.flatMap((m) =>
          [m.bids, m.asks, m.stopsUp, m.stopsDown, m.trailing].flatMap((rows) => rows.map((r) => r[0])),
        );
        expect([...ctx.openOrders.keys()].sort((x, y) => x - y)).toEqual(engineOrders.sort((x, y) => x - y));
      }),
      { numRuns: 300 },
    );
    for (const kind of ['trade', 'fee', 'order', 'hold', 'release', 'internal', 'withdrawal']) {
      expect(seen.get(kind) ?? 0, kind).toBeGreaterThan(5);
    }
  });
});
