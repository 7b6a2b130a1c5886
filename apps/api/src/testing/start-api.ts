// Test support: the API on a real port over a fresh test database and a throwaway engine host.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@tradeloom/config';
import type { DatabaseKind } from '@tradeloom/db';
import { createTestDatabase, type TestDatabase } from '@tradeloom/db/testing';
import { EngineHost } from '@tradeloom/engine-app';
import type { FastifyInstance } from 'fastify';
import { type BuildAppOptions, buildApp } from '../build-app.js';

/** A running API and what it runs on; `stop` tears all of it down. */
export interface StartedApi {
  app: FastifyInstance;
  /** http://127.0.0.1:<port> */
  url: string;
  test: TestDatabase;
  /** Log lines written so far, parsed. */
  logs: Record<string, unknown>[];
  /** Raw log text written so far. */
  logText(): string;
  stop(): Promise<void>;
}

/** Options of `startApi`: the buildApp options a test may vary. */
export interface StartApiOptions
  extends Pick<
    BuildAppOptions,
    'mount' | 'readyTimeoutMs' | 'modules' | 'resolvePermissions' | 'rateLimiter'
  > {
  /** Environment variables for loadConfig on top of the test defaults (LOG_LEVEL, DATA_DIR, PORT). */
  env?: Record<string, string>;
  /** 'host' (default) opens a real EngineHost in a temp dir; null runs without; or a stand-in. */
  engine?: 'host' | BuildAppOptions['engine'];
  logLevel?: string;
  /** Run on this database (borrowed: not dropped on stop) instead of a fresh one. */
  test?: TestDatabase;
}

/** Starts the API on 127.0.0.1 on a free port, over a migrated test database of `mode`. */
export async function startApi(mode: DatabaseKind, options: StartApiOptions = {}): Promise<StartedApi> {
  const borrowed = options.test;
  const test = borrowed ?? (await createTestDatabase(mode, { migrate: true }));
  const dataDir = await mkdtemp(join(tmpdir(), 'tl-api-'));
  const host =
    (options.engine ?? 'host') === 'host' ? await EngineHost.open({ dataDir, fsync: false }) : null;
  const engine = options.engine === undefined || options.engine === 'host' ? host : options.engine;
  const lines: string[] = [];
  const cleanUp = async (): Promise<void> => {
    await host?.close();
    if (borrowed === undefined) await test.drop();
    await rm(dataDir, { recursive: true, force: true });
  };
  let app: FastifyInstance;
  try {
    app = await buildApp({
      config: loadConfig({
        LOG_LEVEL: options.logLevel ?? 'info',
        DATA_DIR: dataDir,
        PORT: '0',
        ...options.env,
      }),
      database: test.database,
      engine,
      logDestination: { write: (line: string) => void lines.push(line) },
      ...(options.mount === undefined ? {} : { mount: options.mount }),
      ...(options.modules === undefined ? {} : { modules: options.modules }),
      ...(options.resolvePermissions === undefined ? {} : { resolvePermissions: options.resolvePermissions }),
      ...(options.rateLimiter === undefined ? {} : { rateLimiter: options.rateLimiter }),
      ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
    });
  } catch (error) {
    await cleanUp();
    throw error;
  }
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    url: address,
    test,
    get logs() {
      return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    logText: () => lines.join(''),
    stop: async () => {
      await app.close();
      await cleanUp();
    },
  };
}
