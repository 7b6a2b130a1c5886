import type { Queryable } from '@tradeloom/db';
import { DomainError } from '@tradeloom/kernel';
import './errors.js';
import type { IdentityContext, RequestContext } from './identity-context.js';
import { type LoginMethod, type LoginOutcome, recordLoginEvent } from './login-events.js';
import { normalizeEmail } from './normalize-email.js';
import { audit, nameOf, sendMail } from './notify.js';
import { macOf } from './secret-keys.js';
import { isoOf } from './timestamps.js';
import { lockUser, type UserRecord } from './user-repository.js';

/** IDENTITY_ACCOUNT_LOCKED (429) with its Retry-After. */
export function accountLocked(retryAfterMs: number): DomainError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new DomainError(
    'IDENTITY_ACCOUNT_LOCKED',
    `Too many failed attempts; try again in ${Math.ceil(seconds / 60)} min or reset your password`,
    { retryAfterS: seconds },
    { 'retry-after': String(seconds) },
  );
}

/** Throws IDENTITY_ACCOUNT_LOCKED while the account's lockout runs. */
export function assertNotLocked(context: IdentityContext, user: UserRecord): void {
  const now = context.clock.nowMs();
  if (user.lockedUntilMs !== null && user.lockedUntilMs > now) throw accountLocked(user.lockedUntilMs - now);
}

/** What failed, for the audit entry and the login history. */
export interface AuthFailure {
  action: 'identity.login.failed' | 'identity.second-factor.failed' | 'identity.reauthentication.failed';
  reason: 'wrong_password' | 'wrong_second_factor';
  /** Set when the failure is a login attempt (it then shows in the user's login history). */
  login?: { outcome: LoginOutcome; method: LoginMethod };
}

/**
 * Counts a wrong password or code against the account, in its own transaction (it must stick even
 * though the request fails). The `accountFailuresMax`-th consecutive one locks the account for
 * `accountLockMs`, mails the owner and is audited; returns the lock's remaining time, or null.
 */
export async function recordAuthFailure(
  context: IdentityContext,
  userId: string,
  request: RequestContext,
  failure: AuthFailure,
): Promise<number | null> {
  const { tuning } = context;
  return context.database.transaction(async (tx) => {
    const user = await lockUser(tx, userId);
    if (user === null) return null;
    const now = context.clock.nowMs();
    const count = user.failedAuthCount + 1;
    const locks = count >= tuning.accountFailuresMax;
    const lockedUntilMs = now + tuning.accountLockMs;
    await tx.query(
      'UPDATE users SET failed_auth_count = $2, locked_until = $3, updated_at = $4 WHERE id = $1',
      [
        userId,
        locks ? 0 : count,
        locks ? isoOf(lockedUntilMs) : user.lockedUntilMs === null ? null : isoOf(user.lockedUntilMs),
        isoOf(now),
      ],
    );
    if (failure.login !== undefined) {
      await recordLoginEvent(context, tx, {
        userId,
        outcome: locks ? 'locked' : failure.login.outcome,
        method: failure.login.method,
        request,
      });
    }
    await audit(context, tx, {
      actor: failure.action === 'identity.login.failed' ? 'anonymous' : userId,
      action: failure.action,
      target: userId,
      ip: request.ip,
      after: { reason: failure.reason, consecutiveFailures: count },
    });
    if (!locks) return null;
    await audit(context, tx, {
      actor: 'system',
      action: 'identity.account.locked',
      target: userId,
      ip: request.ip,
      after: { lockedUntil: isoOf(lockedUntilMs) },
    });
    await sendMail(context, tx, {
      to: user.email,
      userId,
      template: 'identity.account-locked',
      vars: { until: isoOf(lockedUntilMs), ip: request.ip, ...nameOf(user) },
    });
    return tuning.accountLockMs;
  });
}

/** Forgets the account's failure count after a success. */
export async function clearAuthFailures(q: Queryable, user: UserRecord): Promise<void> {
  if (user.failedAuthCount === 0 && user.lockedUntilMs === null) return;
  await q.query('UPDATE users SET failed_auth_count = 0, locked_until = NULL WHERE id = $1', [user.id]);
}

/**
 * Spends one of the IP's login attempts (every outcome counts, so a success on an account of the
 * attacker's own does not refill it); IDENTITY_LOGIN_THROTTLED when none is left.
 */
export async function throttleLoginIp(context: IdentityContext, ip: string): Promise<void> {
  const { tuning } = context;
  const decision = await context.limiter.consume('identity:login-ip', ip, {
    points: tuning.ipLoginAttemptsMax,
    durationS: tuning.ipLoginWindowS,
  });
  if (decision.allowed) return;
  const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
  throw new DomainError(
    'IDENTITY_LOGIN_THROTTLED',
    `Too many login attempts from your network; try again in ${seconds} s`,
    { retryAfterS: seconds },
    { 'retry-after': String(seconds) },
  );
}

/**
 * Counts a failed login for an email with no account, so that from the `accountFailuresMax`-th on it
 * answers "locked" like a real account would: the answers do not tell which emails are registered.
 * Returns the time to announce in Retry-After, or null while under the limit.
 */
export async function recordUnknownEmailFailure(
  context: IdentityContext,
  email: string,
): Promise<number | null> {
  const { tuning } = context;
  const key = macOf(context.keys.macKey, 'login-email', normalizeEmail(email));
  const decision = await context.limiter.consume('identity:login-unknown-email', key, {
    points: tuning.unknownEmailFailuresMax,
    durationS: Math.ceil(tuning.accountLockMs / 1000),
  });
  if (decision.allowed && decision.remaining > 0) return null;
  return decision.allowed ? tuning.accountLockMs : decision.retryAfterMs;
}
