import type { Queryable } from '@tradeloom/db';

/** One audited action: who did what to which object, from where, with the state before and after. */
export interface AuditEntryInput {
  /** `usr_…` of the actor, or 'system' / 'cli:<os user>' for actions without a signed-in user. */
  actor: string;
  /** Dotted action name, e.g. 'identity.login', 'access.role.update'. */
  action: string;
  /** The object acted on (`usr_…`, `role:finance`), if any. */
  target?: string;
  ip?: string;
  /** Never secrets: callers pass the fields an auditor needs, not whole rows. */
  before?: unknown;
  after?: unknown;
}

/** Where modules record audit entries; the access module implements it (hash-chained table). */
export interface AuditSink {
  /** Appends an entry; pass the transaction of the action so both commit or neither does. */
  record(entry: AuditEntryInput, within?: Queryable): Promise<void>;
}
