// `npm run bench:api [-- --seconds 20 --clients 64 --apis 1]`
// Signed order placement and cancellation over HTTP through the whole stack in server mode: the
// engine process (journal with fsync, projector into PostgreSQL), API process(es), Redis (replay
// guard, rate limits). Many concurrent clients, each with its own API key, place a resting limit
// order and cancel it, in a loop. Then the same at half the measured rate (open loop) for latency,
// and a bare Fastify route answering a constant, driven the same way: the ceiling of Node's HTTP on
// this machine. Prints one Markdown table.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { composePlatform } from '@tradeloom/api';
import { loadConfig } from '@tradeloom/config';
import { migrate, openDatabase } from '@tradeloom/db';
import { EngineClient } from '@tradeloom/engine-app';
import { Redis } from 'ioredis';
import pg from 'pg';
import { Pool } from 'undici';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    clients: { type: 'string', default: '64' },
    apis: { type: 'string', default: '1' },
  },
  strict: true,
});
const seconds = Number(values.seconds);
const clients = Number(values.clients);
const apiCount = Number(values.apis);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const serverUrl = process.env.TRADELOOM_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Started {
  child: ChildProcess;
  lines: string[];
}

async function startProcess(script: string, env: Record<string, string>, ready: RegExp): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  const reader = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}: ${lines.join('\n')}`)));
    reader.on('line', (line) => {
      lines.push(line);
      if (ready.test(line)) resolve();
    });
  });
  return { child, lines };
}

async function stop(started: Started): Promise<void> {
  if (started.child.exitCode !== null) return;
  const exited = new Promise((resolve) => started.child.once('exit', resolve));
  started.child.kill('SIGTERM');
  await exited;
}

interface Trader {
  apiKey: string;
  secret: string;
}

/** Sends a signed JSON request the way a Binance-style client signs: HMAC over query then body. */
function signed(trader: Trader, method: string, path: string, body: unknown) {
  const json = JSON.stringify(body);
  const query = `timestamp=${Date.now()}`;
  const signature = createHmac('sha256', trader.secret)
    .update(query + json)
    .digest('hex');
  return {
    method: method as 'POST',
    path: `${path}?${query}&signature=${signature}`,
    headers: { 'x-mbx-apikey': trader.apiKey, 'content-type': 'application/json' },
    body: json,
  };
}

interface PhaseResult {
  name: string;
  requests: number;
  errors: number;
  seconds: number;
  latenciesMs: number[];
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Closed loop: every client sends its next request when the previous one is answered. */
async function closedLoop(
  name: string,
  durationS: number,
  step: (client: number) => Promise<number>,
): Promise<PhaseResult> {
  const latencies: number[] = [];
  let requests = 0;
  let errors = 0;
  const end = performance.now() + durationS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const sent = await step(client).catch((error: unknown) => {
          if (errors < 3) process.stderr.write(`${name}: ${String(error)}\n`);
          return -1;
        });
        if (sent < 0) errors++;
        else {
          requests += sent;
          latencies.push((performance.now() - t0) / Math.max(sent, 1));
        }
      }
    }),
  );
  return { name, requests, errors, seconds: (performance.now() - started) / 1000, latenciesMs: latencies };
}

/** Open loop at a fixed rate: latency without the coordinated omission of a closed loop. */
async function openLoop(
  name: string,
  durationS: number,
  perSecond: number,
  step: (client: number) => Promise<number>,
): Promise<PhaseResult> {
  const latencies: number[] = [];
  let requests = 0;
  let errors = 0;
  const interval = 1000 / perSecond;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; performance.now() - started < durationS * 1000; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(
      step(i % clients).then(
        (sent) => {
          requests += sent;
          // Measured from when the request was due, not when it went out.
          latencies.push(performance.now() - due);
        },
        () => {
          errors++;
        },
      ),
    );
  }
  await Promise.all(pending);
  return { name, requests, errors, seconds: (performance.now() - started) / 1000, latenciesMs: latencies };
}

function row(r: PhaseResult): string {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  const rate = Math.round(r.requests / r.seconds);
  return `| ${r.name} | ${rate.toLocaleString('en-US')} | ${r.errors} | ${percentile(sorted, 50).toFixed(2)} | ${percentile(sorted, 99).toFixed(2)} | ${percentile(sorted, 99.9).toFixed(2)} |`;
}

const dbName = `tl_bench_${randomBytes(6).toString('hex')}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const dbUrl = new URL(serverUrl);
dbUrl.pathname = `/${dbName}`;
const dir = await mkdtemp(join(tmpdir(), 'tl-bench-api-'));
const prefix = `tlbench-${process.pid}`;
const env = {
  DATA_DIR: dir,
  DATABASE_URL: dbUrl.toString(),
  REDIS_URL: 'redis://127.0.0.1:6379',
  MASTER_KEY: 'b7'.repeat(32),
  ENGINE_SOCKET: join(dir, 'engine.sock'),
  ENGINE_ADDRESS: join(dir, 'engine.sock'),
  REDIS_KEY_PREFIX: prefix,
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  RATE_LIMIT_IP_PER_MINUTE: '1000000',
  DEMO_SEED: 'false',
};
const processes: Started[] = [];
let exitCode = 0;
try {
  processes.push(await startProcess('apps/engine/src/main.ts', env, /"ready":true/));
  const apis: string[] = [];
  for (let i = 0; i < apiCount; i++) {
    const api = await startProcess('apps/api/src/main.ts', { ...env, PORT: '0' }, /API: +http/);
    processes.push(api);
    const line = api.lines.find((l) => /API: +http/.test(l)) ?? '';
    apis.push(/(http:\/\/[^/\s]+)/.exec(line)?.[1] ?? '');
  }

  // Set up through the platform's own services: a market, funded traders with API keys.
  const config = loadConfig(env);
  const database = await openDatabase({ url: dbUrl.toString() });
  const platform = composePlatform({
    config,
    database,
    masterKey: Buffer.from(env.MASTER_KEY, 'hex'),
    redisKeyPrefix: prefix,
  });
  await migrate(database, { sources: platform.migrationSources });
  const engine = await EngineClient.connect(env.ENGINE_ADDRESS);
  platform.engine.bind(engine);
  for (const [code, precision] of [
    ['BTC', 8],
    ['USDT', 6],
  ] as const) {
    await platform.wallet.assets.createAsset({ code, name: code, kind: 'crypto', precision }, 'system');
    await platform.wallet.assets.createNetwork(code, 'bench', {}, 'system');
  }
  await platform.spot.markets.createMarket(
    {
      base: 'BTC',
      quote: 'USDT',
      tickSize: '0.01',
      lotSize: '0.0001',
      minPrice: '0.01',
      maxPrice: '1000000',
      minQty: '0.0001',
      maxQty: '100',
      maxNumOrders: 1_000,
    },
    'system',
  );
  const traders: Trader[] = [];
  for (let i = 0; i < clients; i++) {
    const user = await platform.identity.createUser(
      {
        email: `bench-${i}@example.com`,
        password: `bench ${randomBytes(9).toString('hex')} pass`,
        emailVerified: true,
      },
      'system',
    );
    const key = await platform.apiKeys.createKey(
      user.id,
      { label: 'bench', type: 'HMAC', scopes: ['read', 'spot_trade'], ipAllowList: [] },
      'system',
    );
    const accountNo = await platform.wallet.engineAccountOf(user.id);
    await engine.submit({
      type: 'transfer',
      ts: Date.now(),
      key: `bench-fund-${i}`,
      kind: 'deposit',
      asset: 'USDT',
      from: { system: 'external:bench' },
      to: { user: accountNo, wallet: 'SPOT' },
      amount: 1_000_000_000_000,
    });
    traders.push({ apiKey: key.key.apiKey, secret: key.secret ?? '' });
  }
  await platform.close();
  engine.close();
  await database.close();

  const pools = apis.map(
    (url) => new Pool(url, { connections: Math.ceil(clients / apis.length), pipelining: 1 }),
  );
  const poolOf = (client: number) => pools[client % pools.length]!;
  let nonce = 0;
  // One place + cancel of a resting buy far below any price: the book stays small, every request
  // goes through signature, limits, the engine (journal, fsync) and the projector.
  const placeAndCancel = async (client: number): Promise<number> => {
    const trader = traders[client]!;
    const pool = poolOf(client);
    const price = (100 + ((nonce++ * 7) % 900)).toFixed(2);
    const placed = await pool.request(
      signed(trader, 'POST', '/api/v1/spot/orders', {
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'LIMIT',
        timeInForce: 'GTC',
        price,
        quantity: '0.0100',
      }),
    );
    const body = (await placed.body.json()) as { order?: { orderId: number } };
    if (placed.statusCode !== 201 || body.order === undefined) {
      throw new Error(`place: ${placed.statusCode} ${JSON.stringify(body)}`);
    }
    const cancelled = await pool.request(
      signed(trader, 'POST', '/api/v1/spot/orders/cancel', {
        symbol: 'BTCUSDT',
        orderId: body.order.orderId,
      }),
    );
    const answer = await cancelled.body.text();
    if (cancelled.statusCode !== 200) throw new Error(`cancel: ${cancelled.statusCode} ${answer}`);
    return 2;
  };

  // Warm-up, then the measured phases.
  await closedLoop('warm-up', 3, placeAndCancel);
  const full = await closedLoop('signed place+cancel, closed loop', seconds, placeAndCancel);
  const fullRate = full.requests / full.seconds;
  const half = await openLoop(
    'signed place+cancel at half that rate, open loop',
    seconds,
    fullRate / 4,
    placeAndCancel,
  );
  for (const pool of pools) await pool.close();

  // The ceiling: a bare Fastify route, in a process of its own like the API.
  const bare = await startProcess('bench/api/bare-server.ts', {}, /bare: http/);
  processes.push(bare);
  const bareUrl = /(http:\/\/\S+)/.exec(bare.lines.find((l) => l.startsWith('bare:')) ?? '')?.[1] ?? '';
  const barePool = new Pool(bareUrl, { connections: clients });
  const bareStep = async () => {
    const response = await barePool.request({ method: 'GET', path: '/constant' });
    await response.body.dump();
    return 1;
  };
  await closedLoop('warm-up', 2, bareStep);
  const ceiling = await closedLoop('bare Fastify constant route', seconds, bareStep);
  await barePool.close();

  const lines = [
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, load average before: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
    `Clients: ${clients}, API processes: ${apiCount}, ${seconds} s per phase; engine journal fsync on, projector on.`,
    '',
    '| phase | requests/s | errors | p50 ms | p99 ms | p99.9 ms |',
    '|:--|--:|--:|--:|--:|--:|',
    row(full),
    row(half),
    row(ceiling),
    '',
    `ratio signed orders / bare route: ${(full.requests / full.seconds / (ceiling.requests / ceiling.seconds)).toFixed(3)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} catch (error) {
  process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
  exitCode = 1;
} finally {
  for (const started of processes.reverse()) await stop(started);
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  const redis = new Redis('redis://127.0.0.1:6379');
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
  await rm(dir, { recursive: true, force: true });
}
process.exit(exitCode);
