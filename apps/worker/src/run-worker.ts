import { composePlatform, loadMasterKey, openPlatformDatabase } from '@tradeloom/api';
import type { Config } from '@tradeloom/config';
import { migrate } from '@tradeloom/db';
import { EngineClient } from '@tradeloom/engine-app';

/** A running worker and the way to stop it. */
export interface RunningWorker {
  stop(): Promise<void>;
}

/**
 * The background process of server mode: runs the platform's jobs (BullMQ), such as mail delivery.
 * Several workers may run: BullMQ hands each job to one, and outbox rows are claimed with SKIP LOCKED.
 */
export async function runWorker(config: Config): Promise<RunningWorker> {
  const database = await openPlatformDatabase(config);
  try {
    const masterKey = await loadMasterKey(config);
    const platform = composePlatform({ config, database, masterKey });
    await migrate(database, { sources: platform.migrationSources });
    // Jobs move money (withdrawal payouts) through the engine process (server mode only: embedded
    // mode runs its jobs in the API process).
    if (config.mode !== 'server')
      throw new Error('the worker runs in server mode (DATABASE_URL and REDIS_URL)');
    const engine = await EngineClient.connect(config.engineAddress);
    platform.engine.bind(engine);
    await platform.jobs.start();
    return {
      stop: async () => {
        await platform.close();
        engine.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
