// The assembled platform with the Binance-compatible API, two markets (BTCUSDT, ETHUSDT), funded
// users and their API keys, for the /api/v3 tests. Until the platform lists the binance module among
// its modules, the module is mounted here on a second HTTP server over the same platform (same
// services, database and engine); once it is wired, the platform's own server is used.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, listRoutes } from '@tradeloom/api';
import { signRequest } from '@tradeloom/api-keys/testing';
import { createBinanceModule } from '@tradeloom/binance';
import { loadConfig } from '@tradeloom/config';
import { type DatabaseKind, migrate } from '@tradeloom/db';
import type { SignedInUser } from '@tradeloom/identity/testing';
import { expect } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

export interface ApiKeyPair {
  apiKey: string;
  secret: string;
}

export interface BinanceTestPlatform {
  tp: TestPlatform;
  /** http://127.0.0.1:<port> serving /api/v3. */
  url: string;
  admin: SignedInUser;
  /** Credits the user's SPOT wallet (units of the asset). */
  fund(userId: string, asset: string, units: number): Promise<void>;
  /** A new user with an HMAC key (read + spot_trade unless told). */
  trader(scopes?: string[]): Promise<{ userId: string; key: ApiKeyPair }>;
  /** An unsigned request; `params` go in the query string. */
  call(
    method: string,
    path: string,
    params?: Record<string, string | number>,
    headers?: Record<string, string>,
  ): Promise<Answer>;
  /** A signed request: GET/DELETE parameters in the query string, POST/PUT in a form body. */
  signed(
    method: string,
    path: string,
    key: ApiKeyPair,
    params?: Record<string, string | number>,
  ): Promise<Answer>;
  stop(): Promise<void>;
}

export interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: Binance's JSON, checked by each test's schemas
  body: any;
}

async function answerOf(response: Response): Promise<Answer> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? null : JSON.parse(text) };
}

export async function startBinancePlatform(mode: DatabaseKind): Promise<BinanceTestPlatform> {
  const tp = await startTestPlatform(mode);
  const cleanups: (() => Promise<void>)[] = [() => tp.stop()];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const platform = tp.running.platform;
    let url = tp.url;
    if (!listRoutes(tp.running.app).some((route) => route.url === '/api/v3/ping')) {
      const { module } = createBinanceModule({
        database: platform.database,
        spot: platform.spot,
        wallet: platform.wallet,
        engine: platform.engine,
        rateLimiter: null,
        clock: tp.clock,
      });
      await migrate(platform.database, {
        sources: [...platform.migrationSources, { module: 'binance', dir: module.migrationsDir ?? '' }],
      });
      const dir = await mkdtemp(join(tmpdir(), 'tl-binance-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const app = await buildApp({
        config: loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'warn', PORT: '0', HOST: '127.0.0.1' }),
        database: platform.database,
        engine: null,
        modules: [...platform.modules, module],
        resolvePermissions: platform.resolvePermissions,
        rateLimiter: null,
      });
      cleanups.push(() => app.close());
      url = await app.listen({ port: 0, host: '127.0.0.1' });
    }

    const admin = await tp.admin();
    for (const [code, precision] of [
      ['BTC', 8],
      ['ETH', 8],
      ['USDT', 6],
    ] as const) {
      const asset = await admin.browser.json('POST', '/api/v1/admin/wallet/assets', {
        code,
        name: code,
        kind: 'crypto',
        precision,
      });
      expect(asset.status).toBe(201);
      const network = await admin.browser.json('POST', `/api/v1/admin/wallet/assets/${code}/networks`, {
        network: 'testnet',
      });
      expect(network.status).toBe(201);
    }
    for (const [base, tickSize, lotSize] of [
      ['BTC', '0.01', '0.0001'],
      ['ETH', '0.01', '0.001'],
    ] as const) {
      const market = await admin.browser.json('POST', '/api/v1/admin/spot/markets', {
        base,
        quote: 'USDT',
        tickSize,
        lotSize,
        minPrice: '0.01',
        maxPrice: '1000000',
        minQty: lotSize,
        maxQty: '100',
        minNotional: '5',
        makerFee: '0.001',
        takerFee: '0.002',
      });
      expect(market.status, JSON.stringify(market.body)).toBe(201);
    }

    let funded = 0;
    const fund: BinanceTestPlatform['fund'] = async (userId, asset, units) => {
      const accountNo = await platform.wallet.engineAccountOf(userId);
      const result = await tp.running.engine.submit({
        type: 'transfer',
        ts: tp.clock.nowMs(),
        key: `fund-${userId}-${asset}-${funded++}`,
        kind: 'deposit',
        asset,
        from: { system: 'external:testnet' },
        to: { user: accountNo, wallet: 'SPOT' },
        amount: units,
      });
      expect(result.ok).toBe(true);
    };

    const call: BinanceTestPlatform['call'] = async (method, path, params = {}, headers = {}) => {
      const query = new URLSearchParams(
        Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]),
      ).toString();
      return answerOf(await fetch(`${url}${path}${query === '' ? '' : `?${query}`}`, { method, headers }));
    };

    const signed: BinanceTestPlatform['signed'] = async (method, path, key, params = {}) => {
      const inBody = method === 'POST' || method === 'PUT';
      // A still clock would sign two equal requests alike, and the second would count as a replay.
      tp.clock.advance(1);
      const request = signRequest({
        apiKey: key.apiKey,
        secret: key.secret,
        timestamp: tp.clock.nowMs(),
        ...(inBody ? { body: params } : { params }),
      });
      return answerOf(
        await fetch(request.urlFor(`${url}${path}`), {
          method,
          headers: request.headers,
          ...(request.body === undefined ? {} : { body: request.body }),
        }),
      );
    };

    return {
      tp,
      url,
      admin,
      fund,
      trader: async (scopes = ['read', 'spot_trade']) => {
        const user = await tp.user({ totp: false });
        const created = await platform.apiKeys.createKey(
          user.userId,
          { label: 'binance test', type: 'HMAC', scopes },
          'system',
        );
        return { userId: user.userId, key: { apiKey: created.key.apiKey, secret: created.secret ?? '' } };
      },
      call,
      signed,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
