// `npm start` at this stage: run the engine process, seed a demo (assets, BTC/USDT and ETH/USDT,
// two funded traders) on first start, place a few orders, print the books, and keep running.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Command, MarketSpec } from '@tradeloom/engine';
import { fromSteps } from '@tradeloom/money';
import { EngineClient } from './client.js';
import type { BookView } from './queries.js';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = resolve(process.env.DATA_DIR ?? './data');
mkdirSync(dataDir, { recursive: true });
const socketPath = join(dataDir, 'engine.sock');

interface DemoMarket {
  spec: MarketSpec;
  tick: string;
  lot: string;
  quoteScale: number;
  baseScale: number;
}

const filters = {
  minPrice: 1,
  maxPrice: 100_000_000,
  minQty: 1,
  maxQty: 1_000_000,
  minNotional: 5_000_000,
  priceBandBps: 2_000,
  maxNumOrders: 200,
  maxNumStopOrders: 10,
};
const markets: DemoMarket[] = [
  {
    // lot 0.0001 BTC (10,000 sat) x tick 0.01 USDT = 0.000001 USDT = 1 unit
    spec: {
      id: 1,
      symbol: 'BTCUSDT',
      base: 'BTC',
      quote: 'USDT',
      lotUnits: 10_000,
      tickQuoteUnits: 1,
      filters,
      fees: { makerPpm: 1_000, takerPpm: 1_000 },
      status: 'TRADING',
    },
    tick: '0.01',
    lot: '0.0001',
    quoteScale: 6,
    baseScale: 8,
  },
  {
    // lot 0.001 ETH x tick 0.01 USDT = 0.00001 USDT = 10 units
    spec: {
      id: 2,
      symbol: 'ETHUSDT',
      base: 'ETH',
      quote: 'USDT',
      lotUnits: 100_000,
      tickQuoteUnits: 10,
      filters: { ...filters, maxPrice: 10_000_000 },
      fees: { makerPpm: 1_000, takerPpm: 1_000 },
      status: 'TRADING',
    },
    tick: '0.01',
    lot: '0.001',
    quoteScale: 6,
    baseScale: 8,
  },
];

async function startEngine(): Promise<{ stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'main.ts')], {
    env: { ...process.env, DATA_DIR: dataDir, ENGINE_SOCKET: socketPath },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    const msg = JSON.parse(line) as { ready?: boolean; recovery?: unknown };
    if (msg.ready) {
      console.log('engine ready, recovery:', JSON.stringify(msg.recovery));
      break;
    }
  }
  return { stop: () => child.kill('SIGTERM') };
}

async function seed(client: EngineClient): Promise<void> {
  const ts = Date.now();
  const commands: Command[] = [
    { type: 'addAsset', ts, asset: 'BTC', scale: 8 },
    { type: 'addAsset', ts, asset: 'ETH', scale: 8 },
    { type: 'addAsset', ts, asset: 'USDT', scale: 6 },
    { type: 'defineSystemAccount', ts, name: 'deposits:demo', allowNegative: true },
    ...markets.map((m): Command => ({ type: 'addMarket', ts, market: m.spec })),
  ];
  const funds: [number, string, number][] = [
    [1, 'USDT', 1_000_000_000_000],
    [1, 'BTC', 10 * 1e8],
    [1, 'ETH', 100 * 1e8],
    [2, 'USDT', 1_000_000_000_000],
    [2, 'BTC', 10 * 1e8],
    [2, 'ETH', 100 * 1e8],
  ];
  for (const [user, asset, amount] of funds) {
    commands.push({
      type: 'transfer',
      ts,
      key: `demo-fund-${user}-${asset}`,
      kind: 'deposit',
      asset,
      from: { system: 'deposits:demo' },
      to: { user, wallet: 'SPOT' },
      amount,
    });
  }
  // A small ladder on each side, then a crossing order from the other trader.
  const ladder = (marketId: number, mid: number, step: number) => {
    for (let i = 1; i <= 5; i++) {
      commands.push({
        type: 'placeOrder',
        ts,
        marketId,
        user: 1,
        side: 'BUY',
        orderType: 'LIMIT',
        price: mid - i * step,
        qty: 10 * i,
      });
      commands.push({
        type: 'placeOrder',
        ts,
        marketId,
        user: 1,
        side: 'SELL',
        orderType: 'LIMIT',
        price: mid + i * step,
        qty: 10 * i,
      });
    }
    commands.push({
      type: 'placeOrder',
      ts,
      marketId,
      user: 2,
      side: 'BUY',
      orderType: 'LIMIT',
      price: mid + 2 * step,
      qty: 25,
    });
  };
  ladder(1, 5_000_000, 500);
  ladder(2, 300_000, 100);
  const results = await Promise.all(commands.map((c) => client.submit(c)));
  const rejected = results.filter((r) => !r.ok);
  if (rejected.length > 0) throw new Error(`seed rejected: ${JSON.stringify(rejected[0])}`);
}

function printBook(m: DemoMarket, book: BookView): void {
  const price = (p: number) => fromSteps(p, m.tick, m.quoteScale).padStart(12);
  const qty = (q: number) => fromSteps(q, m.lot, m.baseScale).padStart(12);
  console.log(`\n${book.symbol}  last ${book.lastPrice === 0 ? '-' : price(book.lastPrice).trim()}`);
  for (const [p, q] of [...book.asks].reverse()) console.log(`  ask ${price(p)} ${qty(q)}`);
  console.log('  ---');
  for (const [p, q] of book.bids) console.log(`  bid ${price(p)} ${qty(q)}`);
}

const engine = await startEngine();
const client = await EngineClient.connect(socketPath);
const status = await client.query<{ commandSeq: number }>({ query: 'status' });
if (status.commandSeq === 0) {
  await seed(client);
  console.log('seeded demo: assets BTC, ETH, USDT; markets BTCUSDT, ETHUSDT; traders 1 and 2 funded');
}
for (const m of markets)
  printBook(m, await client.query<BookView>({ query: 'book', marketId: m.spec.id, depth: 10 }));
console.log(`\nengine running on ${socketPath} (data in ${dataDir}); Ctrl-C to stop`);
if (process.env.DEMO_EXIT === '1') {
  client.close();
  engine.stop();
} else {
  await once(process, 'SIGINT');
  client.close();
  engine.stop();
}
