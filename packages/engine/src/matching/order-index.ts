// Open orders by id: an open-addressing hash table (linear probing, backward-shift deletion) over a
// Float64Array of keys. Order ids are positive integers, so 0 marks an empty slot. It replaced a Map
// because a Map's delete + set per order was a large share of a resting order's cost (see
// bench/RESULTS.md for before and after), and it allocates nothing per operation.
import type { Order } from './order.js';

const CAPACITY_MIN = 1024;

export class OrderIndex {
  private keys = new Float64Array(CAPACITY_MIN);
  private vals: (Order | null)[] = new Array<Order | null>(CAPACITY_MIN).fill(null);
  private mask = CAPACITY_MIN - 1;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The order with this id, or undefined (for any input, however malformed). */
  get(id: number): Order | undefined {
    if (typeof id !== 'number' || !(id > 0)) return undefined;
    const keys = this.keys;
    let i = this.slot(id);
    for (;;) {
      const key = keys[i]!;
      if (key === 0) return undefined;
      if (key === id) return this.vals[i]!;
      i = (i + 1) & this.mask;
    }
  }

  has(id: number): boolean {
    return this.get(id) !== undefined;
  }

  set(id: number, order: Order): void {
    if (!(Number.isSafeInteger(id) && id > 0))
      throw new RangeError(`order id must be a positive integer: ${id}`);
    if ((this.count + 1) * 2 > this.mask + 1) this.resize((this.mask + 1) * 2);
    const keys = this.keys;
    let i = this.slot(id);
    for (;;) {
      const key = keys[i]!;
      if (key === 0) {
        keys[i] = id;
        this.vals[i] = order;
        this.count++;
        return;
      }
      if (key === id) {
        this.vals[i] = order;
        return;
      }
      i = (i + 1) & this.mask;
    }
  }

  delete(id: number): boolean {
    if (typeof id !== 'number' || !(id > 0)) return false;
    const keys = this.keys;
    const vals = this.vals;
    const mask = this.mask;
    let i = this.slot(id);
    for (;;) {
      const key = keys[i]!;
      if (key === 0) return false;
      if (key === id) break;
      i = (i + 1) & mask;
    }
    // Backward-shift: pull later entries of the probe chain into the hole unless their home slot lies
    // cyclically in (hole, j], so that no chain is broken and no tombstone is needed.
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const key = keys[j]!;
      if (key === 0) break;
      const home = this.slot(key);
      const stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (!stays) {
        keys[i] = key;
        vals[i] = vals[j]!;
        i = j;
      }
    }
    keys[i] = 0;
    vals[i] = null;
    this.count--;
    if (this.count * 8 < this.mask + 1 && this.mask + 1 > CAPACITY_MIN) this.resize((this.mask + 1) / 2);
    return true;
  }

  /** Open orders in slot order (callers that need an order sort it). */
  *values(): Generator<Order> {
    for (let i = 0; i <= this.mask; i++) {
      const order = this.vals[i];
      if (order !== null && order !== undefined) yield order;
    }
  }

  private slot(id: number): number {
    // Fibonacci hashing of both 32-bit halves: sequential ids spread evenly.
    return (Math.imul((id >>> 0) ^ ((id / 4_294_967_296) >>> 0), 0x9e3779b1) >>> 0) & this.mask;
  }

  private resize(capacity: number): void {
    const keys = this.keys;
    const vals = this.vals;
    this.keys = new Float64Array(capacity);
    this.vals = new Array<Order | null>(capacity).fill(null);
    this.mask = capacity - 1;
    this.count = 0;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (key !== 0) this.set(key, vals[i]!);
    }
  }
}
