import { join } from 'node:path';
import type { Config } from '@tradeloom/config';
import { type Database, openDatabase } from '@tradeloom/db';

/** The platform's database: PGlite under DATA_DIR/db in embedded mode, DATABASE_URL in server mode. */
export function openPlatformDatabase(config: Config): Promise<Database> {
  return openDatabase(
    config.mode === 'server' ? { url: config.databaseUrl } : { dataDir: join(config.dataDir, 'db') },
  );
}
