// Random command streams over the engine's whole repertoire (orders of every type, OCO, cancel-replace, ledger
// commands) for the property tests, and a runner that turns a generated stream into concrete commands.

import type {
  Command,
  CommandResult,
  OrderType,
  Party,
  PlaceOrder,
  Side,
  StpMode,
  TimeInForce,
  TransferKind,
  WalletType,
} from '@tradeloom/engine';
import { DEPOSITS, Harness, MARKET_ID } from '@tradeloom/engine/testing';
import fc from 'fast-check';

export const USERS = [1, 2, 3, 4] as const;
export const ASSETS = ['BTC', 'USDT'] as const;
export const WITHDRAWALS = 'withdrawals:test';
const T0 = 1_700_000_000_000;

type OrderFields = Omit<PlaceOrder, 'type' | 'ts' | 'marketId' | 'user'>;

/** Weighted towards the types that trade now, so that books move and stops trigger. */
const ORDER_TYPES: readonly OrderType[] = [
  'LIMIT',
  'LIMIT',
  'LIMIT',
  'LIMIT',
  'LIMIT_MAKER',
  'MARKET',
  'MARKET',
  'STOP_LOSS',
  'STOP_LOSS_LIMIT',
  'TAKE_PROFIT',
  'TAKE_PROFIT_LIMIT',
];

const userArb = fc.constantFrom(...USERS);
const assetArb = fc.constantFrom(...ASSETS);
const sideArb = fc.constantFrom<Side>('BUY', 'SELL');
const stpArb = fc.option(fc.constantFrom<StpMode>('NONE', 'EXPIRE_MAKER', 'EXPIRE_TAKER', 'EXPIRE_BOTH'), {
  nil: undefined,
});
const priceArb = fc.oneof(
  { weight: 9, arbitrary: fc.integer({ min: 94, max: 106 }) },
  fc.integer({ min: 80, max: 120 }),
);
const qtyArb = fc.oneof(
  { weight: 9, arbitrary: fc.integer({ min: 1, max: 15 }) },
  fc.integer({ min: 1, max: 80 }),
);
const clientIdArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  fc.constantFrom('a', 'b', 'c', 'd'),
);
/** A small pool, so that keys repeat: a repeated key must return the first result and change nothing. */
const keyArb = fc.integer({ min: 0, max: 30 }).map((n) => `k${n}`);
const holdIdArb = fc.integer({ min: 0, max: 4 }).map((n) => `h${n}`);
const walletArb = fc.constantFrom<WalletType>('SPOT', 'SPOT', 'FUNDING');
const amountArb = fc.oneof(fc.integer({ min: 1, max: 2_000 }), fc.integer({ min: 1, max: 200_000 }));
/** Refers to the order `back` ids before the newest accepted one; resolved when the stream runs. */
const backArb = fc.nat({ max: 10 });

const placementArb: fc.Arbitrary<OrderFields> = fc
  .record({
    orderType: fc.constantFrom(...ORDER_TYPES),
    side: sideArb,
    price: priceArb,
    qty: qtyArb,
    quoteQty: fc.integer({ min: 1, max: 30_000 }),
    byQuote: fc.boolean(),
    tif: fc.option(fc.constantFrom<TimeInForce>('GTC', 'IOC', 'FOK'), { nil: undefined }),
    stopPrice: priceArb,
    trigger: fc.constantFrom('stop', 'stop', 'trailing', 'both'),
    trailingDeltaBps: fc.oneof(fc.integer({ min: 100, max: 600 }), fc.integer({ min: 10, max: 2_000 })),
    clientOrderId: clientIdArb,
    stp: stpArb,
  })
  .map((r) => {
    const f: OrderFields = { side: r.side, orderType: r.orderType };
    const limit = r.orderType.endsWith('LIMIT') || r.orderType === 'LIMIT_MAKER';
    if (limit) {
      f.price = r.price;
      f.qty = r.qty;
      if (r.orderType !== 'LIMIT_MAKER' && r.tif !== undefined) f.timeInForce = r.tif;
    } else if (r.byQuote) f.quoteQty = r.quoteQty;
    else f.qty = r.qty;
    if (r.orderType !== 'LIMIT' && r.orderType !== 'LIMIT_MAKER' && r.orderType !== 'MARKET') {
      if (r.trigger !== 'trailing') f.stopPrice = r.stopPrice;
      if (r.trigger !== 'stop') f.trailingDeltaBps = r.trailingDeltaBps;
    }
    if (r.clientOrderId !== undefined) f.clientOrderId = r.clientOrderId;
    if (r.stp !== undefined) f.stp = r.stp;
    return f;
  });

