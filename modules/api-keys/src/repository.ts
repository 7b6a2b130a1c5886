import type { Queryable } from '@tradeloom/db';
import type { ApiKeyScope } from '@tradeloom/kernel';
import type { ApiKeyStatus, ApiKeyType, ApiKeyView } from './api-key.js';

/** An api_keys row with the credential columns (never leaves the module). */
export interface ApiKeyRow extends Omit<ApiKeyView, 'status'> {
  secretCiphertext: Uint8Array | null;
}

/** What inserting a key writes. */
export interface NewApiKeyRow {
  id: string;
  userId: string;
  label: string;
  type: ApiKeyType;
  apiKey: string;
  secretCiphertext: Buffer | null;
  publicKey: string | null;
  scopes: readonly ApiKeyScope[];
  ipAllowList: readonly string[];
  expiresAt: string | null;
  createdAt: string;
  createdBy: string;
}

const COLUMNS = `id, user_id, label, type, api_key, secret_ciphertext, public_key, scopes, ip_allow_list,
  expires_at, created_at, last_used_at, last_used_ip, revoked_at`;

function isoOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : new Date(String(value)).toISOString();
}

function rowOf(row: Record<string, unknown>): ApiKeyRow {
  const ciphertext = row.secret_ciphertext;
  return {
    id: String(row.id),
    userId: String(row.user_id),
    label: String(row.label),
    type: row.type as ApiKeyType,
    apiKey: String(row.api_key),
    secretCiphertext: ciphertext instanceof Uint8Array ? ciphertext : null,
    publicKey: row.public_key === null ? null : String(row.public_key),
    scopes: row.scopes as ApiKeyScope[],
    ipAllowList: row.ip_allow_list as string[],
    expiresAt: isoOrNull(row.expires_at),
    createdAt: isoOrNull(row.created_at) ?? '',
    lastUsedAt: isoOrNull(row.last_used_at),
    lastUsedIp: row.last_used_ip === null ? null : String(row.last_used_ip),
    revokedAt: isoOrNull(row.revoked_at),
  };
}

function firstRow(rows: Record<string, unknown>[]): Record<string, unknown> {
  const row = rows[0];
  if (row === undefined) throw new Error('api-keys: the statement returned no row');
  return row;
}

/** The owner's view of a row at `nowMs`. */
export function viewOf(row: ApiKeyRow, nowMs: number): ApiKeyView {
  const { secretCiphertext: _never, ...view } = row;
  return { ...view, status: statusOf(row, nowMs) };
}

/** Whether a key works at `nowMs`, or why not. */
export function statusOf(row: Pick<ApiKeyView, 'revokedAt' | 'expiresAt'>, nowMs: number): ApiKeyStatus {
  if (row.revokedAt !== null) return 'revoked';
  if (row.expiresAt !== null && Date.parse(row.expiresAt) <= nowMs) return 'expired';
  return 'active';
}

/** Inserts a key. */
export async function insertKey(db: Queryable, key: NewApiKeyRow): Promise<ApiKeyRow> {
  const { rows } = await db.query(
    `INSERT INTO api_keys (id, user_id, label, type, api_key, secret_ciphertext, public_key, scopes,
       ip_allow_list, expires_at, created_at, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     RETURNING ${COLUMNS}`,
    [
      key.id,
      key.userId,
      key.label,
      key.type,
      key.apiKey,
      key.secretCiphertext,
      key.publicKey,
      key.scopes,
      key.ipAllowList,
      key.expiresAt,
      key.createdAt,
      key.createdBy,
    ],
  );
  return rowOf(firstRow(rows));
}

/** Serializes key creation per user until the transaction ends (the per-user limit holds under races). */
export async function lockUserKeys(db: Queryable, userId: string): Promise<void> {
  await db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`api_keys:${userId}`]);
}

/** Keys of a user that still work at `at` (neither revoked nor expired). */
export async function countUsableKeys(db: Queryable, userId: string, at: string): Promise<number> {
  const { rows } = await db.query(
    `SELECT count(*)::int AS n FROM api_keys
     WHERE user_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)`,
    [userId, at],
  );
  return Number(rows[0]?.n ?? 0);
}

/** A user's keys, newest first. */
export async function listKeysOfUser(db: Queryable, userId: string): Promise<ApiKeyRow[]> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM api_keys WHERE user_id = $1 ORDER BY created_at DESC, id DESC`,
    [userId],
  );
  return rows.map(rowOf);
}

/** Every user's keys, newest first, optionally of one user. */
export async function listAllKeys(
  db: Queryable,
  filter: { userId: string | null; limit: number; offset: number },
): Promise<ApiKeyRow[]> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM api_keys WHERE ($1::text IS NULL OR user_id = $1)
     ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`,
    [filter.userId, filter.limit, filter.offset],
  );
  return rows.map(rowOf);
}

/** A key by id, locked for update when inside a transaction. */
export async function findKeyForUpdate(db: Queryable, id: string): Promise<ApiKeyRow | null> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1 FOR UPDATE`, [id]);
  const row = rows[0];
  return row === undefined ? null : rowOf(row);
}

/** A key by its public identifier (X-MBX-APIKEY). */
export async function findKeyByApiKey(db: Queryable, apiKey: string): Promise<ApiKeyRow | null> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM api_keys WHERE api_key = $1`, [apiKey]);
  const row = rows[0];
  return row === undefined ? null : rowOf(row);
}

/** Marks a key revoked. */
export async function markRevoked(db: Queryable, id: string, at: string, by: string): Promise<ApiKeyRow> {
  const { rows } = await db.query(
    `UPDATE api_keys SET revoked_at = $2, revoked_by = $3 WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, at, by],
  );
  return rowOf(firstRow(rows));
}

/** Records when and from where a key was last used. */
export async function recordUse(db: Queryable, id: string, at: string, ip: string): Promise<void> {
  await db.query('UPDATE api_keys SET last_used_at = $2, last_used_ip = $3 WHERE id = $1', [id, at, ip]);
}
