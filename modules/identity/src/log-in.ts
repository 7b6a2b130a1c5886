import { DomainError } from '@tradeloom/kernel';
import {
  accountLocked,
  assertNotLocked,
  clearAuthFailures,
  recordAuthFailure,
  recordUnknownEmailFailure,
  throttleLoginIp,
} from './account-protection.js';
import { consumeToken, countTokenAttempt, issueToken, readToken } from './auth-tokens.js';
import './errors.js';
import type { IdentityContext, RequestContext } from './identity-context.js';
import { noteDevice } from './known-devices.js';
import { type LoginMethod, recordLoginEvent } from './login-events.js';
import { normalizeEmail } from './normalize-email.js';
import { audit } from './notify.js';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from './password-hash.js';
import { useSecondFactorCode } from './second-factor.js';
import { createSession, type NewSession, revokeSession } from './session-store.js';
import {
  findUserByEmail,
  findUserById,
  lockUser,
  publicUser,
  type User,
  type UserRecord,
} from './user-repository.js';

/** How a login step ended: signed in (set the cookies), or the second step is due. */
export type LoginResult =
  | { status: 'signed_in'; user: User; session: NewSession; deviceToken: string }
  | {
      status: 'second_factor_required';
      pendingToken: string;
      expiresAtMs: number;
      /** What the second step accepts for this user. */
      methods: SecondFactorMethod[];
    };

/** A proof the second login step accepts. */
export type SecondFactorMethod = 'totp' | 'recovery_code' | 'passkey';

function invalidCredentials(): DomainError {
  return new DomainError('IDENTITY_INVALID_CREDENTIALS', 'Wrong email or password');
}

/**
 * The password step. Per IP, attempts are throttled; per account, consecutive failures lock it
 * (account-protection.ts). An unknown email costs one dummy verification and answers exactly like a
 * wrong password (and, after as many tries, like a locked account). A blocked account is only
 * revealed to someone who knows its password. With TOTP on, answers a pending-login token instead of
 * a session. `replacedSessionId`: the session the browser came with, ended on success.
 */
export async function logIn(
  context: IdentityContext,
  input: { email: string; password: string },
  request: RequestContext,
  replacedSessionId?: string,
): Promise<LoginResult> {
  await throttleLoginIp(context, request.ip);
  const email = normalizeEmail(input.email);
  const user = await findUserByEmail(context.database, email);
  if (user === null || user.passwordHash === null) {
    await verifyAgainstDummy(input.password);
    const lockMs = user === null ? await recordUnknownEmailFailure(context, email) : null;
    if (lockMs !== null) throw accountLocked(lockMs);
    throw invalidCredentials();
  }
  try {
    assertNotLocked(context, user);
  } catch (error) {
    // A locked account answers no faster than an unknown email does.
    await verifyAgainstDummy(input.password);
    throw error;
  }
  if (!(await verifyPassword(user.passwordHash, input.password))) {
    const lockMs = await recordAuthFailure(context, user.id, request, {
      action: 'identity.login.failed',
      reason: 'wrong_password',
      login: { outcome: 'wrong_password', method: 'password' },
    });
    if (lockMs !== null) throw accountLocked(lockMs);
    throw invalidCredentials();
  }
  await assertActive(context, user, request, 'password');
  if (needsRehash(user.passwordHash)) {
    await context.database.query('UPDATE users SET password_hash = $2 WHERE id = $1', [
      user.id,
      await hashPassword(input.password),
    ]);
  }
  if (user.twoFactorEnabled) return pendingSecondFactor(context, user);
  return startSession(context, user.id, request, 'password', null, replacedSessionId);
}

/** The answer of a first login step when the account has a second factor: a pending-login token. */
export async function pendingSecondFactor(context: IdentityContext, user: UserRecord): Promise<LoginResult> {
  const pending = await issueToken(context, context.database, {
    purpose: 'pending_login',
    userId: user.id,
    ttlMs: context.tuning.pendingLoginMs,
  });
  const methods: SecondFactorMethod[] = [];
  if (user.totpEnabled) methods.push('totp');
  if (user.hasPasskeys) methods.push('passkey');
  methods.push('recovery_code');
  return {
    status: 'second_factor_required',
    pendingToken: pending.token,
    expiresAtMs: pending.expiresAtMs,
    methods,
  };
}

