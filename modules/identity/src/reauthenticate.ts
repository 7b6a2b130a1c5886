import { DomainError } from '@tradeloom/kernel';
import {
  accountLocked,
  assertNotLocked,
  clearAuthFailures,
  recordAuthFailure,
} from './account-protection.js';
import './errors.js';
import type { IdentityContext, RequestContext } from './identity-context.js';
import { verifyPassword } from './password-hash.js';
import { type SecondFactorKind, useSecondFactorCode } from './second-factor.js';
import { findUserById, type UserRecord } from './user-repository.js';

/** What a security change is confirmed with: the current password, and a code when 2FA is on. */
export interface ReauthProof {
  currentPassword: string;
  /** TOTP or recovery code; required when the user has a second factor. */
  code?: string;
}

/**
 * Re-authenticates the signed-in user before a security change: the current password (wrong:
 * IDENTITY_REAUTHENTICATION_REQUIRED) and, with 2FA on, a TOTP or recovery code (missing:
 * IDENTITY_SECOND_FACTOR_REQUIRED; wrong: IDENTITY_SECOND_FACTOR_INVALID). Failures count towards
 * the account lockout like failed logins, so a stolen session cannot guess the password.
 */
export async function reauthenticate(
  context: IdentityContext,
  userId: string,
  proof: ReauthProof,
  request: RequestContext,
): Promise<{ user: UserRecord; secondFactor: SecondFactorKind | null }> {
  const user = await findUserById(context.database, userId);
  if (user === null) throw new DomainError('IDENTITY_USER_NOT_FOUND', 'No such user');
  assertNotLocked(context, user);
  if (user.passwordHash === null || !(await verifyPassword(user.passwordHash, proof.currentPassword))) {
    const lockMs = await recordAuthFailure(context, userId, request, {
      action: 'identity.reauthentication.failed',
      reason: 'wrong_password',
    });
    if (lockMs !== null) throw accountLocked(lockMs);
    throw new DomainError('IDENTITY_REAUTHENTICATION_REQUIRED', 'Confirm with your current password', {
      factors: user.twoFactorEnabled ? ['password', 'second_factor'] : ['password'],
    });
  }
  let secondFactor: SecondFactorKind | null = null;
  if (user.twoFactorEnabled) {
    secondFactor = await checkSecondFactor(context, user, proof.code, request);
  }
  await clearAuthFailures(context.database, user);
  return { user, secondFactor };
}

/**
 * Uses up a TOTP or recovery code of a user who has 2FA: IDENTITY_SECOND_FACTOR_REQUIRED without one,
 * IDENTITY_SECOND_FACTOR_INVALID (counted towards the lockout) when it is wrong or spent.
 */
export async function checkSecondFactor(
  context: IdentityContext,
  user: UserRecord,
  code: string | undefined,
  request: RequestContext,
): Promise<SecondFactorKind> {
  if (code === undefined || code.trim() === '') {
    throw new DomainError('IDENTITY_SECOND_FACTOR_REQUIRED', 'Enter a code from your authenticator app');
  }
  const kind = await useSecondFactorCode(context, context.database, user.id, code);
  if (kind !== null) return kind;
  const lockMs = await recordAuthFailure(context, user.id, request, {
    action: 'identity.second-factor.failed',
    reason: 'wrong_second_factor',
  });
  if (lockMs !== null) throw accountLocked(lockMs);
  throw new DomainError('IDENTITY_SECOND_FACTOR_INVALID', 'Wrong or already used code');
}
