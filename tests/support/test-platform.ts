// The platform as `npm start` assembles it, for tests over real HTTP in both modes: embedded (PGlite,
// in-process engine and projector, in-process jobs) or server (a fresh PostgreSQL database, Redis,
// and an engine served over its socket with its projector into that database, as the engine process
// runs it).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningPlatform, startPlatform } from '@tradeloom/api';
import { loadConfig } from '@tradeloom/config';
import { type DatabaseKind, defaultMigrationsDir, migrate, openDatabase } from '@tradeloom/db';
import { createTestDatabase } from '@tradeloom/db/testing';
import { openProjectedEngine, type ProjectedEngine, serveEngine } from '@tradeloom/engine-app';
import { createSignedInUser, type SignedInUser } from '@tradeloom/identity/testing';
import { SettableClock } from '@tradeloom/kernel';
import { publishMarketDataToRedis } from '@tradeloom/market-stream';
import { projectionMigrationsDir, waitForProjection } from '@tradeloom/projection';
import { deleteRedisKeys } from './delete-redis-keys.js';

export interface TestPlatform {
  mode: DatabaseKind;
  /** http://127.0.0.1:<port> */
  url: string;
  running: RunningPlatform;
  clock: SettableClock;
  /** The engine with its projector (in this process in both modes). */
  engine: ProjectedEngine;
  /** Resolves once the read model has every command acknowledged so far. */
  projected(): Promise<void>;
  /** A signed-in user (TOTP on unless `totp: false`), past the withdrawal lock TOTP enrolment starts. */
  user(options?: { totp?: boolean; email?: string }): Promise<SignedInUser>;
  /** A signed-in user holding `role` (default super_admin), with TOTP. */
  admin(role?: string): Promise<SignedInUser>;
  stop(): Promise<void>;
}

export interface TestPlatformOptions {
  /** Extra environment for loadConfig. */
  env?: Record<string, string>;
  /** Run the jobs in this process (default false: tests call job handlers through their services). */
  runWorkers?: boolean;
}

export async function startTestPlatform(
  mode: DatabaseKind,
  options: TestPlatformOptions = {},
): Promise<TestPlatform> {
  const dir = await mkdtemp(join(tmpdir(), 'tl-platform-'));
  const clock = new SettableClock(Date.now());
  const redisKeyPrefix = `tltest-platform-${mode}-${process.pid}-${Date.now()}`;
  const cleanups: (() => Promise<void>)[] = [async () => rm(dir, { recursive: true, force: true })];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const env: Record<string, string> = {
      DATA_DIR: dir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...options.env,
    };
    let engine: ProjectedEngine | null = null;
    if (mode === 'postgres') {
      const created = await createTestDatabase('postgres');
      cleanups.push(() => created.drop());
      cleanups.push(async () => {
        await deleteRedisKeys(redisKeyPrefix);
      });
      Object.assign(env, {
        DATABASE_URL: created.url ?? '',
        REDIS_URL: 'redis://127.0.0.1:6379',
        MASTER_KEY: 'c3'.repeat(32),
        ENGINE_ADDRESS: join(dir, 'engine.sock'),
      });
      // As the engine process: its own connection, the projection's migrations, the projector.
      const engineDb = await openDatabase({ url: created.url ?? '' });
      cleanups.push(() => engineDb.close());
      await migrate(engineDb, {
        sources: [{ dir: defaultMigrationsDir }, { module: 'projection', dir: projectionMigrationsDir }],
      });
      const projected = await openProjectedEngine(engineDb, {
        dataDir: join(dir, 'engine-process'),
        fsync: false,
      });
      engine = projected;
      const server = await serveEngine(projected.host, join(dir, 'engine.sock'));
      cleanups.push(async () => {
        server.close();
        await projected.close();
      });
      // As the engine process does with REDIS_URL: market data for the API's stream gateway.
      const publishing = await publishMarketDataToRedis(projected.host, {
        redisUrl: 'redis://127.0.0.1:6379',
        keyPrefix: redisKeyPrefix,
      });
      cleanups.push(() => publishing.close());
    }
    const config = loadConfig(env);
    const running = await startPlatform({
      config,
      clock,
      redisKeyPrefix,
      runWorkers: options.runWorkers ?? false,
      rateLimiter: null,
    });
    cleanups.push(() => running.stop());
    const projectedEngine = engine ?? embeddedEngine(running);
    const url = running.address;
    const platform = running.platform;

    const user: TestPlatform['user'] = async (userOptions = {}) => {
      const signedIn = await createSignedInUser({ url }, platform.identity, {
        clock,
        totp: userOptions.totp ?? true,
        ...(userOptions.email === undefined ? {} : { email: userOptions.email }),
      });
      // Enrolling TOTP locks withdrawals for a day: tests start past it.
      await platform.database.query('UPDATE users SET withdrawals_locked_until = NULL WHERE id = $1', [
        signedIn.userId,
      ]);
      return signedIn;
    };

    return {
      mode,
      url,
      running,
      clock,
      engine: projectedEngine,
      projected: async () => {
        await projectedEngine.host.flush();
        await waitForProjection(platform.database, projectedEngine.host.engine.commandSeq);
      },
      user,
      admin: async (role = 'super_admin') => {
        const admin = await user();
        await platform.access.assignRole(admin.userId, role, 'system');
        return admin;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function embeddedEngine(running: RunningPlatform): ProjectedEngine {
  if (running.projectedEngine === null) throw new Error('embedded platform without an engine host');
  return running.projectedEngine;
}
