import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import type { Database, DatabaseKind, Drizzle } from './database.js';
import { registerScriptTransaction, type ScriptTransaction } from './driver-connection.js';
import { runRawQuery } from './raw-query.js';
import { schema } from './schema.js';

/** Where the database lives: a PostgreSQL server (`url`) or an embedded PGlite (`dataDir`). */
export interface DatabaseConfig {
  /** postgres://… — when set, node-postgres is used and `dataDir` is ignored. */
  url?: string;
  /** PGlite data directory; 'memory://' or undefined keeps everything in memory. */
  dataDir?: string;
  /** node-postgres pool size (default 10). */
  poolSizeMax?: number;
  /** Errors of idle pooled connections (the pool drops the client and reconnects on the next query). */
  onPoolError?: (error: Error) => void;
}

/** Opens PostgreSQL through node-postgres when `url` is set, else an embedded PGlite. */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  return config.url === undefined ? openPglite(config.dataDir) : openPostgres(config.url, config);
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  const client = await PGlite.create(dataDir ?? 'memory://');
  const db: Drizzle = drizzlePglite({ client, schema });
  const scriptTransaction: ScriptTransaction = (fn) =>
    client.transaction((tx) =>
      fn({
        query: (sql, params = []) => tx.query<Record<string, unknown>>(sql, [...params]),
        exec: async (script) => {
          await tx.exec(script);
        },
      }),
    );
  return assemble('pglite', db, scriptTransaction, () => client.close());
}

async function openPostgres(url: string, config: DatabaseConfig): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: config.poolSizeMax ?? 10 });
  // Without a listener an idle client's error (server restart, network) would crash the process.
  pool.on('error', (error) => config.onPoolError?.(error));
  const db: Drizzle = drizzleNodePg({ client: pool, schema });
  const scriptTransaction: ScriptTransaction = async (fn) => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      try {
        const result = await fn({
          query: (sql, params = []) => client.query<Record<string, unknown>>(sql, [...params]),
          exec: async (script) => {
            await client.query(script);
          },
        });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: unknown) => {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
        throw error;
      }
    } finally {
      // A connection whose rollback failed is in an unknown state: destroy it rather than reuse it.
      client.release(broken);
    }
  };
  // Fail at start-up, not on the first request, when the server is unreachable.
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end();
    throw error;
  }
  return assemble('postgres', db, scriptTransaction, () => pool.end());
}

function assemble(
  kind: DatabaseKind,
  db: Drizzle,
  scriptTransaction: ScriptTransaction,
  closeDriver: () => Promise<void>,
): Database {
  let closing: Promise<void> | undefined;
  const database: Database = {
    kind,
    db,
    query: (sql, params) => runRawQuery(db, sql, params),
    transaction: (fn) =>
      db.transaction((tx) => fn({ db: tx, query: (sql, params) => runRawQuery(tx, sql, params) })),
    close: () => {
      closing ??= closeDriver();
      return closing;
    },
  };
  registerScriptTransaction(database, scriptTransaction);
  return database;
}
