// Proves the generator's reference book matches by price-time priority and counts what engines report.

import { describe, expect, it } from 'vitest';
import { ShadowBook } from './shadow-book.js';

const newBook = (): ShadowBook => new ShadowBook(100, 1_000, 10);

describe('ShadowBook', () => {
  it('rests a limit order that does not cross', () => {
    const book = newBook();
    book.limit(1, true, 100, 5);
    book.limit(2, false, 101, 5);
    expect(book.bestBidTicks).toBe(100);
    expect(book.bestAskTicks).toBe(101);
    expect(book.stats).toMatchObject({ trades: 0, limitsCrossed: 0, restingOrders: 2, priceLevels: 2 });
  });

  it('fills makers in price then time order and rests the remainder', () => {
    const book = newBook();
    book.limit(1, false, 102, 3);
    book.limit(2, false, 101, 2);
    book.limit(3, false, 101, 4);
    // Takes 2 (id 2) and 4 (id 3) at 101, then 1 of id 1 at 102, and stops at its 102 limit.
    book.limit(4, true, 102, 7);
    expect(book.stats).toMatchObject({ trades: 3, volumeLots: 7, limitsCrossed: 1, restingOrders: 1 });
    expect(book.bestAskTicks).toBe(102);
    expect(book.bestBidTicks).toBe(0);
    expect([...book.lastFilledMakers.subarray(0, book.lastFilledMakerCount)]).toEqual([2, 3]);
    // Rests: id 1 has 2 lots left, so a buy of 5 at 102 fills 2 and rests 3.
    book.limit(5, true, 102, 5);
    expect(book.stats).toMatchObject({ trades: 4, volumeLots: 9, restingOrders: 1 });
    expect(book.bestBidTicks).toBe(102);
    expect(book.bestAskTicks).toBe(0);
  });

  it('drops what a market order cannot fill', () => {
    const book = newBook();
    book.limit(1, true, 100, 3);
    book.limit(2, true, 99, 3);
    book.market(false, 10);
    expect(book.stats).toMatchObject({ trades: 2, volumeLots: 6, restingOrders: 0, priceLevels: 0 });
    expect(book.bestBidTicks).toBe(0);
  });

  it('cancels a resting order and counts a miss for one that is gone', () => {
    const book = newBook();
    book.limit(1, true, 100, 3);
    book.limit(2, true, 98, 3);
    expect(book.cancel(1)).toBe(true);
    expect(book.bestBidTicks).toBe(98);
    expect(book.cancel(1)).toBe(false);
    expect(book.stats).toMatchObject({ cancelsHit: 1, cancelsMissed: 1, restingOrders: 1 });
    expect(book.restingAt(0)).toBe(2);
  });
});
