import { loadConfig } from '@tradeloom/config';
import { migrate, openDatabase } from '@tradeloom/db';
import { buildApp } from '../build-app.js';
import { composePlatform } from './compose-platform.js';

/**
 * The OpenAPI document of the assembled platform, as JSON text with a trailing newline: built from the
 * same modules as `npm start`, over a throwaway in-memory database, without listening.
 */
export async function generateOpenApi(): Promise<string> {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    DATA_DIR: '/nonexistent-openapi',
    MASTER_KEY: '00'.repeat(32),
  });
  const database = await openDatabase({});
  try {
    const platform = composePlatform({ config, database, masterKey: Buffer.alloc(32), rateLimiter: null });
    await migrate(database, { sources: platform.migrationSources });
    const app = await buildApp({
      config,
      database,
      engine: null,
      modules: platform.modules,
      resolvePermissions: platform.resolvePermissions,
    });
    try {
      return `${JSON.stringify(app.swagger(), null, 2)}\n`;
    } finally {
      await app.close();
      await platform.close();
    }
  } finally {
    await database.close();
  }
}
