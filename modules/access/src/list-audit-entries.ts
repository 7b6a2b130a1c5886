import type { Queryable } from '@tradeloom/db';
import { DomainError } from '@tradeloom/kernel';
import { AUDIT_COLUMNS, type AuditEntry, auditEntryOf } from './audit-row.js';
import './errors.js';

/** Which entries to list, newest first. */
export interface AuditFilter {
  actor?: string;
  /** Exact action, or a prefix ending in '.*' ('identity.*'). */
  action?: string;
  target?: string;
  /** ISO-8601 instant, inclusive. */
  from?: string;
  /** ISO-8601 instant, exclusive. */
  to?: string;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /** Page size, 1..AUDIT_PAGE_SIZE_MAX (default 50). */
  limit?: number;
}

/** One page of entries and the cursor of the next (absent on the last page). */
export interface AuditPage {
  entries: AuditEntry[];
  nextCursor?: string;
}

/** Largest page of audit entries. */
export const AUDIT_PAGE_SIZE_MAX = 200;
const AUDIT_PAGE_SIZE_DEFAULT = 50;
const INT8_MAX = 2n ** 63n - 1n;

/** Lists entries newest first, filtered; the cursor is the id where the next page starts below. */
export async function listAuditEntries(db: Queryable, filter: AuditFilter): Promise<AuditPage> {
  const limit = Math.min(Math.max(filter.limit ?? AUDIT_PAGE_SIZE_DEFAULT, 1), AUDIT_PAGE_SIZE_MAX);
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: (placeholder: string) => string, value: unknown): void => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (filter.actor !== undefined) add((p) => `actor = ${p}`, filter.actor);
  if (filter.target !== undefined) add((p) => `target = ${p}`, filter.target);
  if (filter.action !== undefined) {
    if (filter.action.endsWith('.*')) {
      add((p) => `action LIKE ${p}`, `${escapeLike(filter.action.slice(0, -1))}%`);
    } else {
      add((p) => `action = ${p}`, filter.action);
    }
  }
  if (filter.from !== undefined) add((p) => `at >= ${p}::timestamptz`, filter.from);
  if (filter.to !== undefined) add((p) => `at < ${p}::timestamptz`, filter.to);
  if (filter.cursor !== undefined) {
    if (!/^[1-9][0-9]{0,18}$/.test(filter.cursor) || BigInt(filter.cursor) > INT8_MAX) {
      throw new DomainError('ACCESS_AUDIT_CURSOR_INVALID', 'The cursor is not one this API returned');
    }
    add((p) => `id < ${p}::int8`, filter.cursor);
  }
  params.push(limit + 1);
  const { rows } = await db.query(
    `SELECT ${AUDIT_COLUMNS} FROM audit_log
     ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
     ORDER BY id DESC LIMIT $${params.length}`,
    params,
  );
  const entries = rows.slice(0, limit).map((row) => {
    const { atUs: _atUs, ...entry } = auditEntryOf(row);
    return entry;
  });
  const last = entries.at(-1);
  return rows.length > limit && last !== undefined ? { entries, nextCursor: last.id } : { entries };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
