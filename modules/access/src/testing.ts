// Test support: the access module's migrations as a source, and a test database that has them.
import { fileURLToPath } from 'node:url';
import { type DatabaseKind, defaultMigrationsDir, type MigrationSource } from '@tradeloom/db';
import { createTestDatabase, type TestDatabase } from '@tradeloom/db/testing';

/** The access module's migrations, for `createTestDatabase(mode, { migrate: { sources } })`. */
export const accessMigrationSource: MigrationSource = {
  module: 'access',
  dir: fileURLToPath(new URL('../migrations/', import.meta.url)),
};

/** A fresh test database with the platform's and the access module's migrations applied. */
export function createAccessTestDatabase(mode: DatabaseKind): Promise<TestDatabase> {
  return createTestDatabase(mode, {
    migrate: { sources: [{ dir: defaultMigrationsDir }, accessMigrationSource] },
  });
}
