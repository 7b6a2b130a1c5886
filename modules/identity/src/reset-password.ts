import { DomainError } from '@tradeloom/kernel';
import { assertNotLocked } from './account-protection.js';
import { consumeToken, issueToken, readToken } from './auth-tokens.js';
import './errors.js';
import type { IdentityContext, RequestContext } from './identity-context.js';
import { normalizeEmail } from './normalize-email.js';
import { audit, linkTo, nameOf, sendMail } from './notify.js';
import { hashPassword } from './password-hash.js';
import { checkSecondFactor } from './reauthenticate.js';
import { assertPasswordAcceptable } from './register-user.js';
import { applySecurityChange } from './security-change.js';
import { revokeUserSessions } from './session-store.js';
import { isoOf } from './timestamps.js';
import { findUserByEmail, findUserById, lockUser, type UserRecord } from './user-repository.js';

/**
 * Mails a reset link (single use, `resetPasswordTtlMs`, earlier links die) if the email has an
 * active account; answers nothing either way, so it tells no one which emails are registered.
 */
export async function requestPasswordReset(
  context: IdentityContext,
  email: string,
  request: RequestContext,
): Promise<void> {
  await context.database.transaction(async (tx) => {
    const user = await findUserByEmail(tx, normalizeEmail(email));
    if (user === null || user.status !== 'active') return;
    const { token } = await issueToken(context, tx, {
      purpose: 'reset_password',
      userId: user.id,
      email: user.email,
      ttlMs: context.tuning.resetPasswordTtlMs,
      supersede: true,
    });
    await audit(context, tx, {
      actor: 'anonymous',
      action: 'identity.password.reset.request',
      target: user.id,
      ip: request.ip,
    });
    await sendMail(context, tx, {
      to: user.email,
      userId: user.id,
      template: 'identity.reset-password',
      vars: {
        resetUrl: linkTo(context, '/reset-password', token),
        validMinutes: String(Math.round(context.tuning.resetPasswordTtlMs / 60_000)),
        ip: request.ip,
        ...nameOf(user),
      },
    });
  });
}

async function userOfResetToken(context: IdentityContext, token: string): Promise<UserRecord> {
  const record = await readToken(context, context.database, 'reset_password', token);
  const user = await findUserById(context.database, record.userId);
  // A link mailed before an email change does not work after it.
  if (user === null || user.email !== record.email || user.status !== 'active') {
    throw new DomainError(
      'IDENTITY_TOKEN_INVALID',
      'This link or token is not valid (it may have been used)',
    );
  }
  return user;
}

/** Whether the reset link is live and whether completing it will ask for a second-factor code. */
export async function inspectResetToken(
  context: IdentityContext,
  token: string,
): Promise<{ secondFactorRequired: boolean }> {
  const user = await userOfResetToken(context, token);
  return { secondFactorRequired: user.twoFactorEnabled };
}

/**
 * Sets a new password with the emailed token. A reset never bypasses 2FA: with TOTP on, the request
 * must carry a TOTP or recovery code as well (the token stays usable until the code is right, and
 * wrong codes count towards the lockout), and the next login still asks for the code. Proves the
 * mailbox, so it verifies the email and lifts a lockout; ends every session, locks withdrawals 24 h.
 */
export async function completePasswordReset(
  context: IdentityContext,
  input: { token: string; newPassword: string; code?: string },
  request: RequestContext,
): Promise<void> {
  const user = await userOfResetToken(context, input.token);
  assertPasswordAcceptable(input.newPassword, user.email);
  if (user.twoFactorEnabled) {
    assertNotLocked(context, user);
    await checkSecondFactor(context, user, input.code, request);
  }
  const passwordHash = await hashPassword(input.newPassword);
  await context.database.transaction(async (tx) => {
    await consumeToken(context, tx, 'reset_password', input.token);
    const locked = await lockUser(tx, user.id);
    if (locked === null || locked.email !== user.email) {
      throw new DomainError(
        'IDENTITY_TOKEN_INVALID',
        'This link or token is not valid (it may have been used)',
      );
    }
    const now = isoOf(context.clock.nowMs());
    await tx.query(
      `UPDATE users SET password_hash = $2, password_changed_at = $3,
         email_verified_at = COALESCE(email_verified_at, $3), failed_auth_count = 0, locked_until = NULL
       WHERE id = $1`,
      [user.id, passwordHash, now],
    );
    const endedSessions = await revokeUserSessions(context, tx, user.id, 'password_reset');
    await applySecurityChange(context, tx, {
      userId: user.id,
      request,
      endOtherSessions: false,
      revokeReason: 'password_reset',
    });
    await audit(context, tx, {
      actor: user.id,
      action: 'identity.password.reset',
      target: user.id,
      ip: request.ip,
      after: { endedSessions, withSecondFactor: user.twoFactorEnabled },
    });
    await sendMail(context, tx, {
      to: user.email,
      userId: user.id,
      template: 'identity.password-changed',
      vars: { time: now, ip: request.ip, ...nameOf(user) },
    });
  });
}
