// The engine's output as records in one growable Float64Array instead of one object per event: the
// hot events (orders, trades, book levels, balances) are numbers, plus a few references (strings such
// as a client order id or an asset code) in a side array. Nothing is allocated per event; objects are
// built only when someone asks for them (`materialize`), which a consumer that reads records (the
// benchmark, a binary publisher) never does. Rare events (configuration, transfers, holds) are stored
// as the objects they always were, by reference.
//
// Positions are logical: they keep counting across `discardBefore`, which drops records a consumer is
// done with (the journal host, once a batch is acknowledged) without renumbering those it still holds.
import { WALLET_TYPES } from './commands.js';
import type { EngineEvent } from './events.js';
import type { Account } from './ledger/account.js';
import type { Order } from './matching/order.js';

/** Record type codes (slot 0 of every record). */
export const EV_OBJECT = 0;
export const EV_ORDER_ACCEPTED = 1;
export const EV_ORDER_TRIGGERED = 2;
export const EV_TRADE = 3;
export const EV_ORDER_CLOSED = 4;
export const EV_ORDER_HOLD_REDUCED = 5;
export const EV_BOOK_LEVEL = 6;
export const EV_BALANCE = 7;

/** Slots per record, by type code. */
const RECORD_SLOTS = [2, 19, 6, 18, 9, 6, 6, 7] as const;

/** Slot offsets within a trade record (slot 1 is always the event seq, except for EV_OBJECT). */
export const TRADE_PRICE = 5;
export const TRADE_QTY = 6;
/** Slot of an orderClosed record's reason (a reference: read it with `refAt`). */
export const CLOSED_REASON = 6;

const SIDE_NAMES = ['BUY', 'SELL'] as const;
const SLOTS_MIN = 4096;
const REFS_MIN = 1024;

export class EventBuffer {
  private nums = new Float64Array(SLOTS_MIN);
  /** Slots in use; logical position of slot i is base + i. */
  private len = 0;
  private base = 0;
  private refs: unknown[] = new Array<unknown>(REFS_MIN).fill(null);
  private refLen = 0;
  private refBase = 0;
  /** Asset codes by asset id (the ledger registers each asset): balance records carry the id. */
  readonly assetCodes: string[] = [''];
  /** The current command's ts (set by the sequencer), written into trade records. */
  ts = 0;

  /** Logical position after the last record. */
  get end(): number {
    return this.base + this.len;
  }

  /** Logical index after the last reference. */
  get refEnd(): number {
    return this.refBase + this.refLen;
  }

  /** Logical position of the oldest record still held (what `discardBefore` may not go below). */
  get start(): number {
    return this.base + this.dead;
  }

  /** Logical index of the oldest reference still held. */
  get refStart(): number {
    return this.refBase + this.refDead;
  }

  // Dropped references are not overwritten with null (a builtin call per command on the hot path): they
  // are mostly shared constant strings, and at most the buffer's capacity of them stays reachable.

  /** Drop every record. */
  clear(): void {
    this.base += this.len;
    this.len = 0;
    this.dead = 0;
    this.refBase += this.refLen;
    this.refLen = 0;
    this.refDead = 0;
  }

  /** Drop the records appended from `end` / `refEnd` on (undo what a caller appended and read). */
  truncate(end: number, refEnd: number): void {
    if (
      !(
        end >= this.base + this.dead &&
        end <= this.end &&
        refEnd >= this.refBase + this.refDead &&
        refEnd <= this.refEnd
      )
    )
      throw new RangeError(`truncate(${end}, ${refEnd}) outside the buffer`);
    this.len = end - this.base;
    this.refLen = refEnd - this.refBase;
  }

