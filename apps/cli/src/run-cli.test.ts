// Proves the operator CLI's commands against real storage in both modes (a PGlite DATA_DIR; a
// PostgreSQL database with the engine process's socket), that each is audited as cli:<user>, and
// that embedded mode refuses to run beside a running platform.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { acquireEmbeddedLock } from '@tradeloom/api';
import { type Config, loadConfig } from '@tradeloom/config';
import { bothModes, createTestDatabase, type TestDatabase } from '@tradeloom/db/testing';
import { EngineHost, serveEngine } from '@tradeloom/engine-app';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

interface Run {
  code: number;
  out: string;
  err: string;
}

describe.each(bothModes)('operator CLI on %s', (mode) => {
  let dir: string;
  let config: Config;
  let test: TestDatabase | null = null;
  let host: EngineHost | null = null;
  let server: { close(): void } | null = null;
  const actor = `cli:${userInfo().username}`;
  const redisKeyPrefix = `tltest-cli-${process.pid}-${Date.now()}`;

  const run = async (args: string[], stdin: string | null = null): Promise<Run> => {
    let out = '';
    let err = '';
    const code = await runCli(args, config, {
      out: (line) => {
        out += `${line}\n`;
      },
      err: (line) => {
        err += `${line}\n`;
      },
      readStdin: async () => stdin,
    });
    return { code, out, err };
  };

  const sql = async (text: string, params: unknown[] = []): Promise<Record<string, unknown>[]> => {
    if (test === null) {
      // Embedded: the CLI holds no connection between runs, so open the files briefly.
      const { openPlatformDatabase } = await import('@tradeloom/api');
      const database = await openPlatformDatabase(config);
      try {
        return (await database.query(text, params)).rows;
      } finally {
        await database.close();
      }
    }
    const client = new pg.Client({ connectionString: test.url });
    await client.connect();
    try {
      return (await client.query(text, params)).rows;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tl-cli-'));
    if (mode === 'pglite') {
      config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' });
      return;
    }
    test = await createTestDatabase('postgres');
    // The CLI opens its own connections; this test's handle is only used to drop the database.
    const socket = join(dir, 'engine.sock');
    host = await EngineHost.open({ dataDir: join(dir, 'engine-data'), fsync: false });
    server = await serveEngine(host, socket);
    config = loadConfig({
      DATA_DIR: dir,
      DATABASE_URL: test.url ?? '',
      REDIS_URL: 'redis://127.0.0.1:6379',
      MASTER_KEY: 'ef'.repeat(32),
      ENGINE_ADDRESS: socket,
      LOG_LEVEL: 'silent',
      REDIS_KEY_PREFIX: redisKeyPrefix,
    });
  });
  afterAll(async () => {
    server?.close();
    await host?.close();
    await test?.drop();
    if (mode === 'postgres') {
      // The job queue's metadata: the test leaves no key behind.
      const redis = new Redis('redis://127.0.0.1:6379');
      const left = await redis.keys(`${redisKeyPrefix}*`);
      if (left.length > 0) await redis.del(...left);
      redis.disconnect();
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('migrates once, then reports up to date', async () => {
    const first = await run(['migrate']);
    expect(first).toMatchObject({ code: 0, err: '' });
    expect(first.out).toMatch(/^applied .*identity\/0001/);
    expect(await run(['migrate'])).toEqual({ code: 0, out: 'up to date\n', err: '' });
  });

  it('creates an admin with a role and a password shown once, or a piped one', async () => {
    const created = await run(['create-admin', '--email', 'Ops@Example.com', '--role', 'finance']);
    expect(created.code).toBe(0);
    const userId = /created (usr_\w+)/.exec(created.out)?.[1];
    expect(userId).toBeDefined();
    expect(created.out).toMatch(/password \(shown once\): \S{20,}/);
    expect(
      await sql('SELECT role_name FROM user_roles WHERE user_id = $1 ORDER BY role_name', [userId]),
    ).toEqual(expect.arrayContaining([{ role_name: 'finance' }]));

    const piped = await run(
      ['create-admin', '--email', 'root@example.com', '--password-stdin'],
      'a-long-piped-passphrase-42',
    );
    expect(piped.code).toBe(0);
    expect(piped.out).not.toContain('password');

    const weak = await run(['create-admin', '--email', 'weak@example.com', '--password-stdin'], 'password');
    expect(weak.code).toBe(1);
    expect(weak.err).toMatch(/^IDENTITY_\w+/);
  });

  it('creates an API key for a user, enforcing the key rules', async () => {
    const ok = await run([
      'create-api-key',
      '--user',
      'ops@example.com',
      '--scopes',
      'read,spot_trade',
      '--label',
      'bot',
    ]);
    expect(ok.code).toBe(0);
    const secret = /secret \(shown once\): (\S+)/.exec(ok.out)?.[1];
    expect(secret).toBeDefined();
    // Stored encrypted: the secret is nowhere in the table.
    const rows = await sql('SELECT * FROM api_keys');
    expect(JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(secret);

    const withdraw = await run(['create-api-key', '--user', 'ops@example.com', '--scopes', 'withdraw']);
    expect(withdraw.code).toBe(1);
    expect(withdraw.err).toMatch(/^API_KEY_\w+/);
    const unknownScope = await run(['create-api-key', '--user', 'ops@example.com', '--scopes', 'everything']);
    expect(unknownScope).toMatchObject({
      code: 1,
      err: expect.stringContaining('unknown scopes everything'),
    });
    const nobody = await run(['create-api-key', '--user', 'nobody@example.com', '--scopes', 'read']);
    expect(nobody).toMatchObject({ code: 1, err: expect.stringContaining('no user nobody@example.com') });
  });

  it("resets a user's second factor only with a reason", async () => {
    expect(await run(['reset-2fa', '--user', 'ops@example.com'])).toMatchObject({
      code: 1,
      err: expect.stringContaining('--reason is required'),
    });
    const done = await run(['reset-2fa', '--user', 'ops@example.com', '--reason', 'lost phone, ticket 42']);
    expect(done).toMatchObject({ code: 0, err: '' });
  });

  it('shows the engine status', async () => {
    const status = await run(['engine-status']);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/engine sequence: +\d+\n/);
    expect(status.out).toMatch(/projected up to: +\d+ \(lag \d+\)/);
  });

  it('verifies the audit chain, in which every command above is recorded as the operator', async () => {
    const verified = await run(['verify-audit']);
    expect(verified.code).toBe(0);
    expect(verified.out).toMatch(/^audit chain ok: \d+ entries/);
    const actions = (await sql('SELECT action FROM audit_log WHERE actor = $1', [actor])).map(
      (row) => row.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['cli.migrate', 'cli.engine-status', 'cli.verify-audit']));
    // The module actions the CLI caused carry the operator as actor too.
    expect(actions.some((action) => String(action).startsWith('identity.'))).toBe(true);
    expect(
      actions.some(
        (action) => String(action).startsWith('api-keys.') || String(action).startsWith('api_keys.'),
      ),
    ).toBe(true);
  });

  it('prints usage and fails on an unknown command', async () => {
    const unknown = await run(['bogus']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('unknown command bogus');
    expect((await run(['help'])).code).toBe(0);
  });

  it.runIf(mode === 'pglite')('refuses to open an embedded DATA_DIR a running platform holds', async () => {
    const release = await acquireEmbeddedLock(dir, 'api');
    try {
      await expect(run(['migrate'])).rejects.toThrow('embedded mode runs one process at a time');
    } finally {
      await release();
    }
  });
});
