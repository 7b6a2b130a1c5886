import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '@tradeloom/config';
import type { EngineGateway } from '@tradeloom/engine-app';
import { fromLots, fromQuoteUnits, fromTicks } from '@tradeloom/spot';
import type { Platform } from './compose-platform.js';
import { demoMarkets } from './demo-markets.js';
import { seedDemoEngine } from './seed-demo-engine.js';

/** One demo account as printed at start-up. */
export interface DemoAccount {
  role: 'super_admin' | 'trader';
  email: string;
  password: string;
  userId: string;
}

const DEMO_FILE = 'demo-credentials.json';

/**
 * On an empty database: an admin (super_admin) and two traders with random passwords (written to
 * DATA_DIR/demo-credentials.json, mode 0600, so every start can print them), the engine's demo
 * assets and markets, the traders funded and a ladder of orders. Returns the accounts, or null when
 * the database already had users and no demo file exists.
 */
export async function seedDemo(
  config: Config,
  platform: Platform,
  engine: EngineGateway,
  nowMs: number,
): Promise<DemoAccount[] | null> {
  const file = join(config.dataDir, DEMO_FILE);
  const { rows } = await platform.database.query('SELECT count(*)::int AS n FROM users');
  if (Number(rows[0]?.n ?? 0) > 0) {
    try {
      return JSON.parse(await readFile(file, 'utf8')) as DemoAccount[];
    } catch {
      return null;
    }
  }
  const password = () => `demo-${randomBytes(9).toString('base64url')}`;
  const accounts: DemoAccount[] = [];
  const specs: [DemoAccount['role'], string, string][] = [
    ['super_admin', 'admin@tradeloom.local', 'Demo Admin'],
    ['trader', 'trader1@tradeloom.local', 'Demo Trader One'],
    ['trader', 'trader2@tradeloom.local', 'Demo Trader Two'],
  ];
  for (const [role, email, displayName] of specs) {
    const secret = password();
    const user = await platform.identity.createUser(
      { email, password: secret, emailVerified: true, displayName },
      'system',
    );
    if (role === 'super_admin') await platform.access.assignRole(user.id, 'super_admin', 'system');
    accounts.push({ role, email, password: secret, userId: user.id });
  }
  await seedDemoWallet(platform);
  await seedDemoMarkets(platform);
  const traders: number[] = [];
  for (const account of accounts) {
    if (account.role === 'trader') traders.push(await platform.wallet.engineAccountOf(account.userId));
  }
  await seedDemoEngine(engine, traders, nowMs);
  await writeFile(file, `${JSON.stringify(accounts, null, 2)}\n`, { mode: 0o600 });
  return accounts;
}

/** The demo's currencies and networks in the wallet (the engine learns the assets from them). */
async function seedDemoWallet(platform: Platform): Promise<void> {
  const { assets } = platform.wallet;
  const currencies = [
    {
      code: 'BTC',
      name: 'Bitcoin',
      kind: 'crypto',
      precision: 8,
      networks: [['bitcoin', 'Bitcoin', '0.0002', '0.001', 2]],
    },
    {
      code: 'ETH',
      name: 'Ether',
      kind: 'crypto',
      precision: 8,
      networks: [['ethereum', 'Ethereum (ERC-20)', '0.002', '0.01', 12]],
    },
    {
      code: 'USDT',
      name: 'Tether USD',
      kind: 'crypto',
      precision: 6,
      networks: [
        ['ethereum', 'Ethereum (ERC-20)', '5', '20', 12],
        ['tron', 'Tron (TRC-20)', '1', '10', 20],
      ],
    },
    {
      code: 'USD',
      name: 'US Dollar',
      kind: 'fiat',
      precision: 2,
      networks: [['bank', 'Bank transfer', '1', '10', 0]],
    },
  ] as const;
  for (const [i, c] of currencies.entries()) {
    await assets.createAsset(
      { code: c.code, name: c.name, kind: c.kind, precision: c.precision, sortOrder: i },
      'system',
    );
    for (const [network, name, withdrawFee, withdrawMin, confirmations] of c.networks) {
      await assets.createNetwork(
        c.code,
        network,
        { name, withdrawFee, withdrawMin, confirmations },
        'system',
      );
    }
  }
}

/** The demo's spot markets, created through the spot module (ids 1 and 2, as demoMarkets has them). */
async function seedDemoMarkets(platform: Platform): Promise<void> {
  for (const m of demoMarkets) {
    const f = m.spec.filters;
    const price = (ticks: number) =>
      fromTicks(ticks, { tickSize: m.tick, lotSize: m.lot, quotePrecision: m.quoteScale });
    const qty = (lots: number) =>
      fromLots(lots, { tickSize: m.tick, lotSize: m.lot, quotePrecision: m.quoteScale });
    const created = await platform.spot.markets.createMarket(
      {
        base: m.spec.base,
        quote: m.spec.quote,
        tickSize: m.tick,
        lotSize: m.lot,
        minPrice: price(f.minPrice),
        maxPrice: price(f.maxPrice),
        minQty: qty(f.minQty),
        maxQty: qty(f.maxQty),
        minNotional: fromQuoteUnits(f.minNotional, {
          tickSize: m.tick,
          lotSize: m.lot,
          quotePrecision: m.quoteScale,
        }),
        priceBandBps: f.priceBandBps,
        maxNumOrders: f.maxNumOrders,
        maxNumStopOrders: f.maxNumStopOrders,
        makerFee: '0.001',
        takerFee: '0.001',
      },
      'system',
      { adoptExisting: true },
    );
    if (created.id !== m.spec.id)
      throw new Error(`demo market ${created.symbol} got id ${created.id}, expected ${m.spec.id}`);
  }
}
