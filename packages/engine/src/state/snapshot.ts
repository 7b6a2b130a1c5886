// Snapshot and state hash: one canonical encoding of the whole engine state. The hash is SHA-256
// over exactly the bytes a snapshot stores, so "restore(snapshot) has the same hash" and "replay
// gives the same hash" are the same kind of check.
import { createHash } from 'node:crypto';
import { assert } from '../assert.js';
import type { MarketSpec, OrderType, StpMode, TimeInForce, WalletType } from '../commands.js';
import { Engine, FEES_ACCOUNT } from '../engine.js';
import type { Accepted } from '../events.js';
import { Market } from '../matching/market.js';
import type { SideCode } from '../matching/order.js';
import { Order } from '../matching/order.js';

const VERSION = 1;

type OrderRow = [
  id: number,
  user: number,
  side: SideCode,
  type: OrderType,
  tif: TimeInForce,
  stp: StpMode,
  price: number,
  qty: number,
  quoteQty: number,
  stopPrice: number,
  trailingDeltaBps: number,
  clientOrderId: string | null,
  ts: number,
  makerPpm: number,
  takerPpm: number,
  remaining: number,
  filled: number,
  filledNotional: number,
  hold: number,
  pending: boolean,
  triggerDir: number,
  trailRef: number,
  listId: number,
  siblingId: number,
];

interface MarketState {
  spec: MarketSpec;
  lastPrice: number;
  bids: OrderRow[];
  asks: OrderRow[];
  stopsUp: OrderRow[];
  stopsDown: OrderRow[];
  trailing: OrderRow[];
}

/** The whole engine state as plain data, in a canonical order. */
export interface EngineState {
  version: number;
  commandSeq: number;
  eventSeq: number;
  nextOrderId: number;
  nextTradeId: number;
  nextListId: number;
  assets: [code: string, scale: number][];
  systems: [name: string, allowNegative: boolean][];
  /** Non-empty accounts: [user (0 = system), system name, asset, wallet, available, held]. */
  accounts: [
    user: number,
    system: string | null,
    asset: string,
    wallet: WalletType,
    available: number,
    held: number,
  ][];
  holds: [
    holdId: string,
    user: number,
    system: string | null,
    asset: string,
    wallet: WalletType,
    amount: number,
  ][];
  results: [key: string, result: Accepted][];
  markets: MarketState[];
}

function orderRow(o: Order): OrderRow {
  return [
    o.id,
    o.user,
    o.side,
    o.type,
    o.tif,
    o.stp,
    o.price,
    o.qty,
    o.quoteQty,
    o.stopPrice,
    o.trailingDeltaBps,
    o.clientOrderId,
    o.ts,
    o.makerPpm,
    o.takerPpm,
    o.remaining,
    o.filled,
    o.filledNotional,
    o.hold,
    o.pending,
    o.triggerDir,
    o.trailRef,
    o.listId,
    o.sibling?.id ?? 0,
  ];
}

const byKey = <T>(a: [string, ...unknown[]] & T, b: [string, ...unknown[]] & T) =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;

/** Capture the engine's state as canonical plain data. */
export function captureState(engine: Engine): EngineState {
  const { ledger, matcher, ctx } = engine;
  const markets = [...matcher.markets.values()].sort((a, b) => a.id - b.id);
  return {
    version: VERSION,
    commandSeq: ctx.commandSeq,
    eventSeq: ctx.eventSeq,
    nextOrderId: matcher.nextOrderId,
    nextTradeId: matcher.nextTradeId,
    nextListId: matcher.nextListId,
    assets: [...ledger.assets.values()].sort((a, b) => a.id - b.id).map((a) => [a.code, a.scale]),
    systems: [...ledger.systems.values()].sort((a, b) => a.id - b.id).map((s) => [s.name, s.allowNegative]),
    accounts: ledger
      .allAccounts()
      .filter((a) => a.available !== 0 || a.held !== 0)
      .map((a) => [a.user, a.system, a.asset, a.wallet, a.available, a.held]),
    holds: [...ledger.holds.values()]
      .map((h): EngineState['holds'][number] => [
        h.holdId,
        h.account.user,
        h.account.system,
        h.account.asset,
        h.account.wallet,
        h.amount,
      ])
      .sort(byKey),
    results: [...engine.ledgerCommands.results.entries()].sort(byKey),
    markets: markets.map((m) => ({
      spec: m.spec,
      lastPrice: m.lastPrice,
      bids: [...m.bids.orders()].map(orderRow),
      asks: [...m.asks.orders()].map(orderRow),
      stopsUp: m.stopsUp.map(orderRow),
      stopsDown: m.stopsDown.map(orderRow),
      trailing: m.trailing.map(orderRow),
    })),
  };
}

