import { fail } from '../assert.js';
import type { Order, SideCode } from './order.js';
import { BUY } from './order.js';
import { PriceLevel } from './price-level.js';

/**
 * One side of a book: price levels in an array sorted so that the best price is last (pop/push at
 * the end is O(1), which is where nearly all the traffic is) plus a map for O(1) level lookup.
 */
export class BookSide {
  readonly levels: PriceLevel[] = [];
  readonly byPrice = new Map<number, PriceLevel>();

  constructor(
    readonly marketId: number,
    readonly side: SideCode,
  ) {}

  best(): PriceLevel | undefined {
    // Reading index -1 of an empty array is a slow property lookup in V8, not an array access.
    const n = this.levels.length;
    return n === 0 ? undefined : this.levels[n - 1];
  }

  /** True when `a` is a better price than `b` for this side. */
  better(a: number, b: number): boolean {
    return this.side === BUY ? a > b : a < b;
  }

  levelFor(price: number): PriceLevel {
    let level = this.byPrice.get(price);
    if (level !== undefined) return level;
    level = new PriceLevel(this.marketId, this.side, price);
    this.byPrice.set(price, level);
    const levels = this.levels;
    // Worse prices sit at lower indexes: binary search the first index whose price is better.
    let lo = 0;
    let hi = levels.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.better(levels[mid]!.price, price)) hi = mid;
      else lo = mid + 1;
    }
    if (lo === levels.length) levels.push(level);
    else levels.splice(lo, 0, level);
    return level;
  }

  add(order: Order): PriceLevel {
    const level = this.levelFor(order.price);
    level.append(order);
    return level;
  }

  remove(order: Order): PriceLevel {
    const level = order.level;
    if (!(level !== null)) fail(`order ${order.id} is not resting`);
    level.remove(order);
    if (level.count === 0) this.dropLevel(level);
    return level;
  }

  dropLevel(level: PriceLevel): void {
    this.byPrice.delete(level.price);
    const levels = this.levels;
    const last = levels.length - 1;
    if (levels[last] === level) {
      levels.pop();
      return;
    }
    let lo = 0;
    let hi = levels.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.better(levels[mid]!.price, level.price)) hi = mid;
      else lo = mid + 1;
    }
    // lo is the first better index; the level itself sits just before it.
    const index = lo - 1;
    if (!(levels[index] === level)) fail(`level ${level.price} not found`);
    levels.splice(index, 1);
  }

  /** Resting orders in priority order (best price first, oldest first). */
  *orders(): Generator<Order> {
    for (let i = this.levels.length - 1; i >= 0; i--) {
      for (let o = this.levels[i]!.head; o !== null; o = o.next) yield o;
    }
  }
}