/**
 * The second step: the pending-login token and a TOTP or recovery code. A wrong code counts against
 * the token (it dies after `pendingLoginAttemptsMax`) and against the account's lockout.
 */
export async function logInSecondFactor(
  context: IdentityContext,
  input: { pendingToken: string; code: string },
  request: RequestContext,
  replacedSessionId?: string,
): Promise<LoginResult> {
  const pending = await readToken(context, context.database, 'pending_login', input.pendingToken);
  const user = await findUserById(context.database, pending.userId);
  if (user === null) throw new DomainError('IDENTITY_TOKEN_INVALID', 'This login attempt is not valid');
  assertNotLocked(context, user);
  const kind = await useSecondFactorCode(context, context.database, user.id, input.code);
  if (kind === null) {
    await recordSecondStepFailure(context, user.id, input.pendingToken, request, 'totp');
    throw new DomainError('IDENTITY_SECOND_FACTOR_INVALID', 'Wrong or already used code');
  }
  await consumeToken(context, context.database, 'pending_login', input.pendingToken);
  await assertActive(context, user, request, kind);
  return startSession(context, user.id, request, kind, context.clock.nowMs(), replacedSessionId);
}

/** Refuses a blocked account (recorded in its login history and the audit log). */
export async function assertActive(
  context: IdentityContext,
  user: UserRecord,
  request: RequestContext,
  method: LoginMethod,
): Promise<void> {
  if (user.status === 'active') return;
  await context.database.transaction(async (tx) => {
    await recordLoginEvent(context, tx, { userId: user.id, outcome: 'blocked', method, request });
    await audit(context, tx, {
      actor: 'anonymous',
      action: 'identity.login.failed',
      target: user.id,
      ip: request.ip,
      after: { reason: 'blocked' },
    });
  });
  throw new DomainError('IDENTITY_ACCOUNT_BLOCKED', 'This account is blocked; contact support');
}

/** Signs the user in: a new session (ending `replacedSessionId`), device noted, login audited. */
export async function startSession(
  context: IdentityContext,
  userId: string,
  request: RequestContext,
  method: LoginMethod,
  secondFactorAtMs: number | null,
  replacedSessionId: string | undefined,
): Promise<LoginResult> {
  return context.database.transaction(async (tx) => {
    const user = await lockUser(tx, userId);
    if (user === null) throw invalidCredentials();
    await clearAuthFailures(tx, user);
    if (replacedSessionId !== undefined) await revokeSession(context, tx, replacedSessionId, 'replaced');
    const session = await createSession(context, tx, { userId, request, secondFactorAtMs });
    const deviceToken = await noteDevice(context, tx, user, request);
    await recordLoginEvent(context, tx, { userId, outcome: 'success', method, request });
    await audit(context, tx, {
      actor: userId,
      action: 'identity.login',
      target: userId,
      ip: request.ip,
      after: { sessionId: session.id, method },
    });
    if (method === 'recovery_code') {
      await audit(context, tx, {
        actor: userId,
        action: 'identity.recovery-code.use',
        target: userId,
        ip: request.ip,
      });
    }
    return { status: 'signed_in', user: publicUser(user), session, deviceToken };
  });
}

/**
 * A refused second login step: counts it against the pending login's tries and the account's
 * failures (audited, in the login history); throws IDENTITY_ACCOUNT_LOCKED when that locks the account.
 */
export async function recordSecondStepFailure(
  context: IdentityContext,
  userId: string,
  pendingToken: string,
  request: RequestContext,
  method: 'totp' | 'passkey',
): Promise<void> {
  await countTokenAttempt(
    context,
    context.database,
    'pending_login',
    pendingToken,
    context.tuning.pendingLoginAttemptsMax,
  );
  const lockMs = await recordAuthFailure(context, userId, request, {
    action: 'identity.login.failed',
    reason: 'wrong_second_factor',
    login: { outcome: 'wrong_second_factor', method },
  });
  if (lockMs !== null) throw accountLocked(lockMs);
}