export type Op =
  | { op: 'place'; user: number; order: OrderFields }
  | {
      op: 'oco';
      user: number;
      side: Side;
      qty: number;
      price: number;
      stopPrice: number;
      stopLimitPrice: number | undefined;
      limitClientOrderId: string | undefined;
      stopClientOrderId: string | undefined;
      stp: StpMode | undefined;
    }
  | { op: 'cancel'; user: number; back: number; clientOrderId: string | undefined }
  | { op: 'cancelAll'; user: number }
  | {
      op: 'replace';
      user: number;
      back: number;
      clientOrderId: string | undefined;
      mode: 'STOP_ON_FAILURE' | 'ALLOW_FAILURE';
      order: OrderFields;
    }
  | {
      op: 'transfer';
      key: string;
      variant: 'deposit' | 'withdrawal' | 'internal' | 'wallet';
      user: number;
      other: number;
      wallet: WalletType;
      asset: string;
      amount: number;
    }
  | { op: 'hold'; holdId: string; user: number; wallet: WalletType; asset: string; amount: number }
  | { op: 'release'; holdId: string; amount: number | undefined }
  | {
      op: 'settle';
      key: string;
      holdId: string;
      toUser: number | undefined;
      amount: number;
      final: boolean | undefined;
    }
  | { op: 'fees'; makerPpm: number | undefined; takerPpm: number | undefined }
  /** A market paused (CANCEL_ONLY or HALTED) for one op, then TRADING again. */
  | { op: 'pause'; status: 'CANCEL_ONLY' | 'HALTED'; inner: Op };

const placeArb: fc.Arbitrary<Op> = fc.record({
  op: fc.constant('place' as const),
  user: userArb,
  order: placementArb,
});
const ocoArb: fc.Arbitrary<Op> = fc.record({
  op: fc.constant('oco' as const),
  user: userArb,
  side: sideArb,
  qty: qtyArb,
  price: priceArb,
  stopPrice: priceArb,
  stopLimitPrice: fc.option(priceArb, { nil: undefined }),
  limitClientOrderId: clientIdArb,
  stopClientOrderId: clientIdArb,
  stp: stpArb,
});
const cancelArb: fc.Arbitrary<Op> = fc.record({
  op: fc.constant('cancel' as const),
  user: userArb,
  back: backArb,
  clientOrderId: clientIdArb,
});
const cancelAllArb: fc.Arbitrary<Op> = fc.record({ op: fc.constant('cancelAll' as const), user: userArb });
const replaceArb: fc.Arbitrary<Op> = fc.record({
  op: fc.constant('replace' as const),
  user: userArb,
  back: backArb,
  clientOrderId: clientIdArb,
  mode: fc.constantFrom('STOP_ON_FAILURE' as const, 'ALLOW_FAILURE' as const),
  order: placementArb,
});
const transferArb: fc.Arbitrary<Op> = fc.record({
  op: fc.constant('transfer' as const),
  key: keyArb,
  variant: fc.constantFrom('deposit' as const, 'withdrawal' as const, 'internal' as const, 'wallet' as const),
  user: userArb,
  other: userArb,
  wallet: walletArb,
  asset: assetArb,
  amount: amountArb,
});
const holdArb: fc.Arbitrary<Op> = fc.record({
  op: fc.constant('hold' as const),
  holdId: holdIdArb,
  user: userArb,
  wallet: walletArb,
  asset: assetArb,
  amount: amountArb,
});
const releaseArb: fc.Arbitrary<Op> = fc.record({
  op: fc.constant('release' as const),
  holdId: holdIdArb,
  amount: fc.option(fc.integer({ min: 1, max: 3_000 }), { nil: undefined }),
});
const settleArb: fc.Arbitrary<Op> = fc.record({
  op: fc.constant('settle' as const),
  key: keyArb,
  holdId: holdIdArb,
  toUser: fc.option(userArb, { nil: undefined }),
  amount: fc.integer({ min: 1, max: 3_000 }),
  final: fc.option(fc.boolean(), { nil: undefined }),
});
const feesArb: fc.Arbitrary<Op> = fc.record({
  op: fc.constant('fees' as const),
  makerPpm: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined }),
  takerPpm: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined }),
});
const pauseArb: fc.Arbitrary<Op> = fc.record({
  op: fc.constant('pause' as const),
  status: fc.constantFrom('CANCEL_ONLY' as const, 'HALTED' as const),
  inner: fc.oneof(placeArb, ocoArb, cancelArb, cancelAllArb, replaceArb),
});

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 40, arbitrary: placeArb },
  { weight: 6, arbitrary: ocoArb },
  { weight: 10, arbitrary: cancelArb },
  { weight: 2, arbitrary: cancelAllArb },
  { weight: 6, arbitrary: replaceArb },
  { weight: 10, arbitrary: transferArb },
  { weight: 4, arbitrary: holdArb },
  { weight: 2, arbitrary: releaseArb },
  { weight: 3, arbitrary: settleArb },
  { weight: 1, arbitrary: feesArb },
  { weight: 1, arbitrary: pauseArb },
);

