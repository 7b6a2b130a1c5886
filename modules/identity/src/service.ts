import { DomainError } from '@tradeloom/kernel';
import { assertNotLocked, clearAuthFailures } from './account-protection.js';
import { setAntiPhishingCode } from './anti-phishing-code.js';
import { confirmEmailChange, requestEmailChange } from './change-email.js';
import { changePassword } from './change-password.js';
import './errors.js';
import type { IdentityContext, RequestContext } from './identity-context.js';
import { type LoginResult, logIn, logInSecondFactor } from './log-in.js';
import { type LoginEvent, listLoginEvents } from './login-events.js';
import {
  confirmTotp,
  disableTotp,
  type FactorChange,
  regenerateRecoveryCodes,
  resetTwoFactor,
  startTotpEnrolment,
  type TotpEnrolment,
  type TwoFactorStatus,
  twoFactorStatus,
} from './manage-totp.js';
import { normalizeEmail } from './normalize-email.js';
import { audit } from './notify.js';
import { type PurgeCounts, type PurgePolicy, purgeExpired } from './purge-expired.js';
import type { ReauthProof } from './reauthenticate.js';
import { checkSecondFactor } from './reauthenticate.js';
import { createUser, type RegisterInput, registerUser } from './register-user.js';
import { completePasswordReset, inspectResetToken, requestPasswordReset } from './reset-password.js';
import {
  listSessions,
  type NewSession,
  revokeSession,
  revokeUserSessions,
  type SessionView,
} from './session-store.js';
import { isoOf } from './timestamps.js';
import { findUserByEmail, findUserById, publicUser, type User } from './user-repository.js';
import { resendVerification, verifyEmail } from './verify-email.js';

/** A session in the owner's list, flagged when it is the one asking. */
export interface OwnSession extends SessionView {
  current: boolean;
}

/** Identity's service: what other modules, the CLI and identity's own routes call. */
export interface IdentityService {
  /** Creates a user directly (CLI, seeding, tests); IDENTITY_EMAIL_TAKEN / IDENTITY_WEAK_PASSWORD. */
  createUser(input: RegisterInput & { emailVerified?: boolean }, actor?: string): Promise<User>;
  findUserByEmail(email: string): Promise<User | null>;
  getUser(id: string): Promise<User | null>;
  /** The code every mail to the user shows, or null when they set none. */
  antiPhishingCodeOf(userId: string): Promise<string | null>;
  /** Operator action: removes the user's second factor (audited with the reason; the user is mailed). */
  resetTwoFactor(userId: string, reason: string, actor: string): Promise<void>;
  /**
   * Checks and uses up a TOTP code (each time step once) or a recovery code; throws
   * IDENTITY_SECOND_FACTOR_INVALID / _REQUIRED / _NOT_ENABLED or IDENTITY_ACCOUNT_LOCKED.
   */
  verifySecondFactor(userId: string, code: string, request?: RequestContext): Promise<void>;
  hasSecondFactor(userId: string): Promise<boolean>;
  /** Epoch ms until which withdrawals are refused after a security change; null when not locked. */
  withdrawalsLockedUntil(userId: string): Promise<number | null>;
  /** Blocks (ending every session) or unblocks a user. */
  setUserStatus(userId: string, status: 'active' | 'blocked', reason: string, actor: string): Promise<void>;

