// The command stream every engine in the benchmark replays. It is a struct of typed arrays, not an
// array of objects, so that generating and reading it allocates nothing per command and the timed
// loop measures the engine rather than the harness.

import assert from 'node:assert/strict';
import { Mulberry32 } from './prng.js';
import { type ReferenceStats, ShadowBook } from './shadow-book.js';

export const OP_LIMIT = 0;
export const OP_CANCEL = 1;
export const OP_MARKET = 2;
export const SIDE_BUY = 0;
export const SIDE_SELL = 1;

/** One seeded command stream; command i is the i-th entry of every array. */
export interface Workload {
  seed: number;
  count: number;
  /** Users are numbered 1..users; an engine that checks balances funds them all in init. */
  users: number;
  /** OP_LIMIT, OP_CANCEL or OP_MARKET. */
  op: Uint8Array;
  /** SIDE_BUY or SIDE_SELL; for a cancel, the side of the target order. */
  side: Uint8Array;
  /** 1..users; for a cancel, the owner of the target order. */
  user: Uint32Array;
  /** Limit price in ticks; 0 for cancels and market orders. */
  price: Uint32Array;
  /** Lots (base quantity) for limit and market orders; 0 for cancels. */
  qty: Uint32Array;
  /** Limit and market: a new id (1, 2, 3, ... in stream order); cancel: the id of an earlier limit. */
  orderId: Uint32Array;
  /** What a correct engine reports after the whole stream (see ShadowBook). */
  reference: ReferenceStats;
}

export interface WorkloadOptions {
  seed: number;
  count?: number;
  users?: number;
}

// The mix the brief asks for: ~70% limit, ~25% cancel, ~5% market. Until the first order rests
// there is nothing to cancel and a cancel roll becomes a limit, so the realised cancel share is a
// hair under 25%.
const limitShare = 0.7;
const cancelShare = 0.25;

// The mid walks one tick at a time so the book drifts slowly, as a real one does, instead of
// trading around one fixed price where the same levels stay warm forever.
const midStartTicks = 10_000;
const midMinTicks = 1_000;
const midMaxTicks = 1_000_000;
const midStepProbability = 0.05;

// A passive order rests 1..passiveDepthTicksMax ticks behind the mid, but never at or through the
// best opposite price: it is meant to rest. An aggressive order is priced 0..aggressiveDepthTicksMax-1
// ticks through the best opposite price, so it trades whenever that side is not empty and may sweep
// a few levels. The share of limits that trade on arrival is therefore close to
// aggressiveProbability; it is measured (ShadowBook, and every impl's replay) and printed.
const passiveDepthTicksMax = 50;
const aggressiveDepthTicksMax = 5;
const aggressiveProbability = 0.35;

const qtyLotsMax = 100;

// Most cancels pick a uniformly random resting order: young quotes and stale ones far from the
// price alike, which keeps the book at a steady size. The rest are late: they target an order that
// was filled a moment ago, as a cancel racing a fill does, and must come back "not found".
const lateCancelShare = 0.05;
const lateCancelPoolSizeMax = 1_024;

const u32Max = 0xffff_ffff;

