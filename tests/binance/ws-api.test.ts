// Binance's WebSocket API (/ws-api/v3) on the assembled platform, both modes: session.logon with an
// Ed25519 key (HMAC refused), then order.place / order.status / order.cancel on the session and
// userDataStream.subscribe delivering the order's events on the same connection; per-request
// signatures (HMAC, Binance's sorted payload) and userDataStream.subscribe.signature; bad
// signatures and missing parameters answered with Binance's codes; no other user's events.
import type { KeyObject } from 'node:crypto';
import { generateEd25519KeyPair, signPayload } from '@tradeloom/api-keys/testing';
import { bothModes } from '@tradeloom/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamClient, wsUrl } from '../market-stream/stream-client.js';
import { type ApiKeyPair, type BinanceTestPlatform, startBinancePlatform } from './binance-test-platform.js';

// biome-ignore lint/suspicious/noExplicitAny: Binance's JSON, checked field by field
type Json = Record<string, any>;

/** A WebSocket API connection: requests by id, everything received kept in order. */
class WsApi {
  private nextId = 1;
  private constructor(readonly stream: StreamClient) {}

  static async open(url: string): Promise<WsApi> {
    return new WsApi(await StreamClient.open(wsUrl(url, '/ws-api/v3')));
  }

  async request(method: string, params?: Record<string, unknown>): Promise<Json> {
    const id = `req-${this.nextId++}`;
    this.stream.send(params === undefined ? { id, method } : { id, method, params });
    return this.stream.next<Json>((m) => (m as Json).id === id);
  }

  events(): Json[] {
    return (this.stream.messages as Json[]).filter((m) => m.event !== undefined);
  }

  waitForEvent(test: (m: Json) => boolean, what: string): Promise<Json> {
    return this.stream
      .next<Json>((m) => (m as Json).event !== undefined && test(m as Json), 0, 10_000)
      .catch(() => {
        throw new Error(`timed out waiting for ${what}`);
      });
  }

  close(): void {
    this.stream.close();
  }
}

