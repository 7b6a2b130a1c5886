import type { Config } from '@tradeloom/config';
import { type Database, migrate } from '@tradeloom/db';
import {
  EngineClient,
  type EngineGateway,
  type EngineHost,
  localEngineGateway,
  openProjectedEngine,
  type ProjectedEngine,
} from '@tradeloom/engine-app';
import type { Clock } from '@tradeloom/kernel';
import { MarketDataPublisher } from '@tradeloom/market-stream';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { buildApp } from '../build-app.js';
import { composePlatform, type Platform } from './compose-platform.js';
import { loadMasterKey } from './master-key.js';
import { openPlatformDatabase } from './open-platform-database.js';
import { type DemoAccount, seedDemo } from './seed-demo.js';

/** Options of `startPlatform`. */
export interface StartPlatformOptions {
  config: Config;
  logDestination?: DestinationStream;
  /** Seed the demo on an empty database (npm start). */
  seedDemo?: boolean;
  /** Run background loops (mail delivery) in this process: embedded mode, or one server-mode worker. */
  runWorkers?: boolean;
  redisKeyPrefix?: string;
  /** Null turns the API's rate limits off (tests of other guards that send many requests). */
  rateLimiter?: null;
  /** The clock the modules run on (tests move it); the system clock by default. */
  clock?: Clock;
}

/** A running API process and everything it opened. */
export interface RunningPlatform {
  app: FastifyInstance;
  /** http://host:port it listens on. */
  address: string;
  platform: Platform;
  database: Database;
  engine: EngineGateway;
  /** The engine hosted in this process (embedded mode), else null. */
  engineHost: EngineHost | null;
  /** The engine with its projector, in this process (embedded mode), else null. */
  projectedEngine: ProjectedEngine | null;
  demo: DemoAccount[] | null;
  stop(): Promise<void>;
}

/**
 * Opens the database (migrated), the engine (in-process when embedded, the engine process over its
 * socket in server mode) and the modules, seeds the demo if asked, and starts serving HTTP.
 */
export async function startPlatform(options: StartPlatformOptions): Promise<RunningPlatform> {
  const { config } = options;
  const database = await openPlatformDatabase(config);
  const cleanups: (() => Promise<void>)[] = [() => database.close()];
  const cleanUp = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const masterKey = await loadMasterKey(config);
    const platform = composePlatform({
      config,
      database,
      masterKey,
      ...(options.redisKeyPrefix === undefined ? {} : { redisKeyPrefix: options.redisKeyPrefix }),
      ...(options.rateLimiter === null ? { rateLimiter: null } : {}),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
    cleanups.push(() => platform.close());
    await migrate(database, { sources: platform.migrationSources });
    await platform.access.ensureSystemRoles();

    let engineHost: EngineHost | null = null;
    let projectedEngine: ProjectedEngine | null = null;
    let engine: EngineGateway;
    if (config.mode === 'embedded') {
      // The projector runs beside the engine, into the same database.
      const projected = await openProjectedEngine(
        database,
        { dataDir: config.dataDir },
        { onError: (error) => process.stderr.write(`projector: ${String(error)}\n`) },
      );
      engineHost = projected.host;
      projectedEngine = projected;
      cleanups.push(() => projected.close());
      engine = localEngineGateway(projected.host);
    } else {
      const client = await EngineClient.connect(config.engineAddress);
      cleanups.push(async () => client.close());
      engine = client;
    }

    platform.engine.bind(engine);
    // Live market data: a publisher beside the in-process engine, else the engine process's over Redis.
    await platform.marketStream.startFeed(engineHost === null ? null : new MarketDataPublisher(engineHost));
    const demo = options.seedDemo === true ? await seedDemo(config, platform, engine, Date.now()) : null;
    // The jobs stop with the platform (platform.close closes the queue).
    if (options.runWorkers === true) await platform.jobs.start();
    const app = await buildApp({
      config,
      database,
      // Readiness asks the engine a question: in-process it is a flush of the journal.
      engine: engineHost ?? { flush: () => engine.query({ query: 'status' }).then(() => undefined) },
      modules: platform.modules,
      resolvePermissions: platform.resolvePermissions,
      rateLimiter: platform.rateLimiter,
      ...(options.logDestination === undefined ? {} : { logDestination: options.logDestination }),
    });
    // Last in, first out: the HTTP server stops before what its requests use.
    cleanups.push(() => app.close());
    const address = await app.listen({ port: config.port, host: config.host });
    return { app, address, platform, database, engine, engineHost, projectedEngine, demo, stop: cleanUp };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