/** Generate a deterministic command stream: the same options give the same arrays everywhere. */
export function generateWorkload({ seed, count = 1_000_000, users = 1_000 }: WorkloadOptions): Workload {
  assert(Number.isSafeInteger(seed), `seed must be a safe integer, got ${seed}`);
  assert(Number.isSafeInteger(count) && count >= 1, `count must be a positive integer, got ${count}`);
  // Order ids are Uint32, one per limit or market order at most.
  assert(count < u32Max, `count must be below ${u32Max}, got ${count}`);
  assert(Number.isSafeInteger(users) && users >= 1 && users <= u32Max, `users out of range: ${users}`);

  const rng = new Mulberry32(seed);
  const priceMaxTicks = midMaxTicks + passiveDepthTicksMax + aggressiveDepthTicksMax;
  const book = new ShadowBook(count, priceMaxTicks, qtyLotsMax);
  const w: Workload = {
    seed,
    count,
    users,
    op: new Uint8Array(count),
    side: new Uint8Array(count),
    user: new Uint32Array(count),
    price: new Uint32Array(count),
    qty: new Uint32Array(count),
    orderId: new Uint32Array(count),
    reference: book.stats,
  };

  // The command that placed each order id, to give a cancel its target's side and owner.
  const commandOf = new Uint32Array(count + 1);
  const latePool = new Uint32Array(lateCancelPoolSizeMax);
  let latePoolSize = 0;
  let mid = midStartTicks;
  let nextOrderId = 1;

  for (let i = 0; i < count; i++) {
    const roll = rng.nextFloat();

    if (roll >= limitShare && roll < limitShare + cancelShare) {
      let target = 0;
      if (latePoolSize > 0 && rng.nextFloat() < lateCancelShare) {
        // Swap-remove so the generator never cancels the same order twice.
        const slot = rng.nextInt(latePoolSize);
        target = latePool[slot]!;
        latePool[slot] = latePool[--latePoolSize]!;
      } else if (book.restingCount > 0) {
        target = book.restingAt(rng.nextInt(book.restingCount));
      }
      if (target !== 0) {
        const placedBy = commandOf[target]!;
        w.op[i] = OP_CANCEL;
        w.orderId[i] = target;
        w.side[i] = w.side[placedBy]!;
        w.user[i] = w.user[placedBy]!;
        book.cancel(target);
        continue;
      }
    }

    const side = rng.nextInt(2);
    const buy = side === SIDE_BUY;
    const qty = 1 + rng.nextInt(qtyLotsMax);
    const orderId = nextOrderId++;
    commandOf[orderId] = i;
    w.side[i] = side;
    w.user[i] = 1 + rng.nextInt(users);
    w.qty[i] = qty;
    w.orderId[i] = orderId;

    if (roll >= limitShare + cancelShare) {
      w.op[i] = OP_MARKET;
      book.market(buy, qty);
    } else {
      w.op[i] = OP_LIMIT;
      if (rng.nextFloat() < midStepProbability) {
        const step = rng.nextInt(2) === 0 ? -1 : 1;
        mid = Math.min(midMaxTicks, Math.max(midMinTicks, mid + step));
      }
      const aggressive = rng.nextFloat() < aggressiveProbability;
      const price = aggressive
        ? aggressivePrice(book, buy, mid, rng.nextInt(aggressiveDepthTicksMax))
        : passivePrice(book, buy, mid, 1 + rng.nextInt(passiveDepthTicksMax));
      w.price[i] = price;
      book.limit(orderId, buy, price, qty);
    }

    for (let k = 0; k < book.lastFilledMakerCount; k++) {
      const maker = book.lastFilledMakers[k]!;
      if (latePoolSize < lateCancelPoolSizeMax) latePool[latePoolSize++] = maker;
      else latePool[rng.nextInt(lateCancelPoolSizeMax)] = maker;
    }
  }
  return w;
}

function aggressivePrice(book: ShadowBook, buy: boolean, mid: number, throughTicks: number): number {
  const opposite = buy ? book.bestAskTicks : book.bestBidTicks;
  // With the other side empty there is nothing to take: cross the mid, and rest there.
  if (opposite === 0) return buy ? mid + 1 + throughTicks : mid - 1 - throughTicks;
  return buy ? opposite + throughTicks : opposite - throughTicks;
}

function passivePrice(book: ShadowBook, buy: boolean, mid: number, depthTicks: number): number {
  if (buy) {
    const ask = book.bestAskTicks;
    return ask === 0 ? mid - depthTicks : Math.min(mid - depthTicks, ask - 1);
  }
  const bid = book.bestBidTicks;
  return Math.max(mid + depthTicks, bid + 1);
}
