import { fileURLToPath } from 'node:url';
import type { Database } from './database.js';
import { getScriptTransaction, type ScriptConnection } from './driver-connection.js';
import { MigrationError } from './migration-error.js';
import { type MigrationFile, readMigrationFiles } from './read-migration-files.js';

/** Where the package's committed migrations live. */
export const defaultMigrationsDir = fileURLToPath(new URL('../migrations/', import.meta.url));

// Any constant works as long as every process uses the same one; this is 'tradeloom' in ASCII, truncated.
const MIGRATIONS_LOCK_KEY = 0x7472_6164_656c_6f6fn.toString();

/** A folder of migrations; a module's versions are recorded as `<module>/NNNN`. */
export interface MigrationSource {
  /** The owning module ('identity'); absent for the platform's own (packages/db) migrations. */
  module?: string;
  dir: string;
}

/** Options of `migrate`. */
export interface MigrateOptions {
  /** One folder of NNNN_name.sql files (default: packages/db/migrations); ignored when `sources` is set. */
  dir?: string;
  /** Several folders, applied in the order given (the platform's first, then modules in dependency order). */
  sources?: readonly MigrationSource[];
}

/** What one `migrate` call did. */
export interface MigrateResult {
  /** Versions this call applied, in order. */
  applied: string[];
  /** Versions already applied (by an earlier run or a concurrent process), checksums verified. */
  skipped: string[];
}

/**
 * Applies pending migrations in version order, each in its own transaction recorded in
 * schema_migrations; refuses to start when an applied file's checksum changed. Safe to call from
 * several processes at once: each transaction holds a transaction-scoped advisory lock.
 */
export async function migrate(database: Database, options: MigrateOptions = {}): Promise<MigrateResult> {
  const sources = options.sources ?? [{ dir: options.dir ?? defaultMigrationsDir }];
  const files: MigrationFile[] = [];
  for (const source of sources) {
    for (const file of await readMigrationFiles(source.dir)) {
      files.push(
        source.module === undefined ? file : { ...file, version: `${source.module}/${file.version}` },
      );
    }
  }
  const scriptTransaction = getScriptTransaction(database);
  // Check every applied file before applying anything, so a tampered 0001 stops 0002 from running.
  await scriptTransaction(async (conn) => {
    await lockMigrations(conn);
    await conn.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    for (const file of files) await isApplied(conn, file);
  });
  const result: MigrateResult = { applied: [], skipped: [] };
  for (const file of files) {
    const applied = await scriptTransaction(async (conn) => {
      await lockMigrations(conn);
      // Re-read under the lock: another process may have applied it since the check above.
      if (await isApplied(conn, file)) return false;
      await conn.exec(file.sql);
      await conn.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        file.version,
        file.name,
        file.checksum,
      ]);
      return true;
    });
    (applied ? result.applied : result.skipped).push(file.version);
  }
  return result;
}

// Transaction-scoped, so a crashed process cannot leave it held; a no-op contention-wise on PGlite.
async function lockMigrations(conn: ScriptConnection): Promise<void> {
  await conn.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATIONS_LOCK_KEY]);
}

/** True when `file` is applied with the same checksum; throws when it is applied with another. */
async function isApplied(conn: ScriptConnection, file: MigrationFile): Promise<boolean> {
  const { rows } = await conn.query('SELECT checksum FROM schema_migrations WHERE version = $1', [
    file.version,
  ]);
  const row = rows[0];
  if (row === undefined) return false;
  if (row.checksum !== file.checksum) {
    throw new MigrationError(
      'MIGRATION_CHECKSUM_MISMATCH',
      `migration ${file.version}_${file.name} was changed after it was applied ` +
        `(applied ${String(row.checksum)}, file ${file.checksum}); add a new migration instead of editing it`,
    );
  }
  return true;
}
