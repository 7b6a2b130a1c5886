import type { Queryable } from '@tradeloom/db';
import { GENESIS_HASH, hashAuditEntry } from './audit-hash.js';
import { AUDIT_COLUMNS, auditEntryOf } from './audit-row.js';

/** Why an entry breaks the chain. */
export type AuditChainFault =
  /** Its prev_hash is not the hash of the entry before it: an entry before it was removed or inserted. */
  | 'prev-hash-mismatch'
  /** Its stored hash is not the hash of its fields: the entry was edited. */
  | 'hash-mismatch';

/** What walking the chain found. */
export interface AuditVerification {
  ok: boolean;
  /** Entries checked (all of them when ok; up to and including the first bad one otherwise). */
  entries: number;
  /** The first entry that breaks the chain. */
  firstBadId?: string;
  fault?: AuditChainFault;
  /** The last entry checked and its hash: record them elsewhere to detect a cut-off tail later. */
  headId?: string;
  headHash?: string;
}

/** Default number of rows read per query while walking the chain. */
export const VERIFY_BATCH_SIZE_MAX = 1000;

/**
 * Walks the audit log in id order, in batches, recomputing each entry's hash and checking that it
 * names its predecessor's; stops at the first entry that breaks the chain.
 */
export async function verifyAuditChain(
  db: Queryable,
  batchSizeMax: number = VERIFY_BATCH_SIZE_MAX,
): Promise<AuditVerification> {
  if (!Number.isInteger(batchSizeMax) || batchSizeMax < 1)
    throw new Error('verify: batchSizeMax must be >= 1');
  let expectedPrev = GENESIS_HASH;
  let afterId = -1n;
  let entries = 0;
  let headId: string | undefined;
  for (;;) {
    const { rows } = await db.query(
      `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE id > $1::int8 ORDER BY id LIMIT $2`,
      [afterId, batchSizeMax],
    );
    for (const row of rows) {
      const entry = auditEntryOf(row);
      entries += 1;
      const fault: AuditChainFault | undefined =
        entry.prevHash !== expectedPrev
          ? 'prev-hash-mismatch'
          : hashAuditEntry(entry) !== entry.hash
            ? 'hash-mismatch'
            : undefined;
      if (fault !== undefined) return { ok: false, entries, firstBadId: entry.id, fault };
      expectedPrev = entry.hash;
      headId = entry.id;
      afterId = row.id as bigint;
    }
    if (rows.length < batchSizeMax) break;
  }
  return headId === undefined ? { ok: true, entries } : { ok: true, entries, headId, headHash: expectedPrev };
}
