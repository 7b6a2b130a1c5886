// The platform under the market-stream benchmark (a child of run.ts): embedded, demo seeded, and on
// request a flow of matching orders on BTCUSDT straight into the engine (one trade per pair).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlatform } from '@tradeloom/api';
import { loadConfig } from '@tradeloom/config';

const dir = await mkdtemp(join(tmpdir(), 'tl-bench-md-'));
const config = loadConfig({ DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' });
const running = await startPlatform({ config, seedDemo: true, rateLimiter: null });
const traders = (running.demo ?? []).filter((a) => a.role === 'trader');
const [seller, buyer] = await Promise.all(
  traders.map((t) => running.platform.wallet.engineAccountOf(t.userId)),
);
if (seller === undefined || buyer === undefined) throw new Error('demo traders missing');
const market = await running.platform.spot.markets.market('BTCUSDT');

process.send?.({ type: 'ready', url: running.address });
process.on('message', async (message: { type: string; tradesPerSecond: number; seconds: number }) => {
  if (message.type === 'run') {
    const total = message.tradesPerSecond * message.seconds;
    const started = Date.now();
    let sent = 0;
    let ok = 0;
    const pending: Promise<unknown>[] = [];
    while (sent < total) {
      const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * message.tradesPerSecond) + 1);
      for (; sent < due; sent++) {
        const common = {
          type: 'placeOrder',
          ts: Date.now(),
          marketId: market.id,
          orderType: 'LIMIT',
          timeInForce: 'GTC',
          price: 5_000_000,
          qty: 1,
        } as const;
        pending.push(running.engine.submit({ ...common, user: seller, side: 'SELL' }));
        pending.push(
          running.engine
            .submit({ ...common, ts: Date.now(), user: buyer, side: 'BUY' })
            .then((r) => (r.ok ? ok++ : undefined)),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await Promise.all(pending);
    // Let the last 100 ms window go out.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    process.send?.({ type: 'done', trades: ok, stats: running.platform.marketStream.stats() });
  } else if (message.type === 'stop') {
    await running.stop();
    await rm(dir, { recursive: true, force: true });
    process.exit(0);
  }
});
