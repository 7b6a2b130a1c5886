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
 */
export class Order {
  /** Lots not yet filled. */
  remaining: number;
  filled = 0;
  /** Quote units traded so far (Binance's cummulativeQuoteQty). */
  filledNotional = 0;
  /** False once the order is filled, canceled or expired. */
  open = true;
  /** The owner's state in this market (set when the order is created or restored). */
  um: UserMarket | null = null;
  /** In the order index and its owner's list: true for orders that rest or wait for a trigger. */
  indexed = false;
  /** True while a stop order waits for its trigger. */
  pending = false;
  /** What is still reserved for this order in the spend account (quote for buys, base for sells). */
  hold = 0;
  prev: Order | null = null;
  next: Order | null = null;
  level: PriceLevel | null = null;
  userPrev: Order | null = null;
  userNext: Order | null = null;
  /** Stop orders: 1 triggers when last >= stopPrice, -1 when last <= stopPrice. */
  triggerDir = 0;
  /** Trailing stops: best price seen since activation (peak for sells, trough for buys); 0 = not active. */
  trailRef = 0;
  /** OCO list id (0 = none) and the sibling leg. */
  listId = 0;
  sibling: Order | null = null;

  constructor(
    public id: number,
    public user: number,
    public marketId: number,
    public side: SideCode,
    public type: OrderType,
    public tif: TimeInForce,
    public stp: StpMode,
    /** Limit price in ticks; 0 for market orders. */
    public price: number,
    /** Quantity in lots; 0 for market orders sized by quote. */
    public qty: number,
    public quoteQty: number,
    public stopPrice: number,
    public trailingDeltaBps: number,
    public clientOrderId: string | null,
    public ts: number,
    public makerPpm: number,
    public takerPpm: number,
    public spend: Account,
    public receive: Account,
  ) {
    this.remaining = qty;
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
