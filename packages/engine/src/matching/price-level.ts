import type { Order, SideCode } from './order.js';

/** All resting orders at one price, oldest first (intrusive doubly linked list: O(1) cancel). */
export class PriceLevel {
  head: Order | null = null;
  tail: Order | null = null;
  /** Sum of remaining lots. */
  total = 0;
  count = 0;
  /** Command seq that last touched the level (dedupes book-level events per command). */
  stamp = 0;

  constructor(
    readonly marketId: number,
    readonly side: SideCode,
    readonly price: number,
  ) {}

  append(order: Order): void {
    order.level = this;
    order.prev = this.tail;
    order.next = null;
    if (this.tail === null) this.head = order;
    else this.tail.next = order;
    this.tail = order;
    this.total += order.remaining;
    this.count++;
  }

  remove(order: Order): void {
    if (order.prev === null) this.head = order.next;
    else order.prev.next = order.next;
    if (order.next === null) this.tail = order.prev;
    else order.next.prev = order.prev;
    order.prev = null;
    order.next = null;
    order.level = null;
    this.total -= order.remaining;
    this.count--;
  }
}
