export type {
  Database,
  DatabaseKind,
  DatabaseTransaction,
  Drizzle,
  DrizzleTransaction,
  Queryable,
  QueryResult,
} from './database.js';
export {
  defaultMigrationsDir,
  type MigrateOptions,
  type MigrateResult,
  type MigrationSource,
  migrate,
} from './migrate.js';
export { MigrationError, type MigrationErrorCode } from './migration-error.js';
export { type DatabaseConfig, openDatabase } from './open-database.js';
export { type Schema, schema } from './schema.js';
