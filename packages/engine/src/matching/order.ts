import type { OrderType, StpMode, TimeInForce } from '../commands.js';
import type { Account } from '../ledger/account.js';
import type { UserMarket } from './matcher.js';
import type { PriceLevel } from './price-level.js';

export const BUY = 0;
export const SELL = 1;
export type SideCode = typeof BUY | typeof SELL;

/** An open order. Resting orders are linked into their price level (FIFO) and their owner's list. */
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
    readonly id: number,
    readonly user: number,
    readonly marketId: number,
    readonly side: SideCode,
    readonly type: OrderType,
    readonly tif: TimeInForce,
    readonly stp: StpMode,
    /** Limit price in ticks; 0 for market orders. */
    readonly price: number,
    /** Quantity in lots; 0 for market orders sized by quote. */
    readonly qty: number,
    readonly quoteQty: number,
    readonly stopPrice: number,
    readonly trailingDeltaBps: number,
    readonly clientOrderId: string | null,
    readonly ts: number,
    readonly makerPpm: number,
    readonly takerPpm: number,
    readonly spend: Account,
    readonly receive: Account,
  ) {
    this.remaining = qty;
  }

  isStop(): boolean {
    return this.stopPrice > 0 || this.trailingDeltaBps > 0;
  }
}
