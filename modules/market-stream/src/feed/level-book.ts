// A market's aggregated book as the feed knows it: level quantities by price, with the prices kept
// sorted best-first so the top N levels are a slice.
import type { FeedBook, FeedLevel } from './feed-protocol.js';

class SortedSide {
  readonly qty = new Map<number, number>();
  /** Best first: descending for bids, ascending for asks. */
  readonly prices: number[] = [];
  constructor(private readonly descending: boolean) {}

  set(price: number, qty: number): void {
    const had = this.qty.has(price);
    if (qty === 0) {
      if (!had) return;
      this.qty.delete(price);
      this.prices.splice(this.indexOf(price), 1);
      return;
    }
    this.qty.set(price, qty);
    if (!had) this.prices.splice(this.indexOf(price), 0, price);
  }

  /** Where `price` is or would be inserted. */
  private indexOf(price: number): number {
    const prices = this.prices;
    let lo = 0;
    let hi = prices.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const p = prices[mid]!;
      if (this.descending ? p > price : p < price) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  top(limit: number): FeedLevel[] {
    const n = Math.min(limit, this.prices.length);
    const out: FeedLevel[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const price = this.prices[i]!;
      out[i] = [price, this.qty.get(price)!];
    }
    return out;
  }

  best(): FeedLevel | null {
    const price = this.prices[0];
    return price === undefined ? null : [price, this.qty.get(price)!];
  }
}

export class LevelBook {
  readonly bids = new SortedSide(true);
  readonly asks = new SortedSide(false);
  constructor(
    readonly marketId: number,
    public lastUpdateId: number,
  ) {}

  static from(book: FeedBook): LevelBook {
    const b = new LevelBook(book.marketId, book.lastUpdateId);
    for (const [price, qty] of book.bids) b.bids.set(price, qty);
    for (const [price, qty] of book.asks) b.asks.set(price, qty);
    return b;
  }

  snapshot(limit = Number.POSITIVE_INFINITY): FeedBook {
    return {
      marketId: this.marketId,
      lastUpdateId: this.lastUpdateId,
      bids: this.bids.top(limit),
      asks: this.asks.top(limit),
    };
  }
}