  /**
   * Drop the records before logical position `pos` and the references before `refPos`. The live rest
   * is moved to the front only once at least half the used space is dead (or when room runs out), so
   * a consumer that keeps a moving window (the host's commands awaiting their commit) copies each
   * record at most a bounded number of times.
   */
  discardBefore(pos: number, refPos: number): void {
    if (!(pos >= this.base + this.dead && pos <= this.end))
      throw new RangeError(`discardBefore(${pos}) outside the buffer`);
    if (!(refPos >= this.refBase + this.refDead && refPos <= this.refEnd))
      throw new RangeError(`discardBefore(.., ${refPos}) outside the buffer`);
    this.dead = pos - this.base;
    this.refDead = refPos - this.refBase;
    if (this.dead * 2 >= this.len) this.compact();
    if (this.refDead * 2 >= this.refLen) this.compactRefs();
  }

  /** Slots before this many are dead (discarded, not yet moved over). */
  private dead = 0;
  private refDead = 0;

  private compact(): void {
    const dead = this.dead;
    if (dead === 0) return;
    if (dead < this.len) this.nums.copyWithin(0, dead, this.len);
    this.base += dead;
    this.len -= dead;
    this.dead = 0;
  }

  private compactRefs(): void {
    const dead = this.refDead;
    if (dead === 0) return;
    // A plain loop: copyWithin on a JS array takes the generic (property-by-property) path.
    const refs = this.refs;
    const keep = this.refLen - dead;
    for (let k = 0; k < keep; k++) refs[k] = refs[dead + k];
    this.refBase += dead;
    this.refLen = keep;
    this.refDead = 0;
  }

  // ---- reading ------------------------------------------------------------------------------------

  /** Type code of the record at `pos`. */
  typeAt(pos: number): number {
    return this.nums[pos - this.base]!;
  }

  /** Position of the record after the one at `pos`. */
  next(pos: number): number {
    return pos + RECORD_SLOTS[this.nums[pos - this.base]! as 0]!;
  }

  /** Slot `slot` of the record at `pos`, as a number. */
  numAt(pos: number, slot: number): number {
    return this.nums[pos - this.base + slot]!;
  }

  /** The reference a slot of the record at `pos` holds. */
  refAt(pos: number, slot: number): unknown {
    return this.refs[this.nums[pos - this.base + slot]! - this.refBase];
  }

  /** The events of [from, to) as objects (as Engine.execute returns them). */
  materialize(from: number, to: number): EngineEvent[] {
    const events: EngineEvent[] = [];
    for (let pos = from; pos < to; pos = this.next(pos)) events.push(this.eventAt(pos));
    return events;
  }

