import { fail } from '../assert.js';
import type { MarketSpec } from '../commands.js';
import type { Account } from '../ledger/account.js';
import type { AssetInfo } from '../ledger/ledger.js';
import { BookSide } from './book-side.js';
import type { Order } from './order.js';
import { BUY, SELL } from './order.js';

/** A market at run time: its spec, both sides of the book, pending stops, and the last trade price. */
export class Market {
  readonly bids: BookSide;
  readonly asks: BookSide;
  /** Stops that trigger when last >= stopPrice, sorted by (stopPrice asc, id asc). */
  readonly stopsUp: Order[] = [];
  /** Stops that trigger when last <= stopPrice, sorted by (stopPrice desc, id asc). */
  readonly stopsDown: Order[] = [];
  /** Trailing stops, by id. */
  readonly trailing: Order[] = [];
  lastPrice = 0;

  constructor(
    public spec: MarketSpec,
    readonly base: AssetInfo,
    readonly quote: AssetInfo,
    readonly fees: Account,
  ) {
    this.bids = new BookSide(spec.id, BUY);
    this.asks = new BookSide(spec.id, SELL);
  }

  get id(): number {
    return this.spec.id;
  }

  /** notional in quote units of `lots` at `price` ticks; bounded at market creation, so exact. */
  notional(price: number, lots: number): number {
    const n = price * lots * this.spec.tickQuoteUnits;
    if (!Number.isSafeInteger(n)) fail(`notional overflow ${price} x ${lots}`);
    return n;
  }

  baseUnits(lots: number): number {
    const n = lots * this.spec.lotUnits;
    if (!Number.isSafeInteger(n)) fail(`base overflow ${lots}`);
    return n;
  }

  pendingStopCount(): number {
    return this.stopsUp.length + this.stopsDown.length + this.trailing.length;
  }
}
