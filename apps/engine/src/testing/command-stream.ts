// A seeded stream of engine commands for process-level tests: setup, funding, then a mix of
// orders, cancels, transfers and holds from a handful of users.
import type { Command } from '@tradeloom/engine';

/** mulberry32: a tiny deterministic PRNG (tests must not depend on Math.random). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const STREAM_USERS = 8;

/** The commands that create assets, a market and funded users. */
export function setupCommands(ts: number): Command[] {
  const commands: Command[] = [
    { type: 'addAsset', ts, asset: 'BTC', scale: 8 },
    { type: 'addAsset', ts, asset: 'USDT', scale: 6 },
    { type: 'defineSystemAccount', ts, name: 'deposits:test', allowNegative: true },
    { type: 'defineSystemAccount', ts, name: 'withdrawals:test', allowNegative: false },
    {
      type: 'addMarket',
      ts,
      market: {
        id: 1,
        symbol: 'BTCUSDT',
        base: 'BTC',
        quote: 'USDT',
        lotUnits: 100,
        tickQuoteUnits: 1,
        filters: {
          minPrice: 1,
          maxPrice: 1_000_000,
          minQty: 1,
          maxQty: 100_000,
          minNotional: 0,
          priceBandBps: 0,
          maxNumOrders: 10_000,
          maxNumStopOrders: 100,
        },
        fees: { makerPpm: 1_000, takerPpm: 2_000 },
        status: 'TRADING',
      },
    },
  ];
  for (let user = 1; user <= STREAM_USERS; user++) {
    for (const [asset, amount] of [
      ['BTC', 50_000_000_000],
      ['USDT', 5_000_000_000_000],
    ] as const) {
      commands.push({
        type: 'transfer',
        ts,
        key: `setup-${user}-${asset}`,
        kind: 'deposit',
        asset,
        from: { system: 'deposits:test' },
        to: { user, wallet: 'SPOT' },
        amount,
      });
    }
  }
  return commands;
}

/** An endless-enough generator of trading and ledger commands; `i` makes keys unique per stream. */
export function* tradingCommands(seed: number, ts: number): Generator<Command> {
  const rnd = prng(seed);
  const pick = (n: number) => Math.floor(rnd() * n);
  for (let i = 0; ; i++) {
    const user = 1 + pick(STREAM_USERS);
    const roll = rnd();
    const t = ts + i;
    if (roll < 0.6) {
      yield {
        type: 'placeOrder',
        ts: t,
        marketId: 1,
        user,
        side: rnd() < 0.5 ? 'BUY' : 'SELL',
        orderType: 'LIMIT',
        price: 10_000 + pick(200) - 100,
        qty: 1 + pick(50),
        ...(rnd() < 0.1 ? { timeInForce: 'IOC' as const } : {}),
      };
    } else if (roll < 0.8) {
      yield { type: 'cancelOrder', ts: t, marketId: 1, user, orderId: 1 + pick(i + 1) };
    } else if (roll < 0.85) {
      yield {
        type: 'placeOrder',
        ts: t,
        marketId: 1,
        user,
        side: rnd() < 0.5 ? 'BUY' : 'SELL',
        orderType: 'MARKET',
        qty: 1 + pick(20),
      };
    } else if (roll < 0.93) {
      yield {
        type: 'transfer',
        ts: t,
        key: `s${seed}-t${i}`,
        kind: rnd() < 0.5 ? 'deposit' : 'internal',
        asset: rnd() < 0.5 ? 'BTC' : 'USDT',
        from: rnd() < 0.5 ? { system: 'deposits:test' } : { user: 1 + pick(STREAM_USERS), wallet: 'SPOT' },
        to: { user, wallet: 'SPOT' },
        amount: 1 + pick(1_000_000),
      };
    } else if (roll < 0.97) {
      yield {
        type: 'hold',
        ts: t,
        holdId: `s${seed}-h${i}`,
        asset: 'USDT',
        account: { user, wallet: 'SPOT' },
        amount: 1 + pick(10_000),
      };
    } else {
      yield { type: 'cancelAll', ts: t, marketId: 1, user };
    }
  }
}