const marketArb = fc.record({
  lotUnits: fc.integer({ min: 1, max: 100 }),
  tickQuoteUnits: fc.integer({ min: 1, max: 5 }),
  makerPpm: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 100_000 })),
  takerPpm: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 100_000 })),
  minNotional: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 500 })),
  priceBandBps: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, fc.integer({ min: 200, max: 2_000 })),
  maxNumOrders: fc.integer({ min: 6, max: 40 }),
  maxNumStopOrders: fc.integer({ min: 2, max: 6 }),
});

const fundArb = fc.record({
  baseLots: fc.oneof(fc.integer({ min: 0, max: 10 }), {
    weight: 3,
    arbitrary: fc.integer({ min: 200, max: 3_000 }),
  }),
  quoteUnits: fc.oneof(fc.integer({ min: 0, max: 2_000 }), {
    weight: 3,
    arbitrary: fc.integer({ min: 50_000, max: 1_000_000 }),
  }),
  funding: fc.nat({ max: 50_000 }),
});

export const streamArb = fc.record({
  market: marketArb,
  funding: fc.tuple(fundArb, fundArb, fundArb, fundArb),
  ops: fc.array(opArb, { minLength: 1, maxLength: 150, size: 'max' }),
});
export type Stream = typeof streamArb extends fc.Arbitrary<infer T> ? T : never;

/** A harness with the stream's market (assets, the market and the deposits account are its own setup). */
export function harnessFor(s: Stream): Harness {
  const m = s.market;
  return new Harness({
    market: { lotUnits: m.lotUnits, tickQuoteUnits: m.tickQuoteUnits },
    filters: {
      minPrice: 85,
      maxPrice: 115,
      minQty: 1,
      maxQty: 60,
      minNotional: m.minNotional,
      priceBandBps: m.priceBandBps,
      maxNumOrders: m.maxNumOrders,
      maxNumStopOrders: m.maxNumStopOrders,
    },
    fees: { makerPpm: m.makerPpm, takerPpm: m.takerPpm },
  });
}

