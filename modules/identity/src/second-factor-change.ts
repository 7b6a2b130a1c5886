import type { Queryable } from '@tradeloom/db';
import type { IdentityContext, RequestContext } from './identity-context.js';
import { audit, nameOf, sendMail } from './notify.js';
import { applySecurityChange } from './security-change.js';
import type { NewSession } from './session-store.js';
import { isoOf } from './timestamps.js';

/** One change of a user's second factors (TOTP on/off, passkey added/removed, new recovery codes). */
export interface SecondFactorChange {
  user: { id: string; email: string; displayName: string | null };
  /** The session the change was made in (rotated), if any. */
  sessionId: string | undefined;
  request: RequestContext;
  endOtherSessions: boolean;
  /** When the rotated session proved a second factor just now. */
  secondFactorAtMs?: number;
  /** The audit action, e.g. 'identity.totp.enable'. */
  action: string;
  /** What the audit entry records after the change, besides the sessions ended; null: no `after`. */
  auditAfter: Record<string, unknown> | null;
  /** The mail's wording of the change ('turned on', 'a passkey was added'). */
  change: string;
}

/**
 * What every second-factor change does, in its transaction: the security-change consequences
 * (withdrawal lock, session rotation, other sessions ended on request), an audit entry and the
 * identity.two-factor-changed mail.
 */
export async function applySecondFactorChange(
  context: IdentityContext,
  tx: Queryable,
  change: SecondFactorChange,
): Promise<{ session: NewSession | null; endedSessions: number }> {
  const { user, request } = change;
  const effects = await applySecurityChange(context, tx, {
    userId: user.id,
    ...(change.sessionId === undefined ? {} : { currentSessionId: change.sessionId }),
    request,
    endOtherSessions: change.endOtherSessions,
    revokeReason: 'factor_changed',
    ...(change.secondFactorAtMs === undefined ? {} : { secondFactorAtMs: change.secondFactorAtMs }),
  });
  await audit(context, tx, {
    actor: user.id,
    action: change.action,
    target: user.id,
    ip: request.ip,
    ...(change.auditAfter === null
      ? {}
      : { after: { ...change.auditAfter, endedSessions: effects.endedSessions } }),
  });
  await sendMail(context, tx, {
    to: user.email,
    userId: user.id,
    template: 'identity.two-factor-changed',
    vars: { change: change.change, time: isoOf(context.clock.nowMs()), ip: request.ip, ...nameOf(user) },
  });
  return effects;
}
