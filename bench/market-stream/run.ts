// Market-data fan-out benchmark: N WebSocket clients (default 5,000) on one market's diff depth
// (@depth@100ms) and trades, in this process, against the platform in a child process while matching
// orders flow. Reports trade delivery latency (trade time to receipt: engine, journal, feed, fan-out)
// p50/p99/max, depth event latency (event time to receipt), and starved clients (any client that
// missed a trade, saw a gap in U/u, or was disconnected).
// Run: node --import tsx bench/market-stream/run.ts [--clients 5000] [--rate 20] [--seconds 10]
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1]!);
const clientCount = Number(args.get('clients') ?? 5_000);
const tradesPerSecond = Number(args.get('rate') ?? 20);
const seconds = Number(args.get('seconds') ?? 10);

const child = fork(fileURLToPath(new URL('./server.ts', import.meta.url)), [], {
  execArgv: ['--import', 'tsx'],
});
const fromChild = <T>(type: string) =>
  new Promise<T>((resolve) => {
    const on = (message: { type: string }) => {
      if (message.type !== type) return;
      child.off('message', on);
      resolve(message as T);
    };
    child.on('message', on);
  });
const { url } = await fromChild<{ url: string }>('ready');

/** Milliseconds histogram, 1 ms buckets up to 10 s. */
class Histogram {
  readonly buckets = new Float64Array(10_001);
  count = 0;
  max = 0;
  add(ms: number): void {
    const v = Math.max(0, Math.min(10_000, Math.round(ms)));
    this.buckets[v]!++;
    this.count++;
    if (ms > this.max) this.max = ms;
  }
  quantile(q: number): number {
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i]!;
      if (seen >= q * this.count) return i;
    }
    return 10_000;
  }
}

const tradeLatency = new Histogram();
const depthLatency = new Histogram();
interface Client {
  ws: WebSocket;
  trades: number;
  lastU: number;
  gaps: number;
  closed: boolean;
}
const clients: Client[] = [];
const wsUrl = `${url.replace(/^http/, 'ws')}/stream?streams=btcusdt@depth@100ms/btcusdt@trade`;
const connectStarted = Date.now();
for (let i = 0; i < clientCount; i += 250) {
  await Promise.all(
    Array.from({ length: Math.min(250, clientCount - i) }, async () => {
      const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
      const client: Client = { ws, trades: 0, lastU: 0, gaps: 0, closed: false };
      clients.push(client);
      ws.on('message', (data) => {
        const now = Date.now();
        const { stream, data: d } = JSON.parse(String(data)) as {
          stream: string;
          data: { T?: number; E: number; U?: number; u?: number };
        };
        if (stream === 'btcusdt@trade') {
          client.trades++;
          tradeLatency.add(now - d.T!);
        } else {
          if (client.lastU !== 0 && d.U !== client.lastU + 1) client.gaps++;
          client.lastU = d.u!;
          depthLatency.add(now - d.E);
        }
      });
      ws.on('close', () => {
        client.closed = true;
      });
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
    }),
  );
}
const connectMs = Date.now() - connectStarted;
child.send({ type: 'run', tradesPerSecond, seconds });
const done = await fromChild<{ trades: number; stats: { slowClientsDropped: number; messagesSent: number } }>(
  'done',
);
const starved = clients.filter((c) => c.closed || c.gaps > 0 || c.trades < done.trades).length;
const result = {
  clients: clientCount,
  connectMs,
  tradesPerSecond,
  seconds,
  trades: done.trades,
  messagesSent: done.stats.messagesSent,
  slowClientsDropped: done.stats.slowClientsDropped,
  tradeLatencyMs: {
    p50: tradeLatency.quantile(0.5),
    p99: tradeLatency.quantile(0.99),
    max: Math.round(tradeLatency.max),
    samples: tradeLatency.count,
  },
  depthLatencyMs: {
    p50: depthLatency.quantile(0.5),
    p99: depthLatency.quantile(0.99),
    max: Math.round(depthLatency.max),
    samples: depthLatency.count,
  },
  starvedClients: starved,
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
for (const c of clients) c.ws.terminate();
child.send({ type: 'stop' });
await new Promise((resolve) => child.once('exit', resolve));