/** One op as a command; `newestId` (the newest accepted order id) resolves the ops that refer back to orders. */
function commandOf(o: Op, ts: number, newestId: number): Command {
  const base = { ts, marketId: MARKET_ID };
  const target = (back: number, clientOrderId: string | undefined) =>
    clientOrderId !== undefined ? { clientOrderId } : { orderId: Math.max(1, newestId - back) };
  const user = (u: number, wallet: WalletType): Party => ({ user: u, wallet });
  switch (o.op) {
    case 'place':
      return { type: 'placeOrder', ...base, user: o.user, ...o.order };
    case 'oco': {
      const { op: _, ...fields } = o;
      return { type: 'placeOco', ...base, ...withoutUndefined(fields) };
    }
    case 'cancel':
      return { type: 'cancelOrder', ...base, user: o.user, ...target(o.back, o.clientOrderId) };
    case 'cancelAll':
      return { type: 'cancelAll', ...base, user: o.user };
    case 'replace': {
      const t = target(o.back, o.clientOrderId);
      return {
        type: 'cancelReplace',
        ...base,
        user: o.user,
        mode: o.mode,
        order: o.order,
        ...('orderId' in t ? { cancelOrderId: t.orderId } : { cancelClientOrderId: t.clientOrderId }),
      };
    }
    case 'transfer': {
      const parties: Record<typeof o.variant, [Party, Party, TransferKind]> = {
        deposit: [{ system: DEPOSITS }, user(o.user, o.wallet), 'deposit'],
        withdrawal: [user(o.user, o.wallet), { system: WITHDRAWALS }, 'withdrawal'],
        internal: [user(o.user, 'SPOT'), user(o.other, 'SPOT'), 'internal'],
        wallet: [user(o.user, o.wallet), user(o.user, o.wallet === 'SPOT' ? 'FUNDING' : 'SPOT'), 'wallet'],
      };
      const [from, to, kind] = parties[o.variant];
      return { type: 'transfer', ts, key: o.key, kind, asset: o.asset, from, to, amount: o.amount };
    }
    case 'hold':
      return {
        type: 'hold',
        ts,
        holdId: o.holdId,
        asset: o.asset,
        account: user(o.user, o.wallet),
        amount: o.amount,
      };
    case 'release':
      return {
        type: 'release',
        ts,
        holdId: o.holdId,
        ...(o.amount === undefined ? {} : { amount: o.amount }),
      };
    case 'settle':
      return {
        type: 'settleHold',
        ts,
        key: o.key,
        holdId: o.holdId,
        kind: 'withdrawal',
        to: o.toUser === undefined ? { system: WITHDRAWALS } : user(o.toUser, 'SPOT'),
        amount: o.amount,
        ...(o.final === undefined ? {} : { final: o.final }),
      };
    case 'fees':
      return {
        type: 'updateMarket',
        ts,
        marketId: MARKET_ID,
        fees: withoutUndefined({ makerPpm: o.makerPpm, takerPpm: o.takerPpm }),
      };
    case 'pause':
      throw new Error('pause expands to several commands: see commandsOf');
  }
}

function withoutUndefined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

export interface Run {
  harness: Harness;
  commands: Command[];
  results: CommandResult[];
}

/**
 * Run a generated stream on a fresh harness (invariants checked after every command) and return the concrete
 * commands it ran, so that other engines can be fed exactly the same input. `afterEach` sees every step,
 * `beforeFirst` the harness before the stream's first command.
 */
export function runStream(
  s: Stream,
  afterEach?: (h: Harness, cmd: Command, result: CommandResult) => void,
  beforeFirst?: (h: Harness) => void,
): Run {
  const harness = harnessFor(s);
  beforeFirst?.(harness);
  const commands: Command[] = [];
  const results: CommandResult[] = [];
  let ts = T0;
  let newestId = 0;
  const step = (cmd: Command) => {
    const result = harness.run(cmd);
    commands.push(cmd);
    results.push(result);
    if (result.ok)
      for (const e of result.events) if (e.type === 'orderAccepted') newestId = Math.max(newestId, e.orderId);
    afterEach?.(harness, cmd, result);
  };
  step({ type: 'defineSystemAccount', ts: ++ts, name: WITHDRAWALS, allowNegative: false });
  for (const [i, f] of s.funding.entries()) {
    const u = USERS[i]!;
    const deposit = (asset: string, wallet: WalletType, amount: number) => {
      if (amount > 0)
        step({
          type: 'transfer',
          ts: ++ts,
          key: `fund-${u}-${asset}-${wallet}`,
          kind: 'deposit',
          asset,
          from: { system: DEPOSITS },
          to: { user: u, wallet },
          amount,
        });
    };
    deposit('BTC', 'SPOT', f.baseLots * s.market.lotUnits);
    deposit('USDT', 'SPOT', f.quoteUnits);
    deposit('USDT', 'FUNDING', f.funding);
  }
  for (const o of s.ops) {
    if (o.op !== 'pause') {
      step(commandOf(o, ++ts, newestId));
      continue;
    }
    step({ type: 'updateMarket', ts: ++ts, marketId: MARKET_ID, status: o.status });
    step(commandOf(o.inner, ++ts, newestId));
    step({ type: 'updateMarket', ts: ++ts, marketId: MARKET_ID, status: 'TRADING' });
  }
  return { harness, commands, results };
}
