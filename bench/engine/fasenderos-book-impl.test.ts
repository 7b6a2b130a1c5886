// Proves the adapter counts the npm peers' fills exactly as the generator's reference book does.

import { describe, expect, it } from 'vitest';
import createHftImpl from './impls/hft-limit-order-book.js';
import createNodejsImpl from './impls/nodejs-order-book.js';
import { generateWorkload } from './workload.js';

describe.each([
  ['nodejs-order-book', createNodejsImpl],
  ['hft-limit-order-book', createHftImpl],
])('%s', (_, createImpl) => {
  it('reports the reference counters on a seeded stream', () => {
    const w = generateWorkload({ seed: 3, count: 30_000, users: 20 });
    const impl = createImpl();
    impl.init(w);
    for (let i = 0; i < w.count; i++) impl.apply(w, i);
    const { priceLevels: _, ...comparable } = w.reference;
    expect(impl.stats()).toEqual(comparable);
  });

  it('starts from an empty book on every init', () => {
    const w = generateWorkload({ seed: 4, count: 5_000 });
    const impl = createImpl();
    impl.init(w);
    for (let i = 0; i < w.count; i++) impl.apply(w, i);
    const first = impl.stats();
    impl.init(w);
    for (let i = 0; i < w.count; i++) impl.apply(w, i);
    expect(impl.stats()).toEqual(first);
  });
});
