import { DomainError } from '@tradeloom/kernel';
import { consumeToken } from './auth-tokens.js';
import './errors.js';
import type { IdentityContext, RequestContext } from './identity-context.js';
import { normalizeEmail } from './normalize-email.js';
import { audit } from './notify.js';
import { sendVerificationMail } from './register-user.js';
import { isoOf } from './timestamps.js';
import { findUserByEmail, findUserById, lockUser, publicUser, type User } from './user-repository.js';

/**
 * Marks the address verified with the emailed token (single use). A token sent to an address the
 * account no longer has is refused.
 */
export async function verifyEmail(
  context: IdentityContext,
  token: string,
  request: RequestContext,
): Promise<User> {
  return context.database.transaction(async (tx) => {
    const record = await consumeToken(context, tx, 'verify_email', token);
    const user = await lockUser(tx, record.userId);
    if (user === null || user.email !== record.email) {
      throw new DomainError(
        'IDENTITY_TOKEN_INVALID',
        'This link was sent to an address the account no longer uses',
      );
    }
    if (user.emailVerifiedAtMs === null) {
      const now = isoOf(context.clock.nowMs());
      await tx.query('UPDATE users SET email_verified_at = $2, updated_at = $2 WHERE id = $1', [
        user.id,
        now,
      ]);
      await audit(context, tx, {
        actor: user.id,
        action: 'identity.email.verify',
        target: user.id,
        ip: request.ip,
      });
    }
    const updated = await findUserById(tx, user.id);
    if (updated === null) throw new Error('identity: user vanished in its own transaction');
    return publicUser(updated);
  });
}

/** Sends a new verification link if the email has an unverified account; silent otherwise. */
export async function resendVerification(context: IdentityContext, email: string): Promise<void> {
  await context.database.transaction(async (tx) => {
    const user = await findUserByEmail(tx, normalizeEmail(email));
    if (user === null || user.emailVerifiedAtMs !== null || user.status !== 'active') return;
    await sendVerificationMail(context, tx, user.id, user.email);
  });
}
