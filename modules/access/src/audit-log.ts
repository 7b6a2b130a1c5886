import type { Database, Queryable } from '@tradeloom/db';
import type { AuditEntryInput, AuditSink, Clock } from '@tradeloom/kernel';
import { appendAuditEntry } from './append-audit-entry.js';

/**
 * The hash-chained audit log as an AuditSink. With `within` (a transaction) the entry commits or
 * rolls back with the caller's action, and appends by others wait for that transaction to end;
 * without it, the entry is appended in a transaction of its own.
 */
export function createAuditSink(database: Database, clock: Clock): AuditSink {
  return {
    record: async (entry: AuditEntryInput, within?: Queryable): Promise<void> => {
      // A Database (not a transaction) would run each statement on its own and drop the lock between them.
      if (within === undefined || isDatabase(within)) {
        const owner = within ?? database;
        await owner.transaction((tx) => appendAuditEntry(tx, entry, clock.nowMs()));
        return;
      }
      await appendAuditEntry(within, entry, clock.nowMs());
    },
  };
}

/** True for a Database (which runs each statement on its own), false for one of its transactions. */
export function isDatabase(queryable: Queryable): queryable is Database {
  return 'transaction' in queryable && typeof queryable.transaction === 'function';
}
