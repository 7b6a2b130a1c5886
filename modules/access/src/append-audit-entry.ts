import type { Queryable } from '@tradeloom/db';
import type { AuditEntryInput } from '@tradeloom/kernel';
import { GENESIS_HASH, hashAuditEntry } from './audit-hash.js';
import { canonicalJson, isStorableText, type JsonValue, toJsonValue } from './canonical-json.js';

// Any constant works as long as every process uses the same one: 'tl-audit' in ASCII.
const APPEND_LOCK_KEY = 0x746c_2d61_7564_6974n.toString();

/** Bounds of one entry; an entry past them is a programmer error (audit fields, not whole rows). */
export const AUDIT_LIMITS = {
  actorLengthMax: 200,
  actionLengthMax: 100,
  targetLengthMax: 300,
  ipLengthMax: 100,
  /** Canonical JSON size of `before` and of `after`, each. */
  valueBytesMax: 64 * 1024,
} as const;

/**
 * Appends one entry to the chain inside `tx`, which must be a READ COMMITTED transaction. The
 * transaction-scoped advisory lock serialises appenders until `tx` ends, and the predecessor is read
 * after taking it, so every append sees the one committed before it: the chain cannot fork.
 */
export async function appendAuditEntry(tx: Queryable, entry: AuditEntryInput, nowMs: number): Promise<void> {
  checkText('actor', entry.actor, AUDIT_LIMITS.actorLengthMax, true);
  checkText('action', entry.action, AUDIT_LIMITS.actionLengthMax, true);
  checkText('target', entry.target, AUDIT_LIMITS.targetLengthMax, false);
  checkText('ip', entry.ip, AUDIT_LIMITS.ipLengthMax, false);
  const before = storableJson('before', entry.before);
  const after = storableJson('after', entry.after);

  await lockAuditAppends(tx);
  const { rows } = await tx.query(
    `SELECT nextval(pg_get_serial_sequence('audit_log', 'id')) AS id,
       (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1) AS prev_hash`,
  );
  const head = rows[0];
  if (head === undefined) throw new Error('audit: no sequence value');
  const id = (head.id as bigint).toString();
  const prevHash = (head.prev_hash as string | null) ?? GENESIS_HASH;
  const atMs = Math.floor(nowMs);
  const atUs = BigInt(atMs) * 1000n;
  const target = entry.target ?? null;
  const ip = entry.ip ?? null;
  const hash = hashAuditEntry({
    id,
    atUs,
    actor: entry.actor,
    action: entry.action,
    target,
    ip,
    before,
    after,
    prevHash,
  });
  await tx.query(
    `INSERT INTO audit_log (id, at, actor, action, target, ip, before, after, prev_hash, hash)
     VALUES ($1::int8, $2::timestamptz, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10)`,
    [
      id,
      new Date(atMs).toISOString(),
      entry.actor,
      entry.action,
      target,
      ip,
      before === null ? null : JSON.stringify(before),
      after === null ? null : JSON.stringify(after),
      prevHash,
      hash,
    ],
  );
}

/**
 * Takes the append lock for the rest of `tx` (re-entrant within it) and asserts READ COMMITTED.
 * Role changes take it first too: they are audited anyway, and one lock order cannot deadlock.
 */
export async function lockAuditAppends(tx: Queryable): Promise<void> {
  const { rows } = await tx.query(
    `SELECT pg_advisory_xact_lock($1::bigint), current_setting('transaction_isolation') AS isolation`,
    [APPEND_LOCK_KEY],
  );
  const isolation = rows[0]?.isolation;
  // Under REPEATABLE READ the snapshot may predate the lock and miss the last entry: a fork.
  if (isolation !== 'read committed') {
    throw new Error(`audit: appends need a READ COMMITTED transaction, not ${String(isolation)}`);
  }
}

function checkText(name: string, value: string | undefined, lengthMax: number, required: boolean): void {
  if (value === undefined) {
    if (required) throw new Error(`audit: ${name} is required`);
    return;
  }
  if ((required && value === '') || value.length > lengthMax || !isStorableText(value)) {
    throw new Error(`audit: ${name} must be 1..${lengthMax} characters without NUL or lone surrogates`);
  }
}

/** The JSON value stored for before/after; JSON null and undefined are both stored as SQL NULL. */
function storableJson(name: string, value: unknown): JsonValue | null {
  const json = toJsonValue(value) ?? null;
  if (json === null) return null;
  const bytes = Buffer.byteLength(canonicalJson(json), 'utf8');
  if (bytes > AUDIT_LIMITS.valueBytesMax) {
    throw new Error(
      `audit: ${name} is ${bytes} bytes, over ${AUDIT_LIMITS.valueBytesMax}: record fields, not rows`,
    );
  }
  return json;
}
