// Proves the order index behaves exactly like a Map of id -> order under random inserts, deletes and lookups.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Order } from './order.js';
import { OrderIndex } from './order-index.js';

const fakeOrder = (id: number) => ({ id }) as unknown as Order;

describe('OrderIndex', () => {
  it('agrees with a Map under random operations, through growth and shrinking', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), id: fc.integer({ min: 1, max: 5_000 }) }),
      fc.record({ kind: fc.constant('delete' as const), id: fc.integer({ min: 1, max: 5_000 }) }),
      fc.record({ kind: fc.constant('get' as const), id: fc.integer({ min: -3, max: 5_000 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3_000 }), (ops) => {
        const index = new OrderIndex();
        const map = new Map<number, Order>();
        for (const { kind, id } of ops) {
          if (kind === 'set') {
            const order = fakeOrder(id);
            index.set(id, order);
            map.set(id, order);
          } else if (kind === 'delete') {
            expect(index.delete(id)).toBe(map.delete(id));
          } else {
            expect(index.get(id)).toBe(map.get(id));
          }
          expect(index.size).toBe(map.size);
        }
        for (const [id, order] of map) expect(index.get(id)).toBe(order);
        expect([...index.values()].length).toBe(map.size);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps sequential ids findable after heavy churn and rejects malformed lookups', () => {
    const index = new OrderIndex();
    const live: number[] = [];
    let next = 1;
    for (let i = 0; i < 20_000; i++) {
      index.set(next, fakeOrder(next));
      live.push(next++);
    }
    for (let i = 0; i < 200_000; i++) {
      const k = (i * 7_919) % live.length;
      expect(index.delete(live[k]!)).toBe(true);
      index.set(next, fakeOrder(next));
      live[k] = next++;
    }
    for (const id of live) expect(index.get(id)?.id).toBe(id);
    expect(index.size).toBe(live.length);
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60])
      expect(index.get(bad)).toBeUndefined();
    expect(() => index.set(0, fakeOrder(0))).toThrow(RangeError);
  });
});
