// Test support for other modules: the access module's migrations as a migration source.
import { fileURLToPath } from 'node:url';
import type { MigrationSource } from '@tradeloom/db';

/** The access module's migrations, for `createTestDatabase(mode, { migrate: { sources } })`. */
export const accessMigrationSource: MigrationSource = {
  module: 'access',
  dir: fileURLToPath(new URL('../migrations/', import.meta.url)),
};
