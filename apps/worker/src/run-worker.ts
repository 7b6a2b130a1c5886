import { composePlatform, loadMasterKey, openPlatformDatabase } from '@tradeloom/api';
import type { Config } from '@tradeloom/config';
import { migrate } from '@tradeloom/db';

/** A running worker and the way to stop it. */
export interface RunningWorker {
  stop(): Promise<void>;
}

/**
 * The background process of server mode: delivers the mail outbox (later issues add their jobs here).
 * Several workers may run: outbox rows are claimed with SKIP LOCKED, so none is sent twice at once.
 */
export async function runWorker(
  config: Config,
  options: { mailIntervalMs?: number } = {},
): Promise<RunningWorker> {
  const database = await openPlatformDatabase(config);
  try {
    const masterKey = await loadMasterKey(config);
    const platform = composePlatform({ config, database, masterKey });
    await migrate(database, { sources: platform.migrationSources });
    const loop = platform.mail.startDeliveryLoop({
      intervalMs: options.mailIntervalMs ?? 2_000,
      onError: (error) => process.stderr.write(`mail delivery failed: ${String(error)}\n`),
    });
    return {
      stop: async () => {
        await loop.stop();
        await platform.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
