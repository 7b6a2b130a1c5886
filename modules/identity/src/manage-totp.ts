import { DomainError, newId } from '@tradeloom/kernel';
import './errors.js';
import type { IdentityContext, RequestContext } from './identity-context.js';
import { audit, nameOf, sendMail } from './notify.js';
import { type ReauthProof, reauthenticate } from './reauthenticate.js';
import { countRecoveryCodes, replaceRecoveryCodes, sealContextOf } from './second-factor.js';
import { applySecondFactorChange } from './second-factor-change.js';
import { open, seal } from './secret-keys.js';
import { applySecurityChange } from './security-change.js';
import { type NewSession, revokeUserSessions } from './session-store.js';
import { isoOf, msOrNull } from './timestamps.js';
import { matchTotp, newTotpSecret, totpProvisioning } from './totp.js';
import { findUserById, lockUser } from './user-repository.js';

/** What an authenticator app needs to add the account. The secret is shown this once. */
export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
  qrCodeDataUrl: string;
}

/** The result of a factor change: the rotated session and what else happened. */
export interface FactorChange {
  session: NewSession | null;
  endedSessions: number;
}

/** The user's second-factor state. */
export interface TwoFactorStatus {
  totpEnabled: boolean;
  totpEnabledAt: string | null;
  /** How many passkeys the user registered (each is a second factor too). */
  passkeys: number;
  recoveryCodesLeft: number;
}

/**
 * Starts TOTP enrolment after re-authentication with the password: a new seed, sealed at rest,
 * waits as a pending factor (a newer start replaces it) until a code from the app confirms it.
 * Needs a verified email, so nobody can put a factor on an address they do not own.
 */
export async function startTotpEnrolment(
  context: IdentityContext,
  userId: string,
  input: ReauthProof,
  request: RequestContext,
): Promise<TotpEnrolment> {
  const current = await findUserById(context.database, userId);
  if (current?.totpEnabled === true) throw alreadyEnabled();
  const { user } = await reauthenticate(context, userId, input, request);
  if (user.emailVerifiedAtMs === null) {
    throw new DomainError('IDENTITY_EMAIL_NOT_VERIFIED', 'Verify your email address before turning on 2FA');
  }
  const secret = newTotpSecret();
  const factorId = newId('fac');
  const now = isoOf(context.clock.nowMs());
  await context.database.transaction(async (tx) => {
    await tx.query(`DELETE FROM user_factors WHERE user_id = $1 AND kind = 'totp' AND status = 'pending'`, [
      userId,
    ]);
    await tx.query(
      `INSERT INTO user_factors (id, user_id, kind, status, label, secret_sealed, created_at)
       VALUES ($1, $2, 'totp', 'pending', 'Authenticator app', $3, $4)`,
      [factorId, userId, seal(context.keys.sealKey, secret, sealContextOf(factorId)), now],
    );
    await audit(context, tx, {
      actor: userId,
      action: 'identity.totp.enrolment.start',
      target: userId,
      ip: request.ip,
    });
  });
  const { uri, qrCodeDataUrl } = await totpProvisioning(secret, context.totpIssuer, user.email);
  return { secret, otpauthUri: uri, qrCodeDataUrl };
}

/**
 * Confirms the pending TOTP factor with a code from the app: 2FA is on, ten recovery codes are
 * returned (shown once), the session is rotated, withdrawals lock 24 h, others sessions end on request.
 */
export async function confirmTotp(
  context: IdentityContext,
  userId: string,
  sessionId: string | undefined,
  input: { code: string; endOtherSessions: boolean },
  request: RequestContext,
): Promise<FactorChange & { recoveryCodes: string[] }> {
  return context.database.transaction(async (tx) => {
    const user = await lockUser(tx, userId);
    if (user === null) throw new DomainError('IDENTITY_USER_NOT_FOUND', 'No such user');
    if (user.totpEnabled) throw alreadyEnabled();
    const { rows } = await tx.query(
      `SELECT id, secret_sealed FROM user_factors WHERE user_id = $1 AND kind = 'totp' AND status = 'pending'`,
      [userId],
    );
    const pending = rows[0];
    if (pending === undefined) {
      throw new DomainError('IDENTITY_TOTP_ENROLMENT_NOT_STARTED', 'Start the authenticator set-up first');
    }
    const factorId = String(pending.id);
    const now = context.clock.nowMs();
    const step = await matchTotp({
      secret: open(context.keys.sealKey, String(pending.secret_sealed), sealContextOf(factorId)),
      code: input.code.replace(/\s/g, ''),
      nowMs: now,
      toleranceSteps: context.tuning.totpStepTolerance,
      afterStep: null,
    });
    if (step === null) {
      throw new DomainError('IDENTITY_SECOND_FACTOR_INVALID', 'Wrong code: check the time on your device');
    }
    await tx.query(
      `UPDATE user_factors SET status = 'active', confirmed_at = $2, last_used_step = $3, last_used_at = $2
       WHERE id = $1`,
      [factorId, isoOf(now), step],
    );
    const recoveryCodes = await replaceRecoveryCodes(context, tx, userId);
    const effects = await applySecondFactorChange(context, tx, {
      user,
      sessionId,
      request,
      endOtherSessions: input.endOtherSessions,
      secondFactorAtMs: now,
      action: 'identity.totp.enable',
      auditAfter: { factorId },
      change: 'turned on',
    });
    return { ...effects, recoveryCodes };
  });
}

