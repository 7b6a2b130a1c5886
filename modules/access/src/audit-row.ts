import type { JsonValue } from './canonical-json.js';

/** One audit log entry as read back. */
export interface AuditEntry {
  /** Decimal id; ids grow in chain order (gaps are normal: a rolled-back append uses one up). */
  id: string;
  /** ISO-8601 UTC with milliseconds. */
  at: string;
  actor: string;
  action: string;
  target: string | null;
  ip: string | null;
  before: JsonValue | null;
  after: JsonValue | null;
  prevHash: string;
  hash: string;
}

/** An entry with the exact stored instant, as the chain check needs it. */
export interface StoredAuditEntry extends AuditEntry {
  atUs: bigint;
}

/**
 * The columns every audit read selects: the instant in microseconds (exact, whatever the session's
 * time zone) and before/after as jsonb's text, parsed here rather than by the driver.
 */
export const AUDIT_COLUMNS = `id, (extract(epoch FROM at) * 1000000)::int8 AS at_us, actor, action, target, ip,
  before::text AS before_text, after::text AS after_text, prev_hash, hash`;

/** Maps a row selected with AUDIT_COLUMNS. */
export function auditEntryOf(row: Record<string, unknown>): StoredAuditEntry {
  const atUs = row.at_us as bigint;
  return {
    id: (row.id as bigint).toString(),
    atUs,
    at: new Date(Number(atUs / 1000n)).toISOString(),
    actor: row.actor as string,
    action: row.action as string,
    target: (row.target as string | null) ?? null,
    ip: (row.ip as string | null) ?? null,
    before: parseJson(row.before_text),
    after: parseJson(row.after_text),
    prevHash: row.prev_hash as string,
    hash: row.hash as string,
  };
}

function parseJson(text: unknown): JsonValue | null {
  return typeof text === 'string' ? (JSON.parse(text) as JsonValue) : null;
}
