// Proves the demo seed funds the traders, builds a ladder on both markets, and is idempotent.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineHost, localEngineGateway } from '@tradeloom/engine-app';
import { afterEach, describe, expect, it } from 'vitest';
import { seedDemoEngine } from './seed-demo-engine.js';

let dir: string;
let host: EngineHost | undefined;
afterEach(async () => {
  await host?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('seedDemoEngine', () => {
  it('funds traders, places the ladder and changes nothing when run again', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tl-seed-'));
    host = await EngineHost.open({ dataDir: dir, fsync: false });
    const engine = localEngineGateway(host);
    await seedDemoEngine(engine, [7, 8], 1_700_000_000_000);
    const book = await engine.query<{ bids: [number, number][]; asks: [number, number][] }>({
      query: 'book',
      marketId: 1,
    });
    expect(book.bids).toHaveLength(5);
    expect(book.asks).toHaveLength(5);
    const balances = await engine.query<{ asset: string; available: number; held: number }[]>({
      query: 'balances',
      user: 8,
    });
    expect(balances).toEqual(
      expect.arrayContaining([
        { asset: 'USDT', wallet: 'SPOT', available: 1_000_000_000_000, held: 0 },
        { asset: 'BTC', wallet: 'SPOT', available: 1_000_000_000, held: 0 },
      ]),
    );

    await seedDemoEngine(engine, [7, 8], 1_700_000_000_999);
    // The repeats are journaled (the command sequence moves) but change no balance and no book.
    expect(await engine.query({ query: 'balances', user: 8 })).toEqual(balances);
    expect(await engine.query({ query: 'book', marketId: 1 })).toEqual(book);
  });
});