/** Canonical bytes of the engine state: what a snapshot stores and what the hash covers. */
export function encodeSnapshot(engine: Engine): Uint8Array {
  return Buffer.from(JSON.stringify(captureState(engine)), 'utf8');
}

/** SHA-256 (hex) over the canonical encoding of the whole state. */
export function stateHash(engine: Engine): string {
  return createHash('sha256').update(encodeSnapshot(engine)).digest('hex');
}

/** Rebuild an engine from snapshot bytes. */
export function restoreSnapshot(bytes: Uint8Array): Engine {
  const state = JSON.parse(Buffer.from(bytes).toString('utf8')) as EngineState;
  assert(state.version === VERSION, `unsupported snapshot version ${state.version}`);
  const engine = new Engine();
  const { ledger, matcher, ctx } = engine;
  for (const [code, scale] of state.assets) ledger.addAsset(code, scale);
  for (const [name, allowNegative] of state.systems)
    if (!ledger.systems.has(name)) ledger.defineSystem(name, allowNegative);
  const account = (user: number, system: string | null, asset: string, wallet: WalletType) => {
    const info = ledger.assets.get(asset)!;
    return system === null ? ledger.userAccount(user, info, wallet) : ledger.systemAccount(system, info)!;
  };
  for (const [user, system, asset, wallet, available, held] of state.accounts) {
    const a = account(user, system, asset, wallet);
    a.available = available;
    a.held = held;
  }
  for (const [holdId, user, system, asset, wallet, amount] of state.holds) {
    ledger.holds.set(holdId, { holdId, account: account(user, system, asset, wallet), amount });
  }
  for (const [key, result] of state.results) engine.ledgerCommands.results.set(key, result);

  const all: Order[] = [];
  const siblings = new Map<Order, number>();
  for (const ms of state.markets) {
    const base = ledger.assets.get(ms.spec.base)!;
    const quote = ledger.assets.get(ms.spec.quote)!;
    const m = new Market(ms.spec, base, quote, ledger.systemAccount(FEES_ACCOUNT, quote)!);
    m.lastPrice = ms.lastPrice;
    matcher.markets.set(m.id, m);
    engine.symbols.add(ms.spec.symbol);
    const make = (row: OrderRow): Order => {
      const [
        id,
        user,
        side,
        type,
        tif,
        stp,
        price,
        qty,
        quoteQty,
        stopPrice,
        trailingDeltaBps,
        clientOrderId,
        ts,
      ] = row;
      const buy = side === 0;
      const o = new Order(
        id,
        user,
        m.id,
        side,
        type,
        tif,
        stp,
        price,
        qty,
        quoteQty,
        stopPrice,
        trailingDeltaBps,
        clientOrderId,
        ts,
        row[13],
        row[14],
        ledger.userAccount(user, buy ? quote : base, 'SPOT'),
        ledger.userAccount(user, buy ? base : quote, 'SPOT'),
      );
      o.remaining = row[15];
      o.filled = row[16];
      o.filledNotional = row[17];
      o.hold = row[18];
      o.pending = row[19];
      o.triggerDir = row[20];
      o.trailRef = row[21];
      o.listId = row[22];
      if (row[23] !== 0) siblings.set(o, row[23]);
      all.push(o);
      return o;
    };
    for (const row of ms.bids) m.bids.add(make(row));
    for (const row of ms.asks) m.asks.add(make(row));
    for (const row of ms.stopsUp) m.stopsUp.push(make(row));
    for (const row of ms.stopsDown) m.stopsDown.push(make(row));
    for (const row of ms.trailing) m.trailing.push(make(row));
  }
  // Registration order decides the order of per-user lists (cancel-all order): ascending id, as live.
  all.sort((a, b) => a.id - b.id);
  for (const o of all) matcher.register(o);
  for (const [o, siblingId] of siblings) o.sibling = matcher.orders.get(siblingId) ?? null;
  ctx.commandSeq = state.commandSeq;
  ctx.eventSeq = state.eventSeq;
  matcher.nextOrderId = state.nextOrderId;
  matcher.nextTradeId = state.nextTradeId;
  matcher.nextListId = state.nextListId;
  return engine;
}
