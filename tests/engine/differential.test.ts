// Proves the engine's spot matching agrees with a brute-force reference written from docs/engine.md, command by command.
import { isDeepStrictEqual } from 'node:util';
import type { Command, CommandResult, PlaceOrder, Side, StpMode } from '@tradeloom/engine';
import { captureState, FEES_ACCOUNT } from '@tradeloom/engine';
import { DEPOSITS, Harness, MARKET_ID } from '@tradeloom/engine/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RefEvent, RefMarket, RefOutcome } from './reference/reference-matcher.js';
import { ReferenceMatcher } from './reference/reference-matcher.js';

const USERS = [1, 2, 3, 4] as const;
const BASE = 'BTC';
const QUOTE = 'USDT';
const T0 = 1_700_000_000_000;
/** ENGINE_PBT_RUNS raises the run count for a longer search. */
const RUNS = Number(process.env.ENGINE_PBT_RUNS ?? 200);

/** Market parameters drawn per run; prices live around 100 ticks so that most orders cross. */
const marketArb = fc.record({
  lotUnits: fc.integer({ min: 1, max: 100 }),
  tickQuoteUnits: fc.integer({ min: 1, max: 10 }),
  minPrice: fc.integer({ min: 88, max: 96 }),
  maxPrice: fc.integer({ min: 104, max: 112 }),
  minQty: fc.integer({ min: 1, max: 3 }),
  maxQty: fc.integer({ min: 15, max: 60 }),
  minNotional: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1_500 })),
  priceBandBps: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, fc.integer({ min: 100, max: 800 })),
  makerPpm: fc.oneof(fc.constant(0), fc.constant(100_000), fc.integer({ min: 0, max: 100_000 })),
  takerPpm: fc.oneof(fc.constant(0), fc.constant(100_000), fc.integer({ min: 0, max: 100_000 })),
});
type MarketParams = typeof marketArb extends fc.Arbitrary<infer T> ? T : never;

// Amounts are drawn in market units (lots, quote per lot at one tick) and scaled per market when built.
const userArb = fc.constantFrom(...USERS);
const sideArb = fc.constantFrom<Side>('BUY', 'SELL');
const stpArb = fc.oneof(
  { weight: 2, arbitrary: fc.constant<StpMode | undefined>(undefined) },
  fc.constantFrom<StpMode>('NONE', 'EXPIRE_MAKER', 'EXPIRE_TAKER', 'EXPIRE_BOTH'),
);
const priceArb = fc.oneof(
  { weight: 9, arbitrary: fc.integer({ min: 95, max: 105 }) },
  fc.integer({ min: 85, max: 115 }),
);
const qtyArb = fc.oneof(
  { weight: 9, arbitrary: fc.integer({ min: 1, max: 20 }) },
  fc.integer({ min: 1, max: 70 }),
);

