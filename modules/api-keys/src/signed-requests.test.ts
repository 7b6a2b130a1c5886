// Proves Binance-style signed requests over real HTTP on both drivers: HMAC and Ed25519 keys sign GET
// query strings, POST form bodies, mixed and JSON bodies; the timestamp window (past, future,
// recvWindow up to 60,000 ms), replays, wrong or missing signatures, unknown, revoked and expired
// keys, IP allow-lists and missing scopes are each refused with their own code.
import { bothModes } from '@tradeloom/db/testing';
import { type ApiApp, newId, SettableClock } from '@tradeloom/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateApiKeyInput } from './api-key.js';
import { type ApiKeysTestbed, startTestbed } from './test-scaffolding.js';
import {
  generateEd25519KeyPair,
  type SignedRequest,
  type SignRequestInput,
  signPayload,
  signRequest,
} from './testing.js';

function mount(app: ApiApp): void {
  const echo = async (request: { principal: unknown; query: unknown; body: unknown }) => ({
    principal: request.principal,
    query: request.query,
    body: request.body ?? null,
  });
  app.get('/test/read', { config: { permission: 'authenticated', apiKeyScope: 'read' } }, echo);
  app.post('/test/trade', { config: { permission: 'authenticated', apiKeyScope: 'spot_trade' } }, echo);
  app.get('/test/no-scope', { config: { permission: 'authenticated' } }, echo);
  app.get('/test/read-too', { config: { permission: 'authenticated', apiKeyScope: 'read' } }, echo);
  app.get('/test/public', { config: { permission: 'public' } }, echo);
}

interface Credential {
  apiKey: string;
  secret?: string;
  privateKey?: SignRequestInput['privateKey'];
  id: string;
}

