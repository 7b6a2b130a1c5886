// Server mode as deployed: an engine process, two API processes and a worker on one PostgreSQL
// database and Redis. A session made on one API works on the other, rate-limit counts are shared,
// the worker delivers mail queued by an API, and the APIs reach the engine over its socket.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { signRequest } from '@tradeloom/api-keys/testing';
import { createTestDatabase, type TestDatabase } from '@tradeloom/db/testing';
import { TestBrowser, TotpDevice } from '@tradeloom/identity/testing';
import { startSmtpSink } from '@tradeloom/mail/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteRedisKeys } from './support/delete-redis-keys.js';

const root = join(import.meta.dirname, '..');

interface Started {
  child: ChildProcess;
  output: string[];
}

/** Spawns `node --import tsx <script>` and waits until a stdout line matches `ready`. */
async function startProcess(script: string, env: Record<string, string>, ready: RegExp): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, script)], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  const found = new Promise<void>((resolve, reject) => {
    lines.on('line', (line) => {
      output.push(line);
      if (ready.test(line)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}: ${output.join('\n')}`)));
  });
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`${script} not ready in 60 s: ${output.join('\n')}`)), 60_000).unref(),
  );
  await Promise.race([found, timeout]);
  return { child, output };
}

async function stopProcess(started: Started | undefined): Promise<void> {
  if (started === undefined || started.child.exitCode !== null) return;
  started.child.kill('SIGTERM');
  await once(started.child, 'exit');
}

describe('server mode with separate processes', () => {
  let dir: string;
  let test: TestDatabase;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  const processes: Started[] = [];
  const apis: string[] = [];
  const redisKeyPrefix = `tltest-server-${process.pid}-${Date.now()}`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tl-server-'));
    test = await createTestDatabase('postgres');
    smtp = await startSmtpSink();
    const socket = join(dir, 'engine.sock');
    const env = {
      DATA_DIR: dir,
      DATABASE_URL: test.url ?? '',
      REDIS_URL: 'redis://127.0.0.1:6379',
      MASTER_KEY: '5e'.repeat(32),
      ENGINE_ADDRESS: socket,
      ENGINE_SOCKET: socket,
      ENGINE_FSYNC: 'off',
      REDIS_KEY_PREFIX: redisKeyPrefix,
      SMTP_URL: smtp.url,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      // Low, so the test can see two API processes share one budget.
      RATE_LIMIT_IP_PER_MINUTE: '1000',
    };
    processes.push(await startProcess('apps/engine/src/main.ts', env, /"ready":true/));
    // The first API migrates; the second starts after so the test does not race two migrations.
    for (const port of ['0', '0']) {
      const api = await startProcess('apps/api/src/main.ts', { ...env, PORT: port }, /API: +http/);
      processes.push(api);
      const line = api.output.find((l) => /API: +http/.test(l)) ?? '';
      apis.push(/(http:\/\/[^/\s]+)/.exec(line)?.[1] ?? '');
    }
    processes.push(await startProcess('apps/worker/src/main.ts', env, /"ready":true/));
  }, 240_000);

  afterAll(async () => {
    for (const started of processes.reverse()) await stopProcess(started);
    await smtp?.close();
    await test?.drop();
    await deleteRedisKeys(redisKeyPrefix);
    await rm(dir, { recursive: true, force: true });
  });

  it('both APIs are ready and reach the engine process', async () => {
    for (const api of apis) {
      const ready = await fetch(`${api}/readyz`);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', engine: 'ok' } });
    }
  });

  it('a session made on one API is valid on the other, and logout on the other ends it', async () => {
    const [first, second] = apis as [string, string];
    const email = 'multi@example.com';
    const password = 'several processes one truth 7';
    const browser = new TestBrowser(first);
    expect((await browser.json('POST', '/api/v1/auth/register', { email, password })).status).toBe(202);
    // The worker, not the API, delivers the verification mail.
    const mail = await smtp.waitFor((m) => m.subject?.toLowerCase().includes('confirm') === true, 30_000);
    const token = /token=([\w-]+)/.exec(mail.text ?? '')?.[1];
    expect((await browser.json('POST', '/api/v1/auth/verify-email', { token })).status).toBe(200);
    expect((await browser.json('POST', '/api/v1/auth/login', { email, password })).status).toBe(200);

    const elsewhere = new TestBrowser(second);
    for (const [name, value] of browser.cookies) elsewhere.cookies.set(name, value);
    elsewhere.csrfToken = browser.csrfToken;
    const session = await elsewhere.json<{ user: { email: string } }>('GET', '/api/v1/auth/session');
    expect(session.status).toBe(200);
    expect(session.body.user.email).toBe(email);
    expect((await elsewhere.json('POST', '/api/v1/auth/logout', {})).status).toBe(200);
    expect((await browser.json('GET', '/api/v1/auth/session')).status).toBe(401);
  });

  it('a signed request replayed to the other API process is refused', async () => {
    const [first, second] = apis as [string, string];
    const owner = new TestBrowser(first);
    const email = 'keys@example.com';
    const password = 'signatures are single use 8';
    expect((await owner.json('POST', '/api/v1/auth/register', { email, password })).status).toBe(202);
    const mail = await smtp.waitFor(
      (m) => m.to !== undefined && JSON.stringify(m.to).includes(email),
      30_000,
    );
    const token = /token=([\w-]+)/.exec(mail.text ?? '')?.[1];
    expect((await owner.json('POST', '/api/v1/auth/verify-email', { token })).status).toBe(200);
    expect((await owner.json('POST', '/api/v1/auth/login', { email, password })).status).toBe(200);
    const enrol = await owner.json<{ secret: string }>('POST', '/api/v1/account/two-factor/totp/enrol', {
      currentPassword: password,
    });
    const device = new TotpDevice(enrol.body.secret);
    const confirm = await owner.json<{ recoveryCodes: string[] }>(
      'POST',
      '/api/v1/account/two-factor/totp/confirm',
      {
        code: await device.nextCode(),
      },
    );
    expect(confirm.status).toBe(200);
    const created = await owner.json<{ key: { apiKey: string }; secret: string }>(
      'POST',
      '/api/v1/account/api-keys',
      {
        label: 'replay',
        type: 'HMAC',
        scopes: ['read'],
        twoFactorCode: confirm.body.recoveryCodes[0],
      },
    );
    expect(created.status).toBe(201);
    const signed = signRequest({ apiKey: created.body.key.apiKey, secret: created.body.secret });
    const path = '/api/v1/account/api-keys/whoami';
    expect((await fetch(signed.urlFor(`${first}${path}`), { headers: signed.headers })).status).toBe(200);
    const replay = await fetch(signed.urlFor(`${second}${path}`), { headers: signed.headers });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ code: 'API_KEY_REPLAYED' });
  });

  it('rate-limit counts are shared by the API processes (Redis)', async () => {
    const [first, second] = apis as [string, string];
    // Spend the per-IP budget alternately on both processes; one process alone would allow all.
    let limited: Response | null = null;
    for (let i = 0; i < 1_100 && limited === null; i++) {
      const response = await fetch(`${i % 2 === 0 ? first : second}/api/v1/time`);
      if (response.status === 429) limited = response;
    }
    expect(limited).not.toBeNull();
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited?.json()).toMatchObject({ code: 'RATE_LIMITED' });
  });
});
