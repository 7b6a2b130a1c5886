// Proves what signed requests rely on: authenticators run after the body is parsed and see it as
// sent (request.rawBody, JSON and form bodies), JSON keeps Fastify's parser (bad JSON and prototype
// poisoning refused), and the per-IP rate limit still refuses before any body is read.
import { bothModes } from '@tradeloom/db/testing';
import type { ApiApp, Authenticator } from '@tradeloom/kernel';
import { createRateLimiter } from '@tradeloom/rate-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedApi, startApi } from './testing/start-api.js';

const seenAtAuthentication: { rawBody: string | null; body: unknown }[] = [];

// Records what an authenticator sees, and signs the caller in so the private route answers.
const recordingAuthenticator: Authenticator = async (request) => {
  if (request.headers['x-test-user'] === undefined) return null;
  seenAtAuthentication.push({ rawBody: request.rawBody, body: request.body });
  return { userId: 'usr_test', method: 'apiKey', apiKeyId: 'key_test', scopes: ['read'] };
};

function mount(app: ApiApp): void {
  app.post(
    '/test/body',
    { config: { permission: 'authenticated', apiKeyScope: 'read' } },
    async (request) => ({
      body: request.body,
      rawBody: request.rawBody,
    }),
  );
  app.get('/test/public', { config: { permission: 'public' } }, async (request) => ({
    rawBody: request.rawBody,
  }));
}

function post(url: string, contentType: string, body: string): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': contentType, 'x-test-user': '1' }, body });
}

describe.each(bothModes)('raw bodies and the access pipeline on %s', (mode) => {
  let api: StartedApi;
  beforeAll(async () => {
    api = await startApi(mode, {
      engine: null,
      mount,
      modules: [{ name: 'test-auth', authenticators: [recordingAuthenticator] }],
    });
  });
  afterAll(() => api.stop());

  it('an authenticator sees a JSON body parsed and byte for byte as sent', async () => {
    seenAtAuthentication.length = 0;
    const sent = '{ "symbol" : "BTCUSDT",  "qty":"1.50" }';
    const response = await post(`${api.url}/test/body`, 'application/json; charset=utf-8', sent);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ body: { symbol: 'BTCUSDT', qty: '1.50' }, rawBody: sent });
    expect(seenAtAuthentication).toEqual([{ rawBody: sent, body: { symbol: 'BTCUSDT', qty: '1.50' } }]);
  });

  it('form bodies are parsed into strings and kept as sent', async () => {
    seenAtAuthentication.length = 0;
    const sent = 'symbol=LTCBTC&side=BUY&price=0.1&note=a%20b+c&timestamp=1499827319559';
    const response = await post(`${api.url}/test/body`, 'application/x-www-form-urlencoded', sent);
    expect(response.status).toBe(200);
    const body = { symbol: 'LTCBTC', side: 'BUY', price: '0.1', note: 'a b c', timestamp: '1499827319559' };
    expect(await response.json()).toEqual({ body, rawBody: sent });
    expect(seenAtAuthentication).toEqual([{ rawBody: sent, body }]);
  });

  it('a request without a body has rawBody null', async () => {
    const response = await fetch(`${api.url}/test/public`);
    expect(await response.json()).toEqual({ rawBody: null });
  });

  it('bad JSON and prototype poisoning are still refused by the parser', async () => {
    const bad = await post(`${api.url}/test/body`, 'application/json', '{"a":');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'INVALID_JSON' });
    const poisoned = await post(`${api.url}/test/body`, 'application/json', '{"__proto__":{"admin":true}}');
    expect(poisoned.status).toBe(400);
  });

  it('the per-IP limit refuses before the body is read', async () => {
    const limiter = createRateLimiter({ redisUrl: null, keyPrefix: 'raw-body-test' });
    const limited = await startApi(mode, {
      engine: null,
      test: api.test,
      mount,
      rateLimiter: limiter,
      env: { RATE_LIMIT_IP_PER_MINUTE: '1' },
      modules: [{ name: 'test-auth', authenticators: [recordingAuthenticator] }],
    });
    try {
      expect((await post(`${limited.url}/test/body`, 'application/json', '{}')).status).toBe(200);
      seenAtAuthentication.length = 0;
      // Malformed JSON would answer 400 if the body were parsed first.
      const refused = await post(`${limited.url}/test/body`, 'application/json', '{"a":');
      expect(refused.status).toBe(429);
      expect(seenAtAuthentication).toEqual([]);
    } finally {
      await limited.stop();
      await limiter.close();
    }
  });
});