  register(input: RegisterInput, request: RequestContext): Promise<void>;
  verifyEmail(token: string, request: RequestContext): Promise<User>;
  resendVerification(email: string): Promise<void>;
  logIn(
    input: { email: string; password: string },
    request: RequestContext,
    replacedSessionId?: string,
  ): Promise<LoginResult>;
  logInSecondFactor(
    input: { pendingToken: string; code: string },
    request: RequestContext,
    replacedSessionId?: string,
  ): Promise<LoginResult>;
  logOut(sessionId: string, userId: string, request: RequestContext): Promise<void>;
  requestPasswordReset(email: string, request: RequestContext): Promise<void>;
  inspectResetToken(token: string): Promise<{ secondFactorRequired: boolean }>;
  completePasswordReset(
    input: { token: string; newPassword: string; code?: string },
    request: RequestContext,
  ): Promise<void>;
  changePassword(
    userId: string,
    sessionId: string | undefined,
    input: ReauthProof & { newPassword: string; endOtherSessions: boolean },
    request: RequestContext,
  ): Promise<{ session: NewSession | null; endedSessions: number }>;
  requestEmailChange(
    userId: string,
    input: ReauthProof & { newEmail: string },
    request: RequestContext,
  ): Promise<void>;
  confirmEmailChange(token: string, request: RequestContext): Promise<User>;
  setAntiPhishingCode(
    userId: string,
    input: ReauthProof & { antiPhishingCode: string | null },
    request: RequestContext,
  ): Promise<void>;
  startTotpEnrolment(userId: string, input: ReauthProof, request: RequestContext): Promise<TotpEnrolment>;
  confirmTotp(
    userId: string,
    sessionId: string | undefined,
    input: { code: string; endOtherSessions: boolean },
    request: RequestContext,
  ): Promise<FactorChange & { recoveryCodes: string[] }>;
  disableTotp(
    userId: string,
    sessionId: string | undefined,
    input: ReauthProof & { endOtherSessions: boolean },
    request: RequestContext,
  ): Promise<FactorChange>;
  regenerateRecoveryCodes(
    userId: string,
    sessionId: string | undefined,
    input: ReauthProof & { endOtherSessions: boolean },
    request: RequestContext,
  ): Promise<FactorChange & { recoveryCodes: string[] }>;
  twoFactorStatus(userId: string): Promise<TwoFactorStatus>;
  listSessions(userId: string, currentSessionId: string | undefined): Promise<OwnSession[]>;
  /** One of the user's live sessions, or null. */
  getSession(userId: string, sessionId: string): Promise<SessionView | null>;
  /** Ends one of the user's own sessions; IDENTITY_SESSION_NOT_FOUND for anyone else's id. */
  revokeSession(userId: string, sessionId: string, request: RequestContext): Promise<void>;
  revokeOtherSessions(userId: string, currentSessionId: string, request: RequestContext): Promise<number>;
  loginHistory(userId: string, limit: number): Promise<LoginEvent[]>;
  /** Deletes spent tokens, ended sessions and old login history (a worker job calls it). */
  purgeExpired(policy?: PurgePolicy): Promise<PurgeCounts>;
}

