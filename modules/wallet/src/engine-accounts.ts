import type { Queryable } from '@tradeloom/db';

// A user's number never changes once committed, and order placement asks for it per request: cached
// per database. Only committed answers are cached (not those read inside a caller's transaction,
// which might still roll back).
const committed = new WeakMap<Queryable, Map<string, number>>();
const CACHE_MAX = 100_000;

/** The engine account number of a user, from the cache when it was seen committed. */
export async function cachedEngineAccountOf(db: Queryable, userId: string): Promise<number> {
  let cache = committed.get(db);
  if (cache === undefined) {
    cache = new Map();
    committed.set(db, cache);
  }
  const known = cache.get(userId);
  if (known !== undefined) return known;
  const accountNo = await engineAccountOf(db, userId);
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(userId, accountNo);
  return accountNo;
}

/**
 * The engine account number of a user, created on first use. Safe under concurrency: the insert
 * either wins or finds the row another transaction committed.
 */
export async function engineAccountOf(db: Queryable, userId: string): Promise<number> {
  const inserted = await db.query(
    `INSERT INTO engine_accounts (user_id) VALUES ($1)
     ON CONFLICT (user_id) DO NOTHING RETURNING account_no`,
    [userId],
  );
  const row =
    inserted.rows[0] ??
    (await db.query('SELECT account_no FROM engine_accounts WHERE user_id = $1', [userId])).rows[0];
  if (row === undefined) throw new Error(`engine account of ${userId}: neither inserted nor found`);
  const accountNo = Number(row.account_no);
  // The engine's user numbers are safe integers; a bigint identity beyond that is a broken invariant.
  if (!Number.isSafeInteger(accountNo) || accountNo < 1) throw new Error(`bad engine account ${accountNo}`);
  return accountNo;
}

/** The user of an engine account number, or null. */
export async function userOfEngineAccount(db: Queryable, accountNo: number): Promise<string | null> {
  const { rows } = await db.query('SELECT user_id FROM engine_accounts WHERE account_no = $1', [accountNo]);
  const userId = rows[0]?.user_id;
  return typeof userId === 'string' ? userId : null;
}
