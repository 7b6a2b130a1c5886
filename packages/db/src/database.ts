import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { Schema } from './schema.js';

/** Which driver a `Database` runs on. */
export type DatabaseKind = 'pglite' | 'postgres';

/** The Drizzle instance, the same type for both drivers. */
export type Drizzle = PgDatabase<PgQueryResultHKT, Schema>;

/** The Drizzle handle inside `Database.transaction`. */
export type DrizzleTransaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

/** Rows of a raw query; int8 comes back as `bigint`, numeric/timestamps/dates/intervals as strings. */
export interface QueryResult {
  rows: Record<string, unknown>[];
}

/** What can run raw SQL: the database itself or one of its transactions. */
export interface Queryable {
  /** Runs one statement with `$1`-style parameters. */
  query(sql: string, params?: readonly unknown[]): Promise<QueryResult>;
}

/** One transaction: Drizzle and raw SQL share its connection. */
export interface DatabaseTransaction extends Queryable {
  db: DrizzleTransaction;
}

/** A connection to PostgreSQL (server or embedded); the driver does not leak past this interface. */
export interface Database extends Queryable {
  kind: DatabaseKind;
  db: Drizzle;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: DatabaseTransaction) => Promise<T>): Promise<T>;
  /** Closes the pool or the embedded instance; idempotent. */
  close(): Promise<void>;
}
