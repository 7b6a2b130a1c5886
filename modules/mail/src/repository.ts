import type { Queryable } from '@tradeloom/db';

/** Where a mail is in its life. */
export type OutboxStatus = 'queued' | 'sent' | 'failed' | 'held';

/** The statuses, for schemas and checks. */
export const OUTBOX_STATUSES = [
  'queued',
  'sent',
  'failed',
  'held',
] as const satisfies readonly OutboxStatus[];

/** One outbox row, as stored (vars unredacted unless already sent). */
export interface OutboxRow {
  id: string;
  userId: string | null;
  to: string;
  template: string;
  vars: Record<string, string>;
  status: OutboxStatus;
  attempts: number;
  /** ISO 8601. */
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
  messageId: string | null;
  /** created_at exactly as PostgreSQL prints it (for cursors). */
  createdAtExact: string;
}

/** A row a worker claimed for one delivery attempt. */
export interface ClaimedRow {
  id: string;
  userId: string | null;
  to: string;
  template: string;
  vars: Record<string, string>;
  /** Attempts including this one. */
  attempts: number;
}

const COLUMNS = `id, user_id, to_address, template, vars, status, attempts,
  to_json(next_attempt_at) #>> '{}' AS next_attempt_at, last_error,
  to_json(created_at) #>> '{}' AS created_at, to_json(sent_at) #>> '{}' AS sent_at, message_id`;

function text(value: unknown): string {
  if (typeof value !== 'string') throw new Error(`mail_outbox: expected text, got ${typeof value}`);
  return value;
}

function textOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : text(value);
}

function iso(value: unknown): string {
  return new Date(text(value)).toISOString();
}

function varsOf(value: unknown): Record<string, string> {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (typeof parsed !== 'object' || parsed === null) return {};
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(parsed)) if (typeof v === 'string') out[name] = v;
  return out;
}

function statusOf(value: unknown): OutboxStatus {
  const status = text(value);
  if (!(OUTBOX_STATUSES as readonly string[]).includes(status)) {
    throw new Error(`mail_outbox: unknown status ${status}`);
  }
  return status as OutboxStatus;
}

function rowOf(row: Record<string, unknown>): OutboxRow {
  const sentAt = textOrNull(row.sent_at);
  return {
    id: text(row.id),
    userId: textOrNull(row.user_id),
    to: text(row.to_address),
    template: text(row.template),
    vars: varsOf(row.vars),
    status: statusOf(row.status),
    attempts: Number(row.attempts),
    nextAttemptAt: iso(row.next_attempt_at),
    lastError: textOrNull(row.last_error),
    createdAt: iso(row.created_at),
    sentAt: sentAt === null ? null : iso(sentAt),
    messageId: textOrNull(row.message_id),
    createdAtExact: text(row.created_at),
  };
}

/** Inserts a new mail (queued, or held when there is no SMTP server). */
export async function insertOutboxRow(
  q: Queryable,
  row: {
    id: string;
    userId: string | null;
    to: string;
    template: string;
    vars: Readonly<Record<string, string>>;
    status: 'queued' | 'held';
    nowIso: string;
  },
): Promise<void> {
  await q.query(
    `INSERT INTO mail_outbox (id, user_id, to_address, template, vars, status, attempts, next_attempt_at, created_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, 0, $7::timestamptz, $7::timestamptz)`,
    [row.id, row.userId, row.to, row.template, JSON.stringify(row.vars), row.status, row.nowIso],
  );
}

/**
 * Claims up to `limit` due queued rows for one delivery attempt: counts the attempt and pushes
 * next_attempt_at to the end of the lease, so no other worker takes them while this one sends.
 * SKIP LOCKED lets concurrent workers claim disjoint rows without waiting on each other.
 */
export async function claimDueRows(
  q: Queryable,
  claim: { nowIso: string; leaseUntilIso: string; limit: number; claimToken: string },
): Promise<ClaimedRow[]> {
  const { rows } = await q.query(
    `WITH due AS (
       SELECT id FROM mail_outbox
       WHERE status = 'queued' AND next_attempt_at <= $1::timestamptz
       ORDER BY next_attempt_at, id
       LIMIT $2
       FOR UPDATE SKIP LOCKED
     )
     UPDATE mail_outbox AS o
     SET attempts = o.attempts + 1, next_attempt_at = $3::timestamptz, claim_token = $4
     FROM due WHERE o.id = due.id
     RETURNING o.id, o.user_id, o.to_address, o.template, o.vars, o.attempts`,
    [claim.nowIso, claim.limit, claim.leaseUntilIso, claim.claimToken],
  );
  return rows.map((row) => ({
    id: text(row.id),
    userId: textOrNull(row.user_id),
    to: text(row.to_address),
    template: text(row.template),
    vars: varsOf(row.vars),
    attempts: Number(row.attempts),
  }));
}

