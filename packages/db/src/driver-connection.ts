import type { Database } from './database.js';

/** One connection inside a transaction, as the migrations runner needs it (not exported from the package). */
export interface ScriptConnection {
  /** Runs one statement with `$1`-style parameters. */
  query(sql: string, params?: readonly unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  /** Runs a script of several statements without parameters (a migration file). */
  exec(script: string): Promise<void>;
}

/** Runs `fn` in one transaction on one connection; PGlite and node-postgres each provide one. */
export type ScriptTransaction = <T>(fn: (conn: ScriptConnection) => Promise<T>) => Promise<T>;

// Kept out of the public `Database` so that the only way to multi-statement SQL is a migration file.
const scriptTransactions = new WeakMap<Database, ScriptTransaction>();

/** Records the script runner of a database opened by `openDatabase`. */
export function registerScriptTransaction(database: Database, run: ScriptTransaction): void {
  scriptTransactions.set(database, run);
}

/** The script runner of a database opened by `openDatabase`; asserts it was. */
export function getScriptTransaction(database: Database): ScriptTransaction {
  const run = scriptTransactions.get(database);
  if (run === undefined) throw new Error('db: this Database was not created by openDatabase');
  return run;
}
