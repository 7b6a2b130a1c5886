import { DomainError } from '@tradeloom/kernel';
import { consumeToken, issueToken } from './auth-tokens.js';
import './errors.js';
import type { IdentityContext, RequestContext } from './identity-context.js';
import { normalizeEmail } from './normalize-email.js';
import { audit, linkTo, nameOf, sendMail } from './notify.js';
import { type ReauthProof, reauthenticate } from './reauthenticate.js';
import { isUniqueViolation } from './register-user.js';
import { applySecurityChange } from './security-change.js';
import { isoOf } from './timestamps.js';
import { findUserByEmail, lockUser, publicUser, type User } from './user-repository.js';

/**
 * Starts an email change after re-authentication: a confirmation link goes to the new address.
 * When the new address belongs to another account nothing is sent, and the answer is the same
 * (a signed-in user must not be able to probe which emails are registered).
 */
export async function requestEmailChange(
  context: IdentityContext,
  userId: string,
  input: ReauthProof & { newEmail: string },
  request: RequestContext,
): Promise<void> {
  const { user } = await reauthenticate(context, userId, input, request);
  const newEmail = normalizeEmail(input.newEmail);
  await context.database.transaction(async (tx) => {
    const holder = await findUserByEmail(tx, newEmail);
    await audit(context, tx, {
      actor: userId,
      action: 'identity.email.change.request',
      target: userId,
      ip: request.ip,
      after: { available: holder === null },
    });
    if (holder !== null || newEmail === user.email) return;
    const { token } = await issueToken(context, tx, {
      purpose: 'change_email',
      userId,
      email: newEmail,
      ttlMs: context.tuning.changeEmailTtlMs,
      supersede: true,
    });
    await sendMail(context, tx, {
      to: newEmail,
      userId,
      template: 'identity.confirm-email-change',
      vars: {
        confirmUrl: linkTo(context, '/confirm-email-change', token),
        newEmail,
        validMinutes: String(Math.round(context.tuning.changeEmailTtlMs / 60_000)),
        ...nameOf(user),
      },
    });
  });
}

/**
 * Completes the change with the link from the new mailbox: the address becomes the account's,
 * verified; the old address is told; withdrawals lock for 24 h.
 */
export async function confirmEmailChange(
  context: IdentityContext,
  token: string,
  request: RequestContext,
): Promise<User> {
  try {
    return await context.database.transaction(async (tx) => {
      const record = await consumeToken(context, tx, 'change_email', token);
      const user = await lockUser(tx, record.userId);
      const newEmail = record.email;
      if (user === null || newEmail === null) {
        throw new DomainError('IDENTITY_TOKEN_INVALID', 'This link or token is not valid');
      }
      if ((await findUserByEmail(tx, newEmail)) !== null) throw emailTaken();
      const now = context.clock.nowMs();
      await tx.query('UPDATE users SET email = $2, email_verified_at = $3 WHERE id = $1', [
        user.id,
        newEmail,
        isoOf(now),
      ]);
      await applySecurityChange(context, tx, {
        userId: user.id,
        request,
        endOtherSessions: false,
        revokeReason: 'email_changed',
      });
      await audit(context, tx, {
        actor: user.id,
        action: 'identity.email.change',
        target: user.id,
        ip: request.ip,
        before: { email: user.email },
        after: { email: newEmail },
      });
      await sendMail(context, tx, {
        to: user.email,
        userId: user.id,
        template: 'identity.email-changed',
        vars: { newEmail, time: isoOf(now), ip: request.ip, ...nameOf(user) },
      });
      const updated = await lockUser(tx, user.id);
      if (updated === null) throw new Error('identity: user vanished in its own transaction');
      return publicUser(updated);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  }
}

function emailTaken(): DomainError {
  return new DomainError('IDENTITY_EMAIL_TAKEN', 'This email address now belongs to another account');
}
