import type { IdentityContext, RequestContext } from './identity-context.js';
import { audit, nameOf, sendMail } from './notify.js';
import { hashPassword } from './password-hash.js';
import { type ReauthProof, reauthenticate } from './reauthenticate.js';
import { assertPasswordAcceptable } from './register-user.js';
import { applySecurityChange } from './security-change.js';
import type { NewSession } from './session-store.js';
import { isoOf } from './timestamps.js';

/**
 * Changes the signed-in user's password after re-authentication (password, plus a code with 2FA).
 * The session is rotated, other sessions end unless `endOtherSessions` is false, withdrawals lock
 * for 24 h, and the owner is mailed.
 */
export async function changePassword(
  context: IdentityContext,
  userId: string,
  sessionId: string | undefined,
  input: ReauthProof & { newPassword: string; endOtherSessions: boolean },
  request: RequestContext,
): Promise<{ session: NewSession | null; endedSessions: number }> {
  const { user, secondFactor } = await reauthenticate(context, userId, input, request);
  assertPasswordAcceptable(input.newPassword, user.email);
  const passwordHash = await hashPassword(input.newPassword);
  return context.database.transaction(async (tx) => {
    const now = context.clock.nowMs();
    await tx.query('UPDATE users SET password_hash = $2, password_changed_at = $3 WHERE id = $1', [
      userId,
      passwordHash,
      isoOf(now),
    ]);
    const effects = await applySecurityChange(context, tx, {
      userId,
      ...(sessionId === undefined ? {} : { currentSessionId: sessionId }),
      request,
      endOtherSessions: input.endOtherSessions,
      revokeReason: 'password_changed',
      ...(secondFactor === null ? {} : { secondFactorAtMs: now }),
    });
    await audit(context, tx, {
      actor: userId,
      action: 'identity.password.change',
      target: userId,
      ip: request.ip,
      after: { endedSessions: effects.endedSessions },
    });
    await sendMail(context, tx, {
      to: user.email,
      userId,
      template: 'identity.password-changed',
      vars: { time: isoOf(now), ip: request.ip, ...nameOf(user) },
    });
    return effects;
  });
}
