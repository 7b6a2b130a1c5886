// A minimal price-time order book the workload generator runs alongside the stream it writes, for
// two reasons:
// - cancels can target orders that really are resting, and stale orders far from the price get
//   cancelled too, so the book reaches a steady size instead of growing with the stream length;
// - the generator knows what every correct engine must report (trades, lots traded, limit orders
//   that crossed, cancels that found their order), so the harness can check each impl against it.
// It implements only what the workload uses: GTC limit, market by base quantity, cancel by id, with
// no balances and no self-trade prevention. Everything is in typed arrays indexed by order id or by
// price, so running it allocates nothing per command.

import { AssertionError } from 'node:assert/strict';

/** What a correct engine reports for the whole stream (GTC limits, no STP, no balance checks). */
export interface ReferenceStats {
  /** Maker orders matched, one per fill. */
  trades: number;
  volumeLots: number;
  /** Limit orders that traded on arrival. */
  limitsCrossed: number;
  cancelsHit: number;
  cancelsMissed: number;
  /** Orders and price levels resting when the stream ends. */
  restingOrders: number;
  priceLevels: number;
}

const none = 0;

export class ShadowBook {
  // By order id (ids are 1..orderIdMax; 0 means "none" in the links).
  private readonly restQty: Uint32Array;
  private readonly priceOf: Uint32Array;
  private readonly isBuy: Uint8Array;
  private readonly next: Uint32Array;
  private readonly prev: Uint32Array;
  // By price. One pair of arrays serves both sides: a bid and an ask never rest at one price, or
  // they would have matched.
  private readonly levelHead: Uint32Array;
  private readonly levelTail: Uint32Array;
  // Resting ids, dense, for O(1) uniform picks and removals.
  private readonly live: Uint32Array;
  private readonly livePos: Uint32Array;
  private liveCount = 0;
  private bestBid = none;
  private bestAsk = none;
  private bidOrders = 0;
  private askOrders = 0;
  private levels = 0;
  /** Makers fully filled by the last command (the first fillsPerCommandMax of them). */
  readonly lastFilledMakers: Uint32Array;
  lastFilledMakerCount = 0;

  readonly stats: ReferenceStats = {
    trades: 0,
    volumeLots: 0,
    limitsCrossed: 0,
    cancelsHit: 0,
    cancelsMissed: 0,
    restingOrders: 0,
    priceLevels: 0,
  };

  constructor(
    readonly orderIdMax: number,
    readonly priceMaxTicks: number,
    fillsPerCommandMax: number,
  ) {
    this.restQty = new Uint32Array(orderIdMax + 1);
    this.priceOf = new Uint32Array(orderIdMax + 1);
    this.isBuy = new Uint8Array(orderIdMax + 1);
    this.next = new Uint32Array(orderIdMax + 1);
    this.prev = new Uint32Array(orderIdMax + 1);
    this.levelHead = new Uint32Array(priceMaxTicks + 1);
    this.levelTail = new Uint32Array(priceMaxTicks + 1);
    this.live = new Uint32Array(orderIdMax + 1);
    this.livePos = new Uint32Array(orderIdMax + 1);
    this.lastFilledMakers = new Uint32Array(fillsPerCommandMax);
  }

  /** Number of resting orders. */
  get restingCount(): number {
    return this.liveCount;
  }

  /** Best bid in ticks, 0 when no bid rests. */
  get bestBidTicks(): number {
    return this.bestBid;
  }

  /** Best ask in ticks, 0 when no ask rests. */
  get bestAskTicks(): number {
    return this.bestAsk;
  }

  /** The resting order at position k of the live set (0 <= k < restingCount). */
  restingAt(k: number): number {
    return this.live[k]!;
  }

  /** Match a GTC limit order, then rest what is left. */
  limit(id: number, buy: boolean, priceTicks: number, qtyLots: number): void {
    // Checked with `if` so the message is built only on failure: this runs once per command.
    if (priceTicks < 1 || priceTicks > this.priceMaxTicks) fail(`price ${priceTicks} outside the book`);
    this.beginCommand();
    const left = this.take(buy, qtyLots, priceTicks);
    if (left < qtyLots) this.stats.limitsCrossed++;
    if (left > 0) this.rest(id, buy, priceTicks, left);
    this.endCommand();
  }