/** Records a delivery; `vars` replaces the stored ones (secrets redacted). False when the claim was lost. */
export async function markSent(
  q: Queryable,
  sent: {
    id: string;
    claimToken: string;
    sentAtIso: string;
    messageId: string;
    vars: Readonly<Record<string, string>>;
  },
): Promise<boolean> {
  const { rows } = await q.query(
    `UPDATE mail_outbox
     SET status = 'sent', sent_at = $3::timestamptz, message_id = $4, vars = $5::jsonb, claim_token = NULL, last_error = NULL
     WHERE id = $1 AND claim_token = $2 RETURNING id`,
    [sent.id, sent.claimToken, sent.sentAtIso, sent.messageId, JSON.stringify(sent.vars)],
  );
  return rows.length === 1;
}

/** Records a failed attempt: queued again at `nextAttemptAtIso`, or failed for good when it is null. */
export async function recordFailedAttempt(
  q: Queryable,
  failed: { id: string; claimToken: string; nextAttemptAtIso: string | null; lastError: string },
): Promise<boolean> {
  const { rows } =
    failed.nextAttemptAtIso === null
      ? await q.query(
          `UPDATE mail_outbox SET status = 'failed', last_error = $3, claim_token = NULL
           WHERE id = $1 AND claim_token = $2 RETURNING id`,
          [failed.id, failed.claimToken, failed.lastError],
        )
      : await q.query(
          `UPDATE mail_outbox SET next_attempt_at = $3::timestamptz, last_error = $4, claim_token = NULL
           WHERE id = $1 AND claim_token = $2 RETURNING id`,
          [failed.id, failed.claimToken, failed.nextAttemptAtIso, failed.lastError],
        );
  return rows.length === 1;
}

/** Moves queued rows to held (no SMTP server configured); returns how many. */
export async function holdQueuedRows(q: Queryable): Promise<number> {
  const { rows } = await q.query(
    `UPDATE mail_outbox SET status = 'held', claim_token = NULL WHERE status = 'queued' RETURNING id`,
  );
  return rows.length;
}

/** One row by id. */
export async function findOutboxRow(q: Queryable, id: string): Promise<OutboxRow | undefined> {
  const { rows } = await q.query(`SELECT ${COLUMNS} FROM mail_outbox WHERE id = $1`, [id]);
  const row = rows[0];
  return row === undefined ? undefined : rowOf(row);
}

/**
 * Queues a held or failed row again (or makes a queued one due now), with a fresh attempt count.
 * A row some worker holds a live claim on is left alone: undefined then, as for a sent row.
 */
export async function requeueRow(q: Queryable, id: string, nowIso: string): Promise<OutboxRow | undefined> {
  const { rows } = await q.query(
    `UPDATE mail_outbox
     SET status = 'queued', attempts = 0, next_attempt_at = $2::timestamptz, claim_token = NULL
     WHERE id = $1 AND (status IN ('held', 'failed')
       OR (status = 'queued' AND (claim_token IS NULL OR next_attempt_at <= $2::timestamptz)))
     RETURNING ${COLUMNS}`,
    [id, nowIso],
  );
  const row = rows[0];
  return row === undefined ? undefined : rowOf(row);
}

/** Filter and page of a listing, newest first. */
export interface OutboxQuery {
  status?: OutboxStatus;
  to?: string;
  template?: string;
  limit: number;
  /** Rows strictly older than this (created_at exact text, id). */
  after?: { createdAt: string; id: string };
}

/** Rows matching the filter, newest first; one more than `limit` tells the caller there is a next page. */
export async function listOutboxRows(q: Queryable, query: OutboxQuery): Promise<OutboxRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  if (query.status !== undefined) where.push(`status = ${param(query.status)}`);
  if (query.to !== undefined) where.push(`lower(to_address) = lower(${param(query.to)})`);
  if (query.template !== undefined) where.push(`template = ${param(query.template)}`);
  if (query.after !== undefined) {
    where.push(`(created_at, id) < (${param(query.after.createdAt)}::timestamptz, ${param(query.after.id)})`);
  }
  const { rows } = await q.query(
    `SELECT ${COLUMNS} FROM mail_outbox ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
     ORDER BY created_at DESC, id DESC LIMIT ${param(query.limit + 1)}`,
    params,
  );
  return rows.map(rowOf);
}