/** Builds the service over a resolved context. */
export function createIdentityService(context: IdentityContext): IdentityService {
  const db = context.database;
  return {
    createUser: (input, actor = 'system') => createUser(context, input, actor),
    findUserByEmail: async (email) => {
      const user = await findUserByEmail(db, normalizeEmail(email));
      return user === null ? null : publicUser(user);
    },
    getUser: async (id) => {
      const user = await findUserById(db, id);
      return user === null ? null : publicUser(user);
    },
    antiPhishingCodeOf: async (userId) => (await findUserById(db, userId))?.antiPhishingCode ?? null,
    resetTwoFactor: (userId, reason, actor) => resetTwoFactor(context, userId, reason, actor),
    verifySecondFactor: async (userId, code, request = { ip: 'unknown' }) => {
      const user = await findUserById(db, userId);
      if (user === null) throw new DomainError('IDENTITY_USER_NOT_FOUND', 'No such user');
      if (!user.twoFactorEnabled) {
        throw new DomainError('IDENTITY_SECOND_FACTOR_NOT_ENABLED', 'Two-factor authentication is not on');
      }
      assertNotLocked(context, user);
      const kind = await checkSecondFactor(context, user, code, request);
      await clearAuthFailures(db, user);
      if (kind === 'recovery_code') {
        await audit(context, db, {
          actor: userId,
          action: 'identity.recovery-code.use',
          target: userId,
          ip: request.ip,
        });
      }
    },
    hasSecondFactor: async (userId) => (await findUserById(db, userId))?.twoFactorEnabled ?? false,
    withdrawalsLockedUntil: async (userId) => {
      const until = (await findUserById(db, userId))?.withdrawalsLockedUntilMs ?? null;
      return until !== null && until > context.clock.nowMs() ? until : null;
    },
    setUserStatus: async (userId, status, reason, actor) => {
      await db.transaction(async (tx) => {
        const { rows } = await tx.query('UPDATE users SET status = $2 WHERE id = $1 RETURNING id', [
          userId,
          status,
        ]);
        if (rows.length === 0) throw new DomainError('IDENTITY_USER_NOT_FOUND', 'No such user');
        const endedSessions =
          status === 'blocked' ? await revokeUserSessions(context, tx, userId, 'blocked') : 0;
        await audit(context, tx, {
          actor,
          action: status === 'blocked' ? 'identity.user.block' : 'identity.user.unblock',
          target: userId,
          after: { reason, endedSessions },
        });
      });
    },

    register: (input, request) => registerUser(context, input, request),
    verifyEmail: (token, request) => verifyEmail(context, token, request),
    resendVerification: (email) => resendVerification(context, email),
    logIn: (input, request, replacedSessionId) => logIn(context, input, request, replacedSessionId),
    logInSecondFactor: (input, request, replacedSessionId) =>
      logInSecondFactor(context, input, request, replacedSessionId),
    logOut: async (sessionId, userId, request) => {
      await db.transaction(async (tx) => {
        await revokeSession(context, tx, sessionId, 'logout');
        await audit(context, tx, {
          actor: userId,
          action: 'identity.logout',
          target: userId,
          ip: request.ip,
          after: { sessionId },
        });
      });
    },
    requestPasswordReset: (email, request) => requestPasswordReset(context, email, request),
    inspectResetToken: (token) => inspectResetToken(context, token),
    completePasswordReset: (input, request) => completePasswordReset(context, input, request),
    changePassword: (userId, sessionId, input, request) =>
      changePassword(context, userId, sessionId, input, request),
    requestEmailChange: (userId, input, request) => requestEmailChange(context, userId, input, request),
    confirmEmailChange: (token, request) => confirmEmailChange(context, token, request),
    setAntiPhishingCode: (userId, input, request) => setAntiPhishingCode(context, userId, input, request),
    startTotpEnrolment: (userId, input, request) => startTotpEnrolment(context, userId, input, request),
    confirmTotp: (userId, sessionId, input, request) =>
      confirmTotp(context, userId, sessionId, input, request),
    disableTotp: (userId, sessionId, input, request) =>
      disableTotp(context, userId, sessionId, input, request),
    regenerateRecoveryCodes: (userId, sessionId, input, request) =>
      regenerateRecoveryCodes(context, userId, sessionId, input, request),
    twoFactorStatus: (userId) => twoFactorStatus(context, userId),
    listSessions: async (userId, currentSessionId) =>
      (await listSessions(context, userId)).map((session) => ({
        ...session,
        current: session.id === currentSessionId,
      })),
    getSession: async (userId, sessionId) =>
      (await listSessions(context, userId)).find((session) => session.id === sessionId) ?? null,
    revokeSession: async (userId, sessionId, request) => {
      await db.transaction(async (tx) => {
        // Scoped to the caller: another user's session id looks exactly like a nonexistent one.
        const { rows } = await tx.query(
          `UPDATE sessions SET revoked_at = $3, revoked_reason = 'revoked_by_user'
           WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING id`,
          [sessionId, userId, isoOf(context.clock.nowMs())],
        );
        if (rows.length === 0) throw new DomainError('IDENTITY_SESSION_NOT_FOUND', 'No such session');
        await audit(context, tx, {
          actor: userId,
          action: 'identity.session.revoke',
          target: userId,
          ip: request.ip,
          after: { sessionId },
        });
      });
    },
    revokeOtherSessions: (userId, currentSessionId, request) =>
      db.transaction(async (tx) => {
        const ended = await revokeUserSessions(context, tx, userId, 'revoked_by_user', currentSessionId);
        await audit(context, tx, {
          actor: userId,
          action: 'identity.session.revoke-others',
          target: userId,
          ip: request.ip,
          after: { endedSessions: ended },
        });
        return ended;
      }),
    loginHistory: (userId, limit) => listLoginEvents(context, userId, limit),
    purgeExpired: (policy) => purgeExpired(context, policy),
  };
}