  /** The record at `pos` as an event object. */
  eventAt(pos: number): EngineEvent {
    const a = this.nums;
    const p = pos - this.base;
    // References by index (no closure: this runs once per event materialised).
    const refs = this.refs;
    const rb = this.refBase;
    switch (a[p]) {
      case EV_OBJECT:
        return refs[a[p + 1]! - rb] as EngineEvent;
      case EV_ORDER_ACCEPTED:
        return {
          type: 'orderAccepted',
          seq: a[p + 1]!,
          ts: a[p + 2]!,
          orderId: a[p + 3]!,
          clientOrderId: refs[a[p + 4]! - rb] as string | null,
          listId: a[p + 5]!,
          marketId: a[p + 6]!,
          user: a[p + 7]!,
          side: SIDE_NAMES[a[p + 8]! as 0]!,
          orderType: refs[a[p + 9]! - rb] as never,
          timeInForce: refs[a[p + 10]! - rb] as never,
          stp: refs[a[p + 11]! - rb] as never,
          price: a[p + 12]!,
          qty: a[p + 13]!,
          quoteQty: a[p + 14]!,
          stopPrice: a[p + 15]!,
          trailingDeltaBps: a[p + 16]!,
          hold: a[p + 17]!,
          pending: a[p + 18] === 1,
        };
      case EV_ORDER_TRIGGERED:
        return {
          type: 'orderTriggered',
          seq: a[p + 1]!,
          orderId: a[p + 2]!,
          marketId: a[p + 3]!,
          user: a[p + 4]!,
          lastPrice: a[p + 5]!,
        };
      case EV_TRADE:
        return {
          type: 'trade',
          seq: a[p + 1]!,
          ts: a[p + 2]!,
          tradeId: a[p + 3]!,
          marketId: a[p + 4]!,
          price: a[p + 5]!,
          qty: a[p + 6]!,
          baseAmount: a[p + 7]!,
          notional: a[p + 8]!,
          takerSide: SIDE_NAMES[a[p + 9]! as 0]!,
          buyOrderId: a[p + 10]!,
          sellOrderId: a[p + 11]!,
          buyer: a[p + 12]!,
          seller: a[p + 13]!,
          buyerFee: a[p + 14]!,
          sellerFee: a[p + 15]!,
          makerRemaining: a[p + 16]!,
          makerOrderId: a[p + 17]!,
        };
      case EV_ORDER_CLOSED:
        return {
          type: 'orderClosed',
          seq: a[p + 1]!,
          orderId: a[p + 2]!,
          marketId: a[p + 3]!,
          user: a[p + 4]!,
          status: refs[a[p + 5]! - rb] as never,
          reason: refs[a[p + 6]! - rb] as never,
          filledQty: a[p + 7]!,
          released: a[p + 8]!,
        };
      case EV_ORDER_HOLD_REDUCED:
        return {
          type: 'orderHoldReduced',
          seq: a[p + 1]!,
          orderId: a[p + 2]!,
          marketId: a[p + 3]!,
          user: a[p + 4]!,
          released: a[p + 5]!,
        };
      case EV_BOOK_LEVEL:
        return {
          type: 'bookLevel',
          seq: a[p + 1]!,
          marketId: a[p + 2]!,
          side: SIDE_NAMES[a[p + 3]! as 0]!,
          price: a[p + 4]!,
          qty: a[p + 5]!,
        };
      case EV_BALANCE:
        return {
          type: 'balance',
          seq: a[p + 1]!,
          user: a[p + 2]!,
          asset: this.assetCodes[a[p + 3]!]!,
          wallet: WALLET_TYPES[a[p + 4]!]!,
          available: a[p + 5]!,
          held: a[p + 6]!,
        };
      default:
        throw new RangeError(`no event record at ${pos}`);
    }
  }

  // ---- writing (the engine's side) ----------------------------------------------------------------

  /** Reserve room for `slots` more slots; returns the physical index to write at. */
  private room(slots: number): number {
    if (this.len + slots > this.nums.length && this.dead > 0) this.compact();
    const at = this.len;
    if (at + slots > this.nums.length) {
      const grown = new Float64Array(Math.max(this.nums.length * 2, at + slots));
      grown.set(this.nums.subarray(0, at));
      this.nums = grown;
    }
    this.len = at + slots;
    return at;
  }

  /** Store a reference; returns its logical index. */
  private ref(value: unknown): number {
    if (this.refLen === this.refs.length && this.refDead > 0) this.compactRefs();
    const i = this.refLen;
    if (i === this.refs.length) {
      const grown = new Array<unknown>(i * 2).fill(null);
      for (let k = 0; k < i; k++) grown[k] = this.refs[k];
      this.refs = grown;
    }
    this.refs[i] = value;
    this.refLen = i + 1;
    return this.refBase + i;
  }

  /** A rare event, kept as the object it is. */
  object(event: EngineEvent): void {
    const r = this.ref(event);
    const at = this.room(2);
    this.nums[at] = EV_OBJECT;
    this.nums[at + 1] = r;
  }

  // The writers read large numbers (ts, balances) from the objects rather than taking them as
  // arguments: a double passed to a call that is not inlined is boxed, one allocation per argument.