describe.each(bothModes)('Binance WebSocket API on %s', (mode) => {
  let b: BinanceTestPlatform;
  let carol: { userId: string; apiKey: string; privateKey: KeyObject; hmac: ApiKeyPair };
  let dave: { userId: string; key: ApiKeyPair };
  let ws: WsApi;
  let other: WsApi;

  /** Signed params as Binance's clients build them: sorted payload, signature added last. */
  const sign = (
    params: Record<string, string | number>,
    key: { apiKey: string; secret?: string; privateKey?: KeyObject },
  ) => {
    b.tp.clock.advance(1);
    const all: Record<string, string | number> = {
      ...params,
      apiKey: key.apiKey,
      timestamp: b.tp.clock.nowMs(),
    };
    const payload = Object.keys(all)
      .sort()
      .map((name) => `${name}=${all[name]}`)
      .join('&');
    const signature = signPayload(
      key.secret === undefined ? { privateKey: key.privateKey as KeyObject } : { secret: key.secret },
      payload,
    );
    return { ...all, signature };
  };

  beforeAll(async () => {
    b = await startBinancePlatform(mode);
    const user = await b.trader();
    const pair = generateEd25519KeyPair();
    const created = await b.tp.running.platform.apiKeys.createKey(
      user.userId,
      { label: 'ws-api', type: 'ED25519', scopes: ['read', 'spot_trade'], publicKey: pair.publicKeyPem },
      'system',
    );
    carol = { userId: user.userId, apiKey: created.key.apiKey, privateKey: pair.privateKey, hmac: user.key };
    dave = await b.trader();
    await b.fund(carol.userId, 'USDT', 10_000 * 10 ** 6);
    await b.fund(dave.userId, 'BTC', 10 ** 8);
    ws = await WsApi.open(b.url);
    other = await WsApi.open(b.url);
  }, 90_000);

  afterAll(async () => {
    ws?.close();
    other?.close();
    await b?.stop();
  });

  it('answers public methods with rateLimits', async () => {
    const ping = await ws.request('ping');
    expect(ping).toEqual({
      id: ping.id,
      status: 200,
      result: {},
      rateLimits: [
        {
          rateLimitType: 'REQUEST_WEIGHT',
          interval: 'MINUTE',
          intervalNum: 1,
          limit: 6000,
          count: expect.any(Number),
        },
      ],
    });
    const time = await ws.request('time');
    expect(time.result.serverTime).toBe(b.tp.clock.nowMs());
    const info = await ws.request('exchangeInfo', { symbol: 'BTCUSDT' });
    expect(info.result.symbols.map((s: Json) => s.symbol)).toEqual(['BTCUSDT']);
    const unknown = await ws.request('no.such.method');
    expect(unknown).toMatchObject({ status: 400, error: { code: -1020 } });
  });

  it('refuses unauthenticated and badly signed requests with Binance codes', async () => {
    const status = await ws.request('session.status');
    expect(status.result).toMatchObject({ apiKey: null, authorizedSince: null, userDataStream: false });
    expect((await ws.request('userDataStream.subscribe')).error.code).toBe(-1002);
    expect((await ws.request('order.status', { symbol: 'BTCUSDT', orderId: 1 })).error.code).toBe(-1102);
    // HMAC keys sign requests but do not open sessions (as on Binance).
    const hmac = await ws.request('session.logon', sign({}, carol.hmac));
    expect(hmac).toMatchObject({ status: 400, error: { code: -4056 } });
    // Signed by another key than the one named.
    const wrong = generateEd25519KeyPair();
    const forged = await ws.request(
      'session.logon',
      sign({}, { apiKey: carol.apiKey, privateKey: wrong.privateKey }),
    );
    expect(forged).toMatchObject({ status: 400, error: { code: -1022 } });
    const noTimestamp = await ws.request('session.logon', { apiKey: carol.apiKey, signature: 'x' });
    expect(noTimestamp.error).toEqual({
      code: -1102,
      msg: "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.",
    });
    const badWindow = await ws.request('session.logon', {
      ...sign({}, { apiKey: carol.apiKey, privateKey: carol.privateKey }),
      recvWindow: 70000,
    });
    expect(badWindow.error.code).toBe(-1131);
    const unknownKey = await ws.request('account.status', sign({}, { apiKey: 'A'.repeat(64), secret: 'x' }));
    expect(unknownKey).toMatchObject({ status: 401, error: { code: -2015 } });
    expect((await ws.request('session.status')).result.apiKey).toBeNull();
  });

  it('logs on with Ed25519, trades on the session and streams the user data on the same connection', async () => {
    const logon = await ws.request(
      'session.logon',
      sign({}, { apiKey: carol.apiKey, privateKey: carol.privateKey }),
    );
    expect(logon.status, JSON.stringify(logon)).toBe(200);
    expect(logon.result).toMatchObject({
      apiKey: carol.apiKey,
      authorizedSince: expect.any(Number),
      connectedSince: expect.any(Number),
      returnRateLimits: true,
      serverTime: expect.any(Number),
      userDataStream: false,
    });
    const sub = await ws.request('userDataStream.subscribe');
    expect(sub.result).toEqual({ subscriptionId: 0 });
    expect((await ws.request('userDataStream.subscribe')).error.code).toBe(-2035);
    expect((await ws.request('session.status')).result.userDataStream).toBe(true);
    // Dave's events on another connection, by signature only.
    const daveSub = await other.request('userDataStream.subscribe.signature', sign({}, dave.key));
    expect(daveSub.result, JSON.stringify(daveSub)).toEqual({ subscriptionId: 0 });

    const missing = await ws.request('order.place', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.01',
    });
    expect(missing.error).toEqual({
      code: -1102,
      msg: "Mandatory parameter 'price' was not sent, was empty/null, or malformed.",
    });
    expect(
      (await ws.request('order.place', { symbol: 'NOPE', side: 'BUY', type: 'MARKET', quantity: '1' })).error
        .code,
    ).toBe(-1121);

    const placed = await ws.request('order.place', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.01',
      price: '20000',
      newClientOrderId: 'carol-1',
    });
    expect(placed.status, JSON.stringify(placed)).toBe(200);
    expect(placed.result).toMatchObject({
      symbol: 'BTCUSDT',
      clientOrderId: 'carol-1',
      status: 'NEW',
      fills: [],
    });
    const orderId = placed.result.orderId as number;

    const taken = await b.signed('POST', '/api/v3/order', dave.key, {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'MARKET',
      quantity: '0.004',
    });
    expect(taken.status).toBe(200);
    await ws.waitForEvent((m) => m.event.e === 'executionReport' && m.event.x === 'TRADE', 'TRADE');

    // order.status reads the read model, as GET /api/v3/order does: another user's fill shows once projected.
    await b.tp.projected();
    const status = await ws.request('order.status', { symbol: 'BTCUSDT', orderId });
    expect(status.result).toMatchObject({ orderId, status: 'PARTIALLY_FILLED', executedQty: '0.00400000' });
    const cancel = await ws.request('order.cancel', { symbol: 'BTCUSDT', orderId });
    expect(cancel.result).toMatchObject({ orderId, status: 'CANCELED', executedQty: '0.00400000' });
    expect((await ws.request('order.cancel', { symbol: 'BTCUSDT', orderId: 999_999 })).error.code).toBe(
      -2011,
    );
    expect((await ws.request('order.status', { symbol: 'BTCUSDT', orderId: 999_999 })).error.code).toBe(
      -2013,
    );

    await ws.waitForEvent((m) => m.event.e === 'executionReport' && m.event.x === 'CANCELED', 'CANCELED');
    const reports = ws.events().filter((m) => m.event.e === 'executionReport');
    expect(reports.every((m) => m.subscriptionId === 0 && m.event.i === orderId)).toBe(true);
    expect(reports.map((m) => [m.event.x, m.event.X, m.event.z])).toEqual([
      ['NEW', 'NEW', '0.00000000'],
      ['TRADE', 'PARTIALLY_FILLED', '0.00400000'],
      ['CANCELED', 'CANCELED', '0.00400000'],
    ]);
    expect(ws.events().some((m) => m.event.e === 'outboundAccountPosition')).toBe(true);

    const account = await ws.request('account.status', { omitZeroBalances: true });
    expect(account.result.balances).toEqual(
      expect.arrayContaining([{ asset: 'BTC', free: '0.00400000', locked: '0.00000000' }]),
    );

    // Dave's connection saw his sale and nothing of Carol's.
    const daveReports = await other.waitForEvent(
      (m) => m.event.e === 'executionReport' && m.event.x === 'TRADE',
      "dave's TRADE",
    );
    expect(daveReports.event).toMatchObject({ i: taken.body.orderId, S: 'SELL', X: 'FILLED' });
    expect(other.events().every((m) => m.event.i === undefined || m.event.i === taken.body.orderId)).toBe(
      true,
    );
  });

  it('signs requests one by one with HMAC, unsubscribes and logs out', async () => {
    const signed = await other.request('account.status', sign({ omitZeroBalances: 'true' }, dave.key));
    expect(signed.status, JSON.stringify(signed)).toBe(200);
    expect(signed.result.balances.map((x: Json) => x.asset).sort()).toEqual(['BTC', 'USDT']);
    const tampered = sign({ omitZeroBalances: 'true' }, dave.key);
    const bad = await other.request('account.status', { ...tampered, omitZeroBalances: 'false' });
    expect(bad).toMatchObject({ status: 400, error: { code: -1022 } });
    expect((await other.request('userDataStream.unsubscribe', { subscriptionId: 0 })).result).toEqual({});
    expect((await other.request('session.subscriptions')).result).toEqual([]);

    const out = await ws.request('session.logout');
    expect(out.result).toMatchObject({ apiKey: null, authorizedSince: null, userDataStream: false });
    expect((await ws.request('order.status', { symbol: 'BTCUSDT', orderId: 1 })).error.code).toBe(-1102);
  });
});