  /** Match a market order for qtyLots; what the book cannot fill is dropped. */
  market(buy: boolean, qtyLots: number): void {
    this.beginCommand();
    this.take(buy, qtyLots, buy ? this.priceMaxTicks : 1);
    this.endCommand();
  }

  /** Cancel by id; a miss (already filled or cancelled) is counted, not an error. */
  cancel(id: number): boolean {
    this.beginCommand();
    const hit = this.restQty[id] !== 0;
    if (hit) {
      this.stats.cancelsHit++;
      this.unlink(id);
    } else {
      this.stats.cancelsMissed++;
    }
    this.endCommand();
    return hit;
  }

  private beginCommand(): void {
    this.lastFilledMakerCount = 0;
  }

  private endCommand(): void {
    this.stats.restingOrders = this.liveCount;
    this.stats.priceLevels = this.levels;
  }

  /** Fill against the opposite side while its best price is within limitTicks; returns lots left. */
  private take(buy: boolean, qtyLots: number, limitTicks: number): number {
    let left = qtyLots;
    while (left > 0) {
      const best = buy ? this.bestAsk : this.bestBid;
      if (best === none || (buy ? best > limitTicks : best < limitTicks)) break;
      const maker = this.levelHead[best]!;
      const makerQty = this.restQty[maker]!;
      const fill = Math.min(makerQty, left);
      left -= fill;
      this.stats.trades++;
      this.stats.volumeLots += fill;
      if (fill === makerQty) {
        this.unlink(maker);
        if (this.lastFilledMakerCount < this.lastFilledMakers.length) {
          this.lastFilledMakers[this.lastFilledMakerCount++] = maker;
        }
      } else {
        this.restQty[maker] = makerQty - fill;
      }
    }
    return left;
  }

  private rest(id: number, buy: boolean, priceTicks: number, qtyLots: number): void {
    if (id < 1 || id > this.orderIdMax || this.restQty[id] !== 0) fail(`order ${id} cannot rest`);
    this.restQty[id] = qtyLots;
    this.priceOf[id] = priceTicks;
    this.isBuy[id] = buy ? 1 : 0;
    const tail = this.levelTail[priceTicks]!;
    this.prev[id] = tail;
    this.next[id] = none;
    if (tail === none) {
      this.levelHead[priceTicks] = id;
      this.levels++;
    } else {
      this.next[tail] = id;
    }
    this.levelTail[priceTicks] = id;
    if (buy) {
      this.bidOrders++;
      if (priceTicks > this.bestBid) this.bestBid = priceTicks;
    } else {
      this.askOrders++;
      if (this.bestAsk === none || priceTicks < this.bestAsk) this.bestAsk = priceTicks;
    }
    this.livePos[id] = this.liveCount;
    this.live[this.liveCount++] = id;
  }

  /** Take a resting order off its level and the live set, moving the best price if needed. */
  private unlink(id: number): void {
    const price = this.priceOf[id]!;
    const before = this.prev[id]!;
    const after = this.next[id]!;
    if (before === none) this.levelHead[price] = after;
    else this.next[before] = after;
    if (after === none) this.levelTail[price] = before;
    else this.prev[after] = before;
    this.restQty[id] = 0;

    const buy = this.isBuy[id] === 1;
    if (buy) this.bidOrders--;
    else this.askOrders--;
    if (this.levelHead[price] === none) {
      this.levels--;
      if (buy && price === this.bestBid) this.bestBid = this.scanBid(price);
      if (!buy && price === this.bestAsk) this.bestAsk = this.scanAsk(price);
    }

    const pos = this.livePos[id]!;
    const last = this.live[--this.liveCount]!;
    this.live[pos] = last;
    this.livePos[last] = pos;
  }

  // Only one side rests at a price and every bid is below every ask, so scanning away from the
  // spread meets only this side's levels. The scans end: the side's order count is checked first.
  private scanBid(fromTicks: number): number {
    if (this.bidOrders === 0) return none;
    let p = fromTicks - 1;
    while (this.levelHead[p] === none) p--;
    return p;
  }

  private scanAsk(fromTicks: number): number {
    if (this.askOrders === 0) return none;
    let p = fromTicks + 1;
    while (this.levelHead[p] === none) p++;
    return p;
  }
}

function fail(message: string): never {
  throw new AssertionError({ message });
}
