import type { Drizzle, QueryResult } from './database.js';

const INT8_OID = 20;
const INT8_ARRAY_OID = 1016;

interface DriverField {
  name: string;
  dataTypeID: number;
}

interface DriverResult {
  rows: Record<string, unknown>[];
  fields?: DriverField[];
}

/**
 * Runs raw SQL through the Drizzle session of `db` (a database or a transaction), so raw SQL and the
 * query builder share one connection inside a transaction, then gives int8 one JS type for both
 * drivers: node-postgres returns it as a string, PGlite as a bigint or a number.
 */
export async function runRawQuery(
  db: Drizzle,
  sql: string,
  params: readonly unknown[] = [],
): Promise<QueryResult> {
  const prepared = db._.session.prepareQuery(
    { sql, params: params.map(toDriverParam) },
    undefined,
    undefined,
    false,
  );
  const result: unknown = await prepared.execute();
  if (!isDriverResult(result)) {
    throw new Error('db: driver returned a result without rows');
  }
  const int8Fields = (result.fields ?? []).filter(
    (f) => f.dataTypeID === INT8_OID || f.dataTypeID === INT8_ARRAY_OID,
  );
  if (int8Fields.length === 0) return { rows: result.rows };
  const rows = result.rows.map((row) => {
    const copy = { ...row };
    for (const field of int8Fields) {
      const value = copy[field.name];
      copy[field.name] = field.dataTypeID === INT8_OID ? toBigInt(value) : toBigIntArray(value);
    }
    return copy;
  });
  return { rows };
}

// node-postgres cannot serialize bigint; text is what PostgreSQL parses for int8 and numeric anyway.
function toDriverParam(value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

function toBigInt(value: unknown): unknown {
  if (typeof value === 'string' || typeof value === 'number') return BigInt(value);
  return value;
}

function toBigIntArray(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((item: unknown) => (Array.isArray(item) ? toBigIntArray(item) : toBigInt(item)));
}

function isDriverResult(value: unknown): value is DriverResult {
  return typeof value === 'object' && value !== null && 'rows' in value && Array.isArray(value.rows);
}
