// Proves the socket protocol: pipelined commands come back matched to their requests, and queries answer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stateHash } from '@tradeloom/engine';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineClient } from './client.js';
import { EngineHost } from './engine-host.js';
import type { BookView } from './queries.js';
import { serveEngine } from './server.js';
import { setupCommands } from './testing/command-stream.js';

const dataDir = mkdtempSync(join(tmpdir(), 'tl-server-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('engine server', () => {
  it('pipelines commands and answers queries', async () => {
    const host = await EngineHost.open({ dataDir });
    const socket = join(dataDir, 'e.sock');
    const server = await serveEngine(host, socket);
    const client = await EngineClient.connect(socket);
    for (const c of setupCommands(1)) expect((await client.submit(c)).ok).toBe(true);
    const orders = Array.from({ length: 2_000 }, (_, i) =>
      client.submit({
        type: 'placeOrder',
        ts: 10 + i,
        marketId: 1,
        user: 1 + (i % 2),
        side: i % 2 === 0 ? 'BUY' : 'SELL',
        orderType: 'LIMIT',
        price: i % 2 === 0 ? 9_000 + (i % 50) : 11_000 + (i % 50),
        qty: 1,
        clientOrderId: `c${i}`,
      }),
    );
    const results = await Promise.all(orders);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.map((r) => r.commandSeq)).toEqual(results.map((_, i) => results[0]!.commandSeq + i));
    const book = await client.query<BookView>({ query: 'book', marketId: 1, depth: 3 });
    expect(book.bids[0]).toEqual([9_048, 40]);
    expect(book.asks[0]).toEqual([11_001, 40]);
    const rejected = await client.submit({ type: 'cancelOrder', ts: 1, marketId: 1, user: 3, orderId: 1 });
    expect(rejected).toMatchObject({ ok: false, code: 'UNKNOWN_ORDER' });
    const { hash } = await client.query<{ hash: string }>({ query: 'stateHash' });
    expect(hash).toBe(stateHash(host.engine));
    await expect(client.query({ query: 'book', marketId: 99 })).rejects.toThrow(/unknown market/);
    client.close();
    server.close();
    await host.close();
  });
});