type Op =
  | {
      op: 'limit';
      user: number;
      side: Side;
      price: number;
      qty: number;
      tif: 'GTC' | 'IOC' | 'FOK';
      stp?: StpMode;
    }
  | { op: 'maker'; user: number; side: Side; price: number; qty: number; stp?: StpMode }
  | { op: 'marketQty'; user: number; side: Side; qty: number; stp?: StpMode }
  /** exactMakers > 0: the quoteQty that the first exactMakers other users' orders cost exactly (run time). */
  | {
      op: 'marketQuote';
      user: number;
      side: Side;
      quoteLots: number;
      extra: number;
      exactMakers: number;
      stp?: StpMode;
    }
  | { op: 'malformed'; user: number; side: Side; variant: number }
  /** Cancels the order `back` ids before the newest accepted one (open, closed or someone else's). */
  | { op: 'cancel'; user: number; back: number }
  | { op: 'cancelAll'; user: number }
  | { op: 'deposit'; user: number; base: boolean; amount: number }
  | { op: 'transfer'; from: number; to: number; base: boolean; amount: number }
  | { op: 'fees'; makerPpm: number; takerPpm: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 40,
    arbitrary: fc.record(
      {
        op: fc.constant('limit' as const),
        user: userArb,
        side: sideArb,
        price: priceArb,
        qty: qtyArb,
        tif: fc.constantFrom('GTC' as const, 'GTC' as const, 'IOC' as const, 'FOK' as const),
        stp: stpArb,
      },
      { requiredKeys: ['op', 'user', 'side', 'price', 'qty', 'tif'] },
    ),
  },
  {
    weight: 8,
    arbitrary: fc.record(
      {
        op: fc.constant('maker' as const),
        user: userArb,
        side: sideArb,
        price: priceArb,
        qty: qtyArb,
        stp: stpArb,
      },
      { requiredKeys: ['op', 'user', 'side', 'price', 'qty'] },
    ),
  },
  {
    weight: 8,
    arbitrary: fc.record(
      { op: fc.constant('marketQty' as const), user: userArb, side: sideArb, qty: qtyArb, stp: stpArb },
      { requiredKeys: ['op', 'user', 'side', 'qty'] },
    ),
  },
  {
    weight: 8,
    arbitrary: fc.record(
      {
        op: fc.constant('marketQuote' as const),
        user: userArb,
        side: sideArb,
        quoteLots: fc.integer({ min: 0, max: 2_500 }),
        extra: fc.integer({ min: 0, max: 200 }),
        exactMakers: fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, fc.integer({ min: 1, max: 4 })),
        stp: stpArb,
      },
      { requiredKeys: ['op', 'user', 'side', 'quoteLots', 'extra', 'exactMakers'] },
    ),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('malformed' as const),
      user: userArb,
      side: sideArb,
      variant: fc.integer({ min: 0, max: 4 }),
    }),
  },
  {
    weight: 14,
    arbitrary: fc.record({ op: fc.constant('cancel' as const), user: userArb, back: fc.nat({ max: 12 }) }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('cancelAll' as const), user: userArb }) },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('deposit' as const),
      user: userArb,
      base: fc.boolean(),
      amount: fc.integer({ min: 1, max: 50_000 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('transfer' as const),
      from: userArb,
      to: userArb,
      base: fc.boolean(),
      amount: fc.integer({ min: 1, max: 20_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('fees' as const),
      makerPpm: fc.integer({ min: 0, max: 100_000 }),
      takerPpm: fc.integer({ min: 0, max: 100_000 }),
    }),
  },
);

/** Opening balances per user: most are rich, some have next to nothing so that rejections and budget stops happen. */
const fundArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      baseLots: fc.integer({ min: 200, max: 3_000 }),
      quoteLots: fc.integer({ min: 20_000, max: 400_000 }),
      extra: fc.integer({ min: 0, max: 99 }),
    }),
  },
  fc.record({
    baseLots: fc.integer({ min: 0, max: 20 }),
    quoteLots: fc.integer({ min: 0, max: 3_000 }),
    extra: fc.integer({ min: 0, max: 99 }),
  }),
);
const fundingArb = fc.tuple(fundArb, fundArb, fundArb, fundArb);

