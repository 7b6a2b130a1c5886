import type { Queryable } from '@tradeloom/db';
import type { IdentityContext, RequestContext } from './identity-context.js';
import { type NewSession, type RevokeReason, revokeUserSessions, rotateSession } from './session-store.js';
import { isoOf } from './timestamps.js';

/** What follows a change of password, email or second factor. */
export interface SecurityChangeEffects {
  userId: string;
  /** The session the change was made in: it is rotated (new id, token and CSRF token). */
  currentSessionId?: string;
  request: RequestContext;
  /** End every other session of the user. */
  endOtherSessions: boolean;
  revokeReason: RevokeReason;
  /** When the rotated session proved a second factor just now. */
  secondFactorAtMs?: number;
}

/**
 * Applies the common consequences of a security change, in the change's transaction: withdrawals
 * locked for `withdrawalLockMs` (never shortened), the current session rotated, the others ended
 * on request. Returns the new session (its cookie must be set) and how many sessions ended.
 */
export async function applySecurityChange(
  context: IdentityContext,
  q: Queryable,
  effects: SecurityChangeEffects,
): Promise<{ session: NewSession | null; endedSessions: number }> {
  const now = context.clock.nowMs();
  await q.query(
    `UPDATE users SET updated_at = $2,
       withdrawals_locked_until = GREATEST(COALESCE(withdrawals_locked_until, $3::timestamptz), $3::timestamptz)
     WHERE id = $1`,
    [effects.userId, isoOf(now), isoOf(now + context.tuning.withdrawalLockMs)],
  );
  const endedSessions = effects.endOtherSessions
    ? await revokeUserSessions(context, q, effects.userId, effects.revokeReason, effects.currentSessionId)
    : 0;
  const session =
    effects.currentSessionId === undefined
      ? null
      : await rotateSession(context, q, effects.currentSessionId, effects.request, effects.secondFactorAtMs);
  return { session, endedSessions };
}
