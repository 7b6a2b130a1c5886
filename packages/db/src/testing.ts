import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database, DatabaseKind } from './database.js';
import { type MigrateOptions, migrate } from './migrate.js';
import { openDatabase } from './open-database.js';

/** A database made for one test (suite), with the way to throw it away. */
export interface TestDatabase {
  mode: DatabaseKind;
  /** postgres://… of the created database; undefined for PGlite. */
  url: string | undefined;
  database: Database;
  /** Closes the database and, for PostgreSQL, drops it. */
  drop(): Promise<void>;
}

/** Options of `createTestDatabase`. */
export interface CreateTestDatabaseOptions {
  /** Apply migrations before returning: true = the package's own; or the options of `migrate`. */
  migrate?: boolean | MigrateOptions;
}

const ALL_MODES: readonly DatabaseKind[] = ['pglite', 'postgres'];

/** The server test databases are created on; TRADELOOM_TEST_POSTGRES_URL overrides it. */
export const testServerUrl =
  process.env.TRADELOOM_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Modes to run a suite in: both, unless TRADELOOM_TEST_MODES (comma-separated) narrows them. */
export const bothModes: readonly DatabaseKind[] = parseModes(process.env.TRADELOOM_TEST_MODES);

/** A fresh in-memory PGlite, or a fresh `tl_test_<hex>` database on the test server. */
export async function createTestDatabase(
  mode: DatabaseKind,
  options: CreateTestDatabaseOptions = {},
): Promise<TestDatabase> {
  const created = mode === 'pglite' ? await createPglite() : await createPostgres();
  if (options.migrate !== undefined && options.migrate !== false) {
    try {
      await migrate(created.database, options.migrate === true ? {} : options.migrate);
    } catch (error) {
      await created.drop();
      throw error;
    }
  }
  return created;
}

async function createPglite(): Promise<TestDatabase> {
  const database = await openDatabase({ dataDir: 'memory://' });
  return { mode: 'pglite', url: undefined, database, drop: () => database.close() };
}

async function createPostgres(): Promise<TestDatabase> {
  // Random hex only, so the name needs no quoting and never collides across parallel test files.
  const name = `tl_test_${randomBytes(8).toString('hex')}`;
  await withServer((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(testServerUrl);
  url.pathname = `/${name}`;
  let database: Database;
  try {
    database = await openDatabase({ url: url.toString() });
  } catch (error) {
    await withServer((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    throw error;
  }
  return {
    mode: 'postgres',
    url: url.toString(),
    database,
    drop: async () => {
      await database.close();
      await withServer((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function withServer<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testServerUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function parseModes(value: string | undefined): readonly DatabaseKind[] {
  if (value === undefined || value.trim() === '') return ALL_MODES;
  const modes = value.split(',').map((mode) => mode.trim());
  for (const mode of modes) {
    if (!isMode(mode)) throw new Error(`TRADELOOM_TEST_MODES: unknown mode '${mode}' (pglite, postgres)`);
  }
  return ALL_MODES.filter((mode) => modes.includes(mode));
}

function isMode(value: string): value is DatabaseKind {
  return value === 'pglite' || value === 'postgres';
}
