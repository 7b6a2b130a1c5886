import { composePlatform, loadMasterKey, openPlatformDatabase } from '@tradeloom/api';
import type { Config } from '@tradeloom/config';
import { migrate } from '@tradeloom/db';

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
    await platform.jobs.start();
    return {
      stop: async () => {
        await platform.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
