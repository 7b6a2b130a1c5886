import type { OrderType, StpMode, TimeInForce } from '../commands.js';
import type { Account } from '../ledger/account.js';
import type { UserMarket } from './matcher.js';
import type { PriceLevel } from './price-level.js';

export const BUY = 0;
export const SELL = 1;
export type SideCode = typeof BUY | typeof SELL;

/**
 * An order. Resting orders are linked into their price level (FIFO) and their owner's list. The fields
 * set at creation do not change while the order is open (they are writable only for `reuse`).
 *
 * Fields are declared (hence laid out in the object) hottest first: a cancel or a fill touches an order
 * it has not seen for a while, and what it reads (ids, state, links, hold, accounts) then sits in the
 * first three cache lines instead of being spread over all five. Number fields get a number initialiser:
 * a field that starts as undefined is stored untyped, and every large (non-small-integer) number written
 * to it would then be a new heap allocation.
 */
export class Order {
  id = 0;
  user = 0;
  marketId = 0;
  side: SideCode = 0;
  /** False once the order is filled, canceled or expired. */
  open = true;
  /** True while a stop order waits for its trigger. */
  pending = false;
  /** In the order index and its owner's list: true for orders that rest or wait for a trigger. */
  indexed = false;
  /** Lots not yet filled. */
  remaining = 0;
  /** Limit price in ticks; 0 for market orders. */
  price = 0;
  /** What is still reserved for this order in the spend account (quote for buys, base for sells). */
  hold = 0;
  level: PriceLevel | null = null;
  prev: Order | null = null;
  next: Order | null = null;
  spend: Account;
  receive: Account;
  /** The owner's state in this market (set when the order is created or restored). */
  um: UserMarket | null = null;
  userPrev: Order | null = null;
  userNext: Order | null = null;
  /** OCO list id (0 = none) and the sibling leg. */
  sibling: Order | null = null;
  clientOrderId: string | null;
  filled = 0;
  /** Quote units traded so far (Binance's cummulativeQuoteQty). */
  filledNotional = 0;
  makerPpm = 0;
  takerPpm = 0;
  /** Quantity in lots; 0 for market orders sized by quote. */
  qty = 0;
  type: OrderType;
  tif: TimeInForce;
  stp: StpMode;
  quoteQty = 0;
  stopPrice = 0;
  trailingDeltaBps = 0;
  /** Stop orders: 1 triggers when last >= stopPrice, -1 when last <= stopPrice. */
  triggerDir = 0;
  /** Trailing stops: best price seen since activation (peak for sells, trough for buys); 0 = not active. */
  trailRef = 0;
  listId = 0;
  ts = 0;

  constructor(
    id: number,
    user: number,
    marketId: number,
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
    spend: Account,
    receive: Account,
  ) {
    this.id = id;
    this.user = user;
    this.marketId = marketId;
    this.side = side;
    this.remaining = qty;
    this.price = price;
    this.spend = spend;
    this.receive = receive;
    this.clientOrderId = clientOrderId;
    this.makerPpm = makerPpm;
    this.takerPpm = takerPpm;
    this.qty = qty;
    this.type = type;
    this.tif = tif;
    this.stp = stp;
    this.quoteQty = quoteQty;
    this.stopPrice = stopPrice;
    this.trailingDeltaBps = trailingDeltaBps;
    this.ts = ts;
  }

  /**
   * Make a closed order a new one (the matcher recycles closed orders instead of allocating: a resting
   * order would otherwise be copied by every young-generation collection it survives). Every field is
   * set, as by the constructor.
   */
  reuse(
    id: number,
    user: number,
    marketId: number,
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
    spend: Account,
    receive: Account,
  ): this {
    this.id = id;
    this.user = user;
    this.marketId = marketId;
    this.side = side;
    this.type = type;
    this.tif = tif;
    this.stp = stp;
    this.price = price;
    this.qty = qty;
    this.quoteQty = quoteQty;
    this.stopPrice = stopPrice;
    this.trailingDeltaBps = trailingDeltaBps;
    this.clientOrderId = clientOrderId;
    this.ts = ts;
    this.makerPpm = makerPpm;
    this.takerPpm = takerPpm;
    this.spend = spend;
    this.receive = receive;
    this.remaining = qty;
    this.filled = 0;
    this.filledNotional = 0;
    this.open = true;
    this.um = null;
    this.indexed = false;
    this.pending = false;
    this.hold = 0;
    this.prev = null;
    this.next = null;
    this.level = null;
    this.userPrev = null;
    this.userNext = null;
    this.triggerDir = 0;
    this.trailRef = 0;
    this.listId = 0;
    this.sibling = null;
    return this;
  }

  isStop(): boolean {
    return this.stopPrice > 0 || this.trailingDeltaBps > 0;
  }
}
