import { defaultMigrationsDir, type MigrationSource } from '@tradeloom/db';
import { projectionMigrationsDir } from './index.js';

/** The migrations a projection test database needs (the platform's own, then the projection's). */
export const projectionTestMigrations: readonly MigrationSource[] = [
  { dir: defaultMigrationsDir },
  { module: 'projection', dir: projectionMigrationsDir },
];