  orderAccepted(seq: number, order: Order, listId: number): void {
    const rClient = this.ref(order.clientOrderId);
    const rType = this.ref(order.type);
    const rTif = this.ref(order.tif);
    const rStp = this.ref(order.stp);
    const at = this.room(19);
    const a = this.nums;
    a[at] = EV_ORDER_ACCEPTED;
    a[at + 1] = seq;
    a[at + 2] = order.ts;
    a[at + 3] = order.id;
    a[at + 4] = rClient;
    a[at + 5] = listId;
    a[at + 6] = order.marketId;
    a[at + 7] = order.user;
    a[at + 8] = order.side;
    a[at + 9] = rType;
    a[at + 10] = rTif;
    a[at + 11] = rStp;
    a[at + 12] = order.price;
    a[at + 13] = order.qty;
    a[at + 14] = order.quoteQty;
    a[at + 15] = order.stopPrice;
    a[at + 16] = order.trailingDeltaBps;
    a[at + 17] = order.hold;
    a[at + 18] = order.pending ? 1 : 0;
  }

  orderTriggered(seq: number, orderId: number, marketId: number, user: number, lastPrice: number): void {
    const at = this.room(6);
    const a = this.nums;
    a[at] = EV_ORDER_TRIGGERED;
    a[at + 1] = seq;
    a[at + 2] = orderId;
    a[at + 3] = marketId;
    a[at + 4] = user;
    a[at + 5] = lastPrice;
  }

  /** One fill of `maker` by `taker` (the maker's remaining is read after the fill). */
  trade(
    seq: number,
    tradeId: number,
    marketId: number,
    price: number,
    qty: number,
    baseAmount: number,
    notional: number,
    taker: Order,
    maker: Order,
    buyerFee: number,
    sellerFee: number,
  ): void {
    const takerBuys = taker.side === 0;
    const buyer = takerBuys ? taker : maker;
    const seller = takerBuys ? maker : taker;
    const at = this.room(18);
    const a = this.nums;
    a[at] = EV_TRADE;
    a[at + 1] = seq;
    a[at + 2] = this.ts;
    a[at + 3] = tradeId;
    a[at + 4] = marketId;
    a[at + 5] = price;
    a[at + 6] = qty;
    a[at + 7] = baseAmount;
    a[at + 8] = notional;
    a[at + 9] = taker.side;
    a[at + 10] = buyer.id;
    a[at + 11] = seller.id;
    a[at + 12] = buyer.user;
    a[at + 13] = seller.user;
    a[at + 14] = buyerFee;
    a[at + 15] = sellerFee;
    a[at + 16] = maker.remaining;
    a[at + 17] = maker.id;
  }

  orderClosed(seq: number, order: Order, status: string, reason: string, released: number): void {
    const rStatus = this.ref(status);
    const rReason = this.ref(reason);
    const at = this.room(9);
    const a = this.nums;
    a[at] = EV_ORDER_CLOSED;
    a[at + 1] = seq;
    a[at + 2] = order.id;
    a[at + 3] = order.marketId;
    a[at + 4] = order.user;
    a[at + 5] = rStatus;
    a[at + 6] = rReason;
    a[at + 7] = order.filled;
    a[at + 8] = released;
  }

  orderHoldReduced(seq: number, orderId: number, marketId: number, user: number, released: number): void {
    const at = this.room(6);
    const a = this.nums;
    a[at] = EV_ORDER_HOLD_REDUCED;
    a[at + 1] = seq;
    a[at + 2] = orderId;
    a[at + 3] = marketId;
    a[at + 4] = user;
    a[at + 5] = released;
  }

  bookLevel(seq: number, marketId: number, side: number, price: number, qty: number): void {
    const at = this.room(6);
    const a = this.nums;
    a[at] = EV_BOOK_LEVEL;
    a[at + 1] = seq;
    a[at + 2] = marketId;
    a[at + 3] = side;
    a[at + 4] = price;
    a[at + 5] = qty;
  }

  /** A user account's balance after the command. */
  balance(seq: number, account: Account): void {
    const at = this.room(7);
    const a = this.nums;
    a[at] = EV_BALANCE;
    a[at + 1] = seq;
    a[at + 2] = account.user;
    a[at + 3] = account.assetId;
    a[at + 4] = account.walletIndex;
    a[at + 5] = account.available;
    a[at + 6] = account.held;
  }
}