/** Turns TOTP off after re-authentication with the password and a TOTP or recovery code. */
export async function disableTotp(
  context: IdentityContext,
  userId: string,
  sessionId: string | undefined,
  input: ReauthProof & { endOtherSessions: boolean },
  request: RequestContext,
): Promise<FactorChange> {
  const { user } = await reauthenticate(context, userId, requireCode(input), request);
  if (!user.totpEnabled) throw notEnabled();
  return context.database.transaction(async (tx) => {
    await tx.query(`DELETE FROM user_factors WHERE user_id = $1 AND kind = 'totp'`, [userId]);
    // The recovery codes back up the second factor as a whole: they stay while a passkey does.
    if (!user.hasPasskeys) await tx.query('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
    const effects = await applySecondFactorChange(context, tx, {
      user,
      sessionId,
      request,
      endOtherSessions: input.endOtherSessions,
      action: 'identity.totp.disable',
      auditAfter: {},
      change: 'turned off',
    });
    return effects;
  });
}

/** Replaces the recovery codes (the old ones die) after re-authentication with password and code. */
export async function regenerateRecoveryCodes(
  context: IdentityContext,
  userId: string,
  sessionId: string | undefined,
  input: ReauthProof & { endOtherSessions: boolean },
  request: RequestContext,
): Promise<FactorChange & { recoveryCodes: string[] }> {
  const { user } = await reauthenticate(context, userId, requireCode(input), request);
  if (!user.twoFactorEnabled) throw notEnabled();
  return context.database.transaction(async (tx) => {
    const recoveryCodes = await replaceRecoveryCodes(context, tx, userId);
    const effects = await applySecondFactorChange(context, tx, {
      user,
      sessionId,
      request,
      endOtherSessions: input.endOtherSessions,
      action: 'identity.recovery-codes.regenerate',
      auditAfter: null,
      change: 'new recovery codes issued',
    });
    return { ...effects, recoveryCodes };
  });
}

/**
 * Operator action for a user who lost their authenticator and recovery codes (after checking who
 * they are out of band): removes the second factors (TOTP and passkeys) and recovery codes, ends every session, locks
 * withdrawals 24 h, audits the reason and mails the user.
 */
export async function resetTwoFactor(
  context: IdentityContext,
  userId: string,
  reason: string,
  actor: string,
): Promise<void> {
  await context.database.transaction(async (tx) => {
    const user = await lockUser(tx, userId);
    if (user === null) throw new DomainError('IDENTITY_USER_NOT_FOUND', 'No such user');
    await tx.query('DELETE FROM user_factors WHERE user_id = $1', [userId]);
    const passkeys = await tx.query('DELETE FROM passkeys WHERE user_id = $1 RETURNING id', [userId]);
    await tx.query('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
    const endedSessions = await revokeUserSessions(context, tx, userId, 'operator');
    await applySecurityChange(context, tx, {
      userId,
      request: { ip: 'operator' },
      endOtherSessions: false,
      revokeReason: 'operator',
    });
    const now = isoOf(context.clock.nowMs());
    await audit(context, tx, {
      actor,
      action: 'identity.two-factor.reset',
      target: userId,
      before: { totpEnabled: user.totpEnabled, passkeys: passkeys.rows.length },
      after: { reason, endedSessions },
    });
    await sendMail(context, tx, {
      to: user.email,
      userId,
      template: 'identity.two-factor-changed',
      vars: { change: 'removed by support at your request', time: now, ...nameOf(user) },
    });
  });
}

/** Whether TOTP is on, since when, and how many recovery codes are left. */
export async function twoFactorStatus(context: IdentityContext, userId: string): Promise<TwoFactorStatus> {
  const { rows } = await context.database.query(
    `SELECT confirmed_at FROM user_factors WHERE user_id = $1 AND kind = 'totp' AND status = 'active'`,
    [userId],
  );
  const confirmedAtMs = msOrNull(rows[0]?.confirmed_at);
  const passkeys = await context.database.query(
    'SELECT count(*)::int AS n FROM passkeys WHERE user_id = $1',
    [userId],
  );
  const passkeyCount = Number(passkeys.rows[0]?.n ?? 0);
  return {
    totpEnabled: rows.length > 0,
    totpEnabledAt: confirmedAtMs === null ? null : isoOf(confirmedAtMs),
    passkeys: passkeyCount,
    recoveryCodesLeft:
      rows.length > 0 || passkeyCount > 0 ? await countRecoveryCodes(context.database, userId) : 0,
  };
}

// Turning the factor off needs the factor: a missing code is refused even before the password check.
function requireCode(input: ReauthProof): ReauthProof {
  if (input.code === undefined || input.code.trim() === '') {
    throw new DomainError('IDENTITY_SECOND_FACTOR_REQUIRED', 'Enter a code from your authenticator app');
  }
  return input;
}

function alreadyEnabled(): DomainError {
  return new DomainError('IDENTITY_SECOND_FACTOR_ALREADY_ENABLED', 'Two-factor authentication is already on');
}

function notEnabled(): DomainError {
  return new DomainError('IDENTITY_SECOND_FACTOR_NOT_ENABLED', 'Two-factor authentication is not on');
}