const scenarioArb = fc.record({
  market: marketArb,
  funding: fundingArb,
  ops: fc.array(opArb, { minLength: 1, maxLength: 200, size: 'max' }),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function refMarket(p: MarketParams): RefMarket {
  return { marketId: MARKET_ID, base: BASE, quote: QUOTE, ...p };
}

/** Turn a generated scenario into engine commands (funding first). */
function buildCommands(s: Scenario): Command[] {
  const { lotUnits, tickQuoteUnits } = s.market;
  let ts = T0;
  let key = 0;
  const out: Command[] = [];
  const deposit = (user: number, asset: string, amount: number) => {
    if (amount > 0)
      out.push({
        type: 'transfer',
        ts: ++ts,
        key: `dep-${++key}`,
        kind: 'deposit',
        asset,
        from: { system: DEPOSITS },
        to: { user, wallet: 'SPOT' },
        amount,
      });
  };
  for (const [i, f] of s.funding.entries()) {
    const user = USERS[i]!;
    deposit(user, BASE, f.baseLots * lotUnits + (f.extra % lotUnits));
    deposit(user, QUOTE, f.quoteLots * tickQuoteUnits + f.extra);
  }
  const place = (user: number, fields: Omit<PlaceOrder, 'type' | 'ts' | 'marketId' | 'user'>): Command => ({
    type: 'placeOrder',
    ts: ++ts,
    marketId: MARKET_ID,
    user,
    ...fields,
  });
  const stp = (mode: StpMode | undefined) => (mode === undefined ? {} : { stp: mode });
  for (const o of s.ops) {
    switch (o.op) {
      case 'limit':
        out.push(
          place(o.user, {
            side: o.side,
            orderType: 'LIMIT',
            price: o.price,
            qty: o.qty,
            timeInForce: o.tif,
            ...stp(o.stp),
          }),
        );
        break;
      case 'maker':
        out.push(
          place(o.user, {
            side: o.side,
            orderType: 'LIMIT_MAKER',
            price: o.price,
            qty: o.qty,
            ...stp(o.stp),
          }),
        );
        break;
      case 'marketQty':
        out.push(place(o.user, { side: o.side, orderType: 'MARKET', qty: o.qty, ...stp(o.stp) }));
        break;
      case 'marketQuote':
        out.push(
          place(o.user, {
            side: o.side,
            orderType: 'MARKET',
            // A negative quoteQty stands for "exactly the first -quoteQty makers" until the command runs.
            quoteQty: o.exactMakers > 0 ? -o.exactMakers : o.quoteLots * tickQuoteUnits + o.extra,
            ...stp(o.stp),
          }),
        );
        break;
      case 'malformed': {
        const variants: Omit<PlaceOrder, 'type' | 'ts' | 'marketId' | 'user'>[] = [
          { side: o.side, orderType: 'MARKET', qty: 1, quoteQty: 100 },
          { side: o.side, orderType: 'MARKET' },
          { side: o.side, orderType: 'LIMIT', qty: 1 },
          { side: o.side, orderType: 'MARKET', price: 100, qty: 1 },
          { side: o.side, orderType: 'LIMIT', price: 100, qty: -1 },
        ];
        out.push(place(o.user, variants[o.variant % variants.length]!));
        break;
      }
      case 'cancel':
        // orderId is resolved when the command runs (see `resolve`): -back stands for it until then.
        out.push({ type: 'cancelOrder', ts: ++ts, marketId: MARKET_ID, user: o.user, orderId: -o.back });
        break;
      case 'cancelAll':
        out.push({ type: 'cancelAll', ts: ++ts, marketId: MARKET_ID, user: o.user });
        break;
      case 'deposit':
        deposit(o.user, o.base ? BASE : QUOTE, o.amount);
        break;
      case 'transfer':
        out.push({
          type: 'transfer',
          ts: ++ts,
          key: `tr-${++key}`,
          kind: 'internal',
          asset: o.base ? BASE : QUOTE,
          from: { user: o.from, wallet: 'SPOT' },
          to: { user: o.to, wallet: 'SPOT' },
          amount: o.amount,
        });
        break;
      case 'fees':
        out.push({
          type: 'updateMarket',
          ts: ++ts,
          marketId: MARKET_ID,
          fees: { makerPpm: o.makerPpm, takerPpm: o.takerPpm },
        });
        break;
    }
  }
  return out;
}

/** The engine's result reduced to what the reference models. */
function project(result: CommandResult): RefOutcome {
  if (!result.ok) return { ok: false, code: result.code };
  const events: RefEvent[] = [];
  for (const e of result.events) {
    if (e.type === 'orderAccepted') events.push({ kind: 'accepted', orderId: e.orderId, hold: e.hold });
    else if (e.type === 'trade')
      events.push({
        kind: 'trade',
        price: e.price,
        qty: e.qty,
        buyOrderId: e.buyOrderId,
        sellOrderId: e.sellOrderId,
        buyer: e.buyer,
        seller: e.seller,
        buyerFee: e.buyerFee,
        sellerFee: e.sellerFee,
        takerSide: e.takerSide,
      });
    else if (e.type === 'orderHoldReduced')
      events.push({ kind: 'holdReduced', orderId: e.orderId, released: e.released });
    else if (e.type === 'orderClosed')
      events.push({
        kind: 'closed',
        orderId: e.orderId,
        status: e.status,
        reason: e.reason,
        filledQty: e.filledQty,
        released: e.released,
      });
  }
  return { ok: true, events };
}

/**
 * What the first `makers` resting orders of other users opposite `order` cost a market order by quoteQty:
 * notional plus taker fee for a buy, notional for a sell. Spending exactly that ends as the book runs out.
 */
function exactQuote(h: Harness, order: PlaceOrder, makers: number): number {
  const [m] = captureState(h.engine).markets;
  if (m === undefined) return 1;
  const ppm = BigInt(m.spec.fees.takerPpm);
  const tick = BigInt(m.spec.tickQuoteUnits);
  const book = (order.side === 'BUY' ? m.asks : m.bids).filter((o) => o[1] !== order.user).slice(0, makers);
  let total = 0n;
  for (const o of book) {
    const notional = BigInt(o[6]) * BigInt(o[15]) * tick;
    total += order.side === 'BUY' ? notional + (notional * ppm) / 1_000_000n : notional;
  }
  return total > 0n ? Number(total) : 1;
}

interface Mismatch {
  index: number;
  command: Command;
  engine: unknown;
  reference: unknown;
}

/** Run one scenario through both; return the first disagreement, or null. */
function compare(s: Scenario): Mismatch | null {
  const h = new Harness({
    market: { lotUnits: s.market.lotUnits, tickQuoteUnits: s.market.tickQuoteUnits },
    filters: {
      minPrice: s.market.minPrice,
      maxPrice: s.market.maxPrice,
      minQty: s.market.minQty,
      maxQty: s.market.maxQty,
      minNotional: s.market.minNotional,
      priceBandBps: s.market.priceBandBps,
    },
    fees: { makerPpm: s.market.makerPpm, takerPpm: s.market.takerPpm },
  });
  const ref = new ReferenceMatcher(refMarket(s.market), { [DEPOSITS]: true });
  const commands = buildCommands(s);
  let newestId = 0;
  for (let [index, command] of commands.entries()) {
    if (command.type === 'cancelOrder' && command.orderId !== undefined && command.orderId <= 0)
      command = { ...command, orderId: Math.max(1, newestId + command.orderId) };
    if (command.type === 'placeOrder' && command.quoteQty !== undefined && command.quoteQty < 0)
      command = { ...command, quoteQty: exactQuote(h, command, -command.quoteQty) };
    const engine = project(h.run(command));
    if (engine.ok) for (const e of engine.events) if (e.kind === 'accepted') newestId = e.orderId;
    const reference = ref.execute(command);
    if (!isDeepStrictEqual(engine, reference)) return { index, command, engine, reference };
    for (const user of USERS) {
      for (const asset of [BASE, QUOTE]) {
        const e = h.balance(user, asset);
        const r = ref.balance(user, asset);
        const same = BigInt(e.available) === r.available && BigInt(e.held) === r.held;
        if (!same)
          return {
            index,
            command,
            engine: { user, asset, ...e },
            reference: { user, asset, available: String(r.available), held: String(r.held) },
          };
      }
    }
    if (BigInt(h.fees(QUOTE)) !== ref.systemBalance(FEES_ACCOUNT, QUOTE).available)
      return {
        index,
        command,
        engine: { fees: h.fees(QUOTE) },
        reference: ref.systemBalance(FEES_ACCOUNT, QUOTE),
      };
  }
  // Final state: every non-empty account the engine has is one the reference agrees with.
  for (const [user, system, asset, wallet, available, held] of captureState(h.engine).accounts) {
    const r = system === null ? ref.balance(user, asset, wallet) : ref.systemBalance(system, asset);
    if (BigInt(available) !== r.available || BigInt(held) !== r.held)
      return {
        index: commands.length,
        command: commands[commands.length - 1]!,
        engine: { user, system, asset, available, held },
        reference: r,
      };
  }
  return null;
}

describe('engine vs reference matcher (docs/engine.md)', () => {
  it('agrees on acceptance, rejection codes, trades, fees, closes, holds and balances', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const mismatch = compare(s);
        expect(mismatch).toBeNull();
      }),
      { numRuns: RUNS },
    );
  });
});
