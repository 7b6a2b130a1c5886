// Applies a decision (a reviewer's or a provider's) inside the caller's transaction: the status, the
// level, the history, the audit entry, the user's mail and in-app notice — all or none.
import type { Queryable } from '@tradeloom/db';
import { DomainError } from '@tradeloom/kernel';
import type { KycContext } from '../kyc-context.js';
import { KYC_LEVELS } from '../levels.js';
import { contactOf, nameVar } from '../user-contact.js';
import type { Application } from './application.js';
import { clearReverification, decide, raiseLevel, recordEvent } from './application-repository.js';

export type Decision =
  | { outcome: 'approved'; note?: string }
  | { outcome: 'rejected'; reason: string }
  | { outcome: 'changes_requested'; reason: string; fields?: readonly string[] };

const MAIL: Record<Decision['outcome'], string> = {
  approved: 'kyc.approved',
  rejected: 'kyc.rejected',
  changes_requested: 'kyc.changes-requested',
};

const NOTICE: Record<Decision['outcome'], { title: string; body: (level: string) => string }> = {
  approved: { title: 'Verification approved', body: (level) => `Your verification (${level}) is approved.` },
  rejected: {
    title: 'Verification not approved',
    body: (level) => `Your verification (${level}) was not approved.`,
  },
  changes_requested: {
    title: 'Verification needs a change',
    body: (level) => `Your verification (${level}) needs a change before it can be approved.`,
  },
};

export async function decideApplication(
  ctx: KycContext,
  tx: Queryable,
  application: Application,
  decision: Decision,
  actor: { userId: string; ip?: string },
): Promise<void> {
  if (application.status !== 'pending')
    throw new DomainError('KYC_APPLICATION_STATE', `The application is ${application.status}, not pending`, {
      status: application.status,
    });
  const now = ctx.clock.nowMs();
  const reason = decision.outcome === 'approved' ? (decision.note ?? null) : decision.reason;
  await decide(tx, application.id, decision.outcome, {
    reason: decision.outcome === 'approved' ? null : reason,
    ...(decision.outcome === 'changes_requested' && decision.fields !== undefined
      ? { changeFields: decision.fields }
      : {}),
    decidedBy: actor.userId,
    atMs: now,
  });
  if (decision.outcome === 'approved') {
    await raiseLevel(tx, application.userId, application.level, application.id, now);
    await clearReverification(tx, application.userId, application.level, now);
  }
  await recordEvent(tx, application.id, actor.userId, decision.outcome, reason, now);
  const verb =
    decision.outcome === 'changes_requested'
      ? 'request-changes'
      : decision.outcome === 'approved'
        ? 'approve'
        : 'reject';
  await ctx.audit.record(
    {
      actor: actor.userId,
      action: `kyc.application.${verb}`,
      target: `kyc-application:${application.id}`,
      ...(actor.ip === undefined ? {} : { ip: actor.ip }),
      before: { status: application.status },
      after: { status: decision.outcome, level: application.level, userId: application.userId, reason },
    },
    tx,
  );
  const levelName = KYC_LEVELS[application.level]?.name ?? String(application.level);
  const contact = await contactOf(tx, application.userId);
  if (contact !== null) {
    await ctx.mail.send(
      {
        to: contact.email,
        userId: application.userId,
        template: MAIL[decision.outcome],
        vars: {
          levelName,
          statusUrl: `${ctx.publicUrl}/account/verification`,
          ...(decision.outcome === 'approved' ? {} : { reason: decision.reason }),
          ...nameVar(contact),
        },
      },
      tx,
    );
  }
  const notice = NOTICE[decision.outcome];
  await ctx.notify(
    application.userId,
    { category: 'kyc', title: notice.title, body: notice.body(levelName), link: '/account/verification' },
    tx,
  );
}