describe.each(bothModes)('signed requests on %s', (mode) => {
  const clock = new SettableClock(Date.now());
  const user = newId('usr');
  let bed: ApiKeysTestbed;
  let hmac: Credential;
  let ed25519: Credential;
  let readOnly: Credential;

  async function makeKey(input: Partial<CreateApiKeyInput> = {}): Promise<Credential> {
    const pair = input.type === 'ED25519' ? generateEd25519KeyPair() : null;
    const created = await bed.service.createKey(
      user,
      {
        label: 'test',
        type: 'HMAC',
        scopes: ['read', 'spot_trade'],
        ...input,
        ...(pair === null ? {} : { publicKey: pair.publicKeyPem }),
      },
      'cli:test',
    );
    return {
      apiKey: created.key.apiKey,
      id: created.key.id,
      ...(created.secret === null ? {} : { secret: created.secret }),
      ...(pair === null ? {} : { privateKey: pair.privateKey }),
    };
  }

  function sign(
    key: Credential,
    options: Omit<SignRequestInput, 'apiKey' | 'secret' | 'privateKey'> = {},
  ): SignedRequest {
    const { id: _id, ...credential } = key;
    return signRequest({ ...credential, timestamp: clock.nowMs(), ...options });
  }

  async function send(method: string, path: string, signed: SignedRequest) {
    const response = await fetch(signed.urlFor(`${bed.api.url}${path}`), {
      method,
      headers: signed.headers,
      ...(signed.body === undefined ? {} : { body: signed.body }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  const codeOf = async (method: string, path: string, signed: SignedRequest) =>
    (await send(method, path, signed)).body.code;

  beforeAll(async () => {
    bed = await startTestbed(mode, { clock, mount });
    hmac = await makeKey();
    ed25519 = await makeKey({ type: 'ED25519' });
    readOnly = await makeKey({ scopes: ['read'] });
  });
  afterAll(() => bed.stop());

  describe.each([
    ['HMAC', () => hmac],
    ['Ed25519', () => ed25519],
  ])('%s keys', (_type, key) => {
    it('sign a GET query string', async () => {
      const answer = await send(
        'GET',
        '/test/read',
        sign(key(), { params: { symbol: 'BTCUSDT', limit: 5 } }),
      );
      expect(answer.status).toBe(200);
      expect(answer.body.principal).toEqual({
        userId: user,
        method: 'apiKey',
        apiKeyId: key().id,
        scopes: ['read', 'spot_trade'],
        permissions: {},
      });
      expect(answer.body.query).toMatchObject({ symbol: 'BTCUSDT', limit: '5' });
    });

    it('sign a POST form body', async () => {
      const signed = sign(key(), {
        body: { symbol: 'BTCUSDT', side: 'BUY', quantity: '0.5', note: 'a b&c' },
      });
      const answer = await send('POST', '/test/trade', signed);
      expect(answer.status).toBe(200);
      expect(answer.body.body).toMatchObject({
        symbol: 'BTCUSDT',
        side: 'BUY',
        quantity: '0.5',
        note: 'a b&c',
      });
    });

    it('sign a query string and a form body together (totalParams)', async () => {
      const signed = sign(key(), {
        params: { symbol: 'ETHUSDT', side: 'SELL' },
        body: { quantity: 2, price: '3000.5' },
      });
      const answer = await send('POST', '/test/trade', signed);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ query: { symbol: 'ETHUSDT' }, body: { price: '3000.5' } });
    });
  });

  it('a JSON body is signed as sent, with the parameters in the query string', async () => {
    const body = '{"symbol":"BTCUSDT", "quantity":"1"}';
    const query = `timestamp=${clock.nowMs()}`;
    const mac = signPayload({ secret: hmac.secret ?? '' }, query + body);
    const post = (sent: string) =>
      fetch(`${bed.api.url}/test/trade?${query}&signature=${mac}`, {
        method: 'POST',
        headers: { 'X-MBX-APIKEY': hmac.apiKey, 'content-type': 'application/json' },
        body: sent,
      });
    const tampered = await post(body.replace('"1"', '"9"'));
    expect(((await tampered.json()) as { code: string }).code).toBe('API_KEY_SIGNATURE_INVALID');
    const answer = await post(body);
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { body: unknown }).body).toEqual({ symbol: 'BTCUSDT', quantity: '1' });
  });

  it('the module whoami answers a signed request', async () => {
    const answer = await send('GET', '/api/v1/account/api-keys/whoami', sign(hmac));
    expect(answer).toEqual({
      status: 200,
      body: { userId: user, method: 'apiKey', apiKeyId: hmac.id, scopes: ['read', 'spot_trade'] },
    });
  });

  it('HMAC signatures are case-insensitive', async () => {
    const signed = sign(hmac, { params: { n: 'upper' } });
    const upper = signed.queryString.replace(signed.signature, signed.signature.toUpperCase());
    const response = await fetch(`${bed.api.url}/test/read?${upper}`, { headers: signed.headers });
    expect(response.status).toBe(200);
  });

  it('refuses a timestamp older than recvWindow (default 5000 ms), accepts one at the edge', async () => {
    const now = clock.nowMs();
    expect((await send('GET', '/test/read', sign(hmac, { timestamp: now - 5000 }))).status).toBe(200);
    const late = await send('GET', '/test/read', sign(hmac, { timestamp: now - 5001 }));
    expect(late.status).toBe(401);
    expect(late.body).toMatchObject({
      code: 'API_KEY_TIMESTAMP_OUTSIDE_WINDOW',
      details: { serverTime: now, recvWindow: 5000 },
    });
    expect(await codeOf('GET', '/test/read', sign(hmac, { timestamp: now - 2000, recvWindow: 1000 }))).toBe(
      'API_KEY_TIMESTAMP_OUTSIDE_WINDOW',
    );
  });

  it('refuses a timestamp 1000 ms or more ahead of the server, accepts 999 ms', async () => {
    const now = clock.nowMs();
    expect((await send('GET', '/test/read', sign(hmac, { timestamp: now + 999 }))).status).toBe(200);
    expect(await codeOf('GET', '/test/read', sign(hmac, { timestamp: now + 1000 }))).toBe(
      'API_KEY_TIMESTAMP_OUTSIDE_WINDOW',
    );
  });

  it('accepts recvWindow up to 60000 and refuses more', async () => {
    const now = clock.nowMs();
    const wide = await send('GET', '/test/read', sign(hmac, { timestamp: now - 59_000, recvWindow: 60_000 }));
    expect(wide.status).toBe(200);
    const tooWide = await send('GET', '/test/read', sign(hmac, { recvWindow: 60_001 }));
    expect(tooWide.status).toBe(400);
    expect(tooWide.body.code).toBe('API_KEY_RECV_WINDOW_INVALID');
  });

  it('refuses a replay within the window, even re-spelled, and an old one as out of window', async () => {
    const signed = sign(hmac, { params: { symbol: 'BTCUSDT' }, recvWindow: 3000 });
    expect((await send('GET', '/test/read', signed)).status).toBe(200);
    const replay = await send('GET', '/test/read', signed);
    expect(replay).toEqual({
      status: 401,
      body: {
        code: 'API_KEY_REPLAYED',
        message: 'This signed request was already received: sign each request anew',
      },
    });
    const upper = signed.queryString.replace(signed.signature, signed.signature.toUpperCase());
    const respelled = await fetch(`${bed.api.url}/test/read?${upper}`, { headers: signed.headers });
    expect(((await respelled.json()) as { code: string }).code).toBe('API_KEY_REPLAYED');

    const ed = sign(ed25519, { body: { symbol: 'BTCUSDT' } });
    expect((await send('POST', '/test/trade', ed)).status).toBe(200);
    expect(await codeOf('POST', '/test/trade', ed)).toBe('API_KEY_REPLAYED');

    clock.advance(3001);
    expect(await codeOf('GET', '/test/read', signed)).toBe('API_KEY_TIMESTAMP_OUTSIDE_WINDOW');
  });

  it('accepts the same parameters signed in the same millisecond for two different endpoints', async () => {
    // A Binance signature covers the parameters only: clients fetching two endpoints at once with
    // just a timestamp produce the same signature, which is no replay.
    const signed = sign(hmac, { recvWindow: 3000 });
    expect((await send('GET', '/test/read', signed)).status).toBe(200);
    expect((await send('GET', '/test/read-too', signed)).status).toBe(200);
    expect(await codeOf('GET', '/test/read-too', signed)).toBe('API_KEY_REPLAYED');
  });

  it('refuses wrong, tampered and missing signatures', async () => {
    const other = await makeKey();
    const wrong = sign({ ...hmac, secret: other.secret ?? '' });
    expect(await send('GET', '/test/read', wrong)).toEqual({
      status: 401,
      body: { code: 'API_KEY_SIGNATURE_INVALID', message: 'The signature does not match the request' },
    });
    const signed = sign(hmac, { body: { quantity: '1' } });
    const tampered = { ...signed, body: signed.body?.replace('quantity=1', 'quantity=9') };
    expect(await codeOf('POST', '/test/trade', tampered)).toBe('API_KEY_SIGNATURE_INVALID');
    const edWithHmacSignature = { ...sign(hmac), headers: { 'X-MBX-APIKEY': ed25519.apiKey } };
    expect(await codeOf('GET', '/test/read', edWithHmacSignature)).toBe('API_KEY_SIGNATURE_INVALID');
    const unsigned = await fetch(`${bed.api.url}/test/read?timestamp=${clock.nowMs()}`, {
      headers: { 'X-MBX-APIKEY': hmac.apiKey },
    });
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as { code: string }).code).toBe('API_KEY_SIGNATURE_MISSING');
  });

  it('refuses unknown and malformed keys', async () => {
    const unknown = sign({ ...hmac, apiKey: 'x'.repeat(64) });
    expect(await send('GET', '/test/read', unknown)).toEqual({
      status: 401,
      body: { code: 'API_KEY_INVALID', message: 'Invalid API key (X-MBX-APIKEY)' },
    });
    expect(await codeOf('GET', '/test/read', sign({ ...hmac, apiKey: 'short' }))).toBe('API_KEY_INVALID');
  });

  it('refuses a revoked key', async () => {
    const key = await makeKey();
    expect((await send('GET', '/test/read', sign(key))).status).toBe(200);
    await bed.service.revokeKey(user, key.id, user);
    expect(await codeOf('GET', '/test/read', sign(key, { params: { again: 1 } }))).toBe('API_KEY_REVOKED');
  });

  it('refuses an expired key', async () => {
    const key = await makeKey({ expiresAt: new Date(clock.nowMs() + 60_000) });
    expect((await send('GET', '/test/read', sign(key))).status).toBe(200);
    clock.advance(60_000);
    const expired = await send('GET', '/test/read', sign(key));
    expect(expired).toEqual({
      status: 401,
      body: { code: 'API_KEY_EXPIRED', message: 'This API key has expired' },
    });
  });

  it('refuses a client IP outside the allow-list (the client is 127.0.0.1)', async () => {
    const elsewhere = await makeKey({ ipAllowList: ['10.0.0.0/8', '2001:db8::/32'] });
    const denied = await send('GET', '/test/read', sign(elsewhere));
    expect(denied).toEqual({
      status: 403,
      body: {
        code: 'API_KEY_IP_NOT_ALLOWED',
        message: "This IP address is not in the API key's allow-list",
        details: { ip: '127.0.0.1' },
      },
    });
    const here = await makeKey({ ipAllowList: ['::1', '127.0.0.0/8'], scopes: ['read', 'withdraw'] });
    expect((await send('GET', '/test/read', sign(here))).status).toBe(200);
    const exact = await makeKey({ ipAllowList: ['127.0.0.1'] });
    expect((await send('GET', '/test/read', sign(exact))).status).toBe(200);
  });

  it('the pipeline refuses a key without the route scope, and routes that take no key', async () => {
    const trade = await send('POST', '/test/trade', sign(readOnly, { body: { quantity: '1' } }));
    expect(trade).toEqual({
      status: 403,
      body: {
        code: 'API_KEY_SCOPE_MISSING',
        message: "The API key lacks the 'spot_trade' scope",
        details: { scope: 'spot_trade' },
      },
    });
    expect(await codeOf('GET', '/test/no-scope', sign(hmac))).toBe('API_KEY_SCOPE_MISSING');
  });

  it('public routes ignore X-MBX-APIKEY (clients send it everywhere)', async () => {
    const response = await fetch(`${bed.api.url}/test/public`, { headers: { 'X-MBX-APIKEY': hmac.apiKey } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { principal: unknown }).principal).toBeNull();
  });

  it('a signed body the server cannot read as sent is refused', async () => {
    const signed = sign(hmac, { body: { quantity: '1' } });
    const response = await fetch(signed.urlFor(`${bed.api.url}/test/trade`), {
      method: 'POST',
      headers: { ...signed.headers, 'content-type': 'text/plain' },
      body: signed.body ?? '',
    });
    // Fastify reads text/plain itself, not as sent: the authenticator cannot verify it and refuses.
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      code: 'API_KEY_SIGNATURE_INVALID',
      message: 'The body of a signed request must be application/x-www-form-urlencoded or application/json',
    });
  });
});
