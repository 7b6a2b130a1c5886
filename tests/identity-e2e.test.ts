// The journey of issue 3 end to end, on the platform as `npm start` assembles it (both modes, real
// HTTP, real SMTP): register → verification mail → verify → enable TOTP → log in with TOTP →
// create an API key (2FA) → a Binance-style signed request answered as that key.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningPlatform, startPlatform } from '@tradeloom/api';
import { signRequest } from '@tradeloom/api-keys/testing';
import { loadConfig } from '@tradeloom/config';
import { bothModes, createTestDatabase, type TestDatabase } from '@tradeloom/db/testing';
import { TestBrowser, TotpDevice } from '@tradeloom/identity/testing';
import { startSmtpSink } from '@tradeloom/mail/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteRedisKeys } from './support/delete-redis-keys.js';

describe.each(bothModes)('register to signed request on %s', (mode) => {
  let dir: string;
  let test: TestDatabase | null = null;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let running: RunningPlatform;
  let url: string;
  const logLines: string[] = [];
  const redisKeyPrefix = `tltest-e2e-${mode}-${process.pid}-${Date.now()}`;
  let stopEngine: () => Promise<void> = async () => {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tl-e2e-'));
    smtp = await startSmtpSink();
    const env: Record<string, string> = {
      DATA_DIR: dir,
      PORT: '0',
      HOST: '127.0.0.1',
      SMTP_URL: smtp.url,
      LOG_LEVEL: 'info',
    };
    if (mode === 'postgres') {
      test = await createTestDatabase('postgres');
      Object.assign(env, {
        DATABASE_URL: test.url ?? '',
        REDIS_URL: 'redis://127.0.0.1:6379',
        MASTER_KEY: 'a1'.repeat(32),
      });
    }
    const config = loadConfig(env);
    if (config.mode === 'server') {
      // Server mode reaches the engine over its socket: run one for the test.
      const { EngineHost, serveEngine } = await import('@tradeloom/engine-app');
      const host = await EngineHost.open({ dataDir: join(dir, 'engine'), fsync: false });
      const server = await serveEngine(host, String(config.engineAddress));
      stopEngine = async () => {
        server.close();
        await host.close();
      };
    }
    running = await startPlatform({
      config,
      runWorkers: true,
      redisKeyPrefix,
      logDestination: { write: (line: string) => void logLines.push(line) },
    });
    // The publicUrl links point at PORT's default; requests go to the bound port.
    url = running.address;
  });
  afterAll(async () => {
    await running?.stop();
    await stopEngine();
    await smtp?.close();
    await test?.drop();
    if (mode === 'postgres') await deleteRedisKeys(redisKeyPrefix);
    await rm(dir, { recursive: true, force: true });
  });

  it('walks the whole journey', async () => {
    const email = `e2e-${mode}@example.com`;
    const password = 'correct horse battery staple 9';
    const browser = new TestBrowser(url);

    const registered = await browser.json('POST', '/api/v1/auth/register', { email, password });
    expect(registered.status).toBe(202);

    const mail = await smtp.waitFor((m) => m.subject?.toLowerCase().includes('confirm') === true, 20_000);
    const link = /https?:\/\/\S*token=([\w-]+)/.exec(mail.text ?? '');
    expect(link).not.toBeNull();
    const verified = await browser.json('POST', '/api/v1/auth/verify-email', { token: link?.[1] });
    expect(verified.status).toBe(200);

    const login = await browser.json('POST', '/api/v1/auth/login', { email, password });
    expect(login.status).toBe(200);
    const enrol = await browser.json<{ secret: string }>('POST', '/api/v1/account/two-factor/totp/enrol', {
      currentPassword: password,
    });
    expect(enrol.status).toBe(200);
    const device = new TotpDevice(enrol.body.secret);
    const confirm = await browser.json<{ recoveryCodes: string[] }>(
      'POST',
      '/api/v1/account/two-factor/totp/confirm',
      { code: await device.nextCode() },
    );
    expect(confirm.status).toBe(200);
    expect(confirm.body.recoveryCodes).toHaveLength(10);
    expect((await browser.json('POST', '/api/v1/auth/logout', {})).status).toBeLessThan(300);

    // A fresh browser: the password alone is not enough any more.
    const phone = new TestBrowser(url);
    const first = await phone.json<{ status: string; pendingToken?: string }>('POST', '/api/v1/auth/login', {
      email,
      password,
    });
    expect(first.status).toBe(200);
    expect(first.body.status).not.toBe('signed_in');
    expect(phone.cookies.has('tl_session')).toBe(false);
    const second = await phone.json('POST', '/api/v1/auth/login/second-factor', {
      pendingToken: first.body.pendingToken,
      code: await device.nextCode(),
    });
    expect(second.status).toBe(200);

    const created = await phone.json<{ key: { id: string; apiKey: string }; secret: string }>(
      'POST',
      '/api/v1/account/api-keys',
      { label: 'e2e bot', type: 'HMAC', scopes: ['read'], twoFactorCode: confirm.body.recoveryCodes[0] },
    );
    expect(created.status).toBe(201);

    const signed = signRequest({ apiKey: created.body.key.apiKey, secret: created.body.secret });
    const whoami = await fetch(signed.urlFor(`${url}/api/v1/account/api-keys/whoami`), {
      headers: signed.headers,
    });
    expect(whoami.status).toBe(200);
    expect(await whoami.json()).toEqual({
      userId: expect.stringMatching(/^usr_/),
      method: 'apiKey',
      apiKeyId: created.body.key.id,
      scopes: ['read'],
    });

    // The same request again is a replay.
    const replay = await fetch(signed.urlFor(`${url}/api/v1/account/api-keys/whoami`), {
      headers: signed.headers,
    });
    expect(replay.status).toBe(401);

    // Nothing secret reached the logs of the whole run.
    const logs = logLines.join('');
    for (const secret of [
      password,
      created.body.secret,
      enrol.body.secret,
      link?.[1] ?? 'x',
      ...confirm.body.recoveryCodes,
    ]) {
      expect(logs).not.toContain(secret);
    }
  });
});
