// Proves the generator is deterministic and writes a stream every engine can replay as specified.

import { describe, expect, it } from 'vitest';
import { generateWorkload, OP_CANCEL, OP_LIMIT, OP_MARKET } from './workload.js';

describe('generateWorkload', () => {
  const w = generateWorkload({ seed: 7, count: 50_000, users: 50 });

  it('gives the same stream for the same seed and another for another seed', () => {
    const again = generateWorkload({ seed: 7, count: 50_000, users: 50 });
    expect(again.op).toEqual(w.op);
    expect(again.price).toEqual(w.price);
    expect(again.orderId).toEqual(w.orderId);
    expect(again.reference).toEqual(w.reference);
    expect(generateWorkload({ seed: 8, count: 50_000, users: 50 }).price).not.toEqual(w.price);
  });

  it('mixes about 70% limit, 25% cancel and 5% market orders', () => {
    const share = (op: number): number => w.op.filter((o) => o === op).length / w.count;
    expect(share(OP_LIMIT)).toBeCloseTo(0.7, 1);
    expect(share(OP_CANCEL)).toBeCloseTo(0.25, 1);
    expect(share(OP_MARKET)).toBeCloseTo(0.05, 1);
  });

  it('numbers new orders 1, 2, 3, ... and cancels each earlier limit at most once, as its owner', () => {
    const placedAt = new Map<number, number>();
    const cancelled = new Set<number>();
    const problems: string[] = [];
    let nextId = 1;
    for (let i = 0; i < w.count; i++) {
      const id = w.orderId[i]!;
      if (w.op[i] === OP_CANCEL) {
        const at = placedAt.get(id);
        if (at === undefined || w.op[at] !== OP_LIMIT)
          problems.push(`cancel ${i}: ${id} is no earlier limit`);
        else if (w.user[i] !== w.user[at] || w.side[i] !== w.side[at])
          problems.push(`cancel ${i}: not as owner`);
        if (cancelled.has(id)) problems.push(`cancel ${i}: ${id} cancelled twice`);
        cancelled.add(id);
      } else {
        if (id !== nextId++) problems.push(`command ${i}: id ${id}, expected ${nextId - 1}`);
        placedAt.set(id, i);
        const user = w.user[i]!;
        if (w.qty[i]! < 1 || user < 1 || user > 50) problems.push(`command ${i}: bad qty or user`);
        if (w.op[i] === OP_LIMIT && w.price[i]! < 1) problems.push(`command ${i}: bad price`);
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('puts the crossing fraction in 30-40% and mostly cancels orders that still rest', () => {
    const limits = w.op.filter((o) => o === OP_LIMIT).length;
    const cancels = w.op.filter((o) => o === OP_CANCEL).length;
    const crossing = w.reference.limitsCrossed / limits;
    expect(crossing).toBeGreaterThan(0.3);
    expect(crossing).toBeLessThan(0.4);
    expect(w.reference.cancelsHit / cancels).toBeGreaterThan(0.9);
  });
});
