import {
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { DomainError, newId } from '@tradeloom/kernel';
import './errors.js';
import type { IdentityContext, RequestContext } from './identity-context.js';
import type { FactorChange } from './manage-totp.js';
import { listPasskeys, type PasskeyView, passkeyRecordsOf } from './passkey-store.js';
import { type ReauthProof, reauthenticate } from './reauthenticate.js';
import { isUniqueViolation } from './register-user.js';
import { relyingPartyOf } from './relying-party.js';
import { replaceRecoveryCodes } from './second-factor.js';
import { applySecondFactorChange } from './second-factor-change.js';
import { isoOf } from './timestamps.js';
import { findUserById, lockUser } from './user-repository.js';
import { challengeIn, issueChallenge, passkeyRefused, useChallenge } from './webauthn-challenges.js';

/** Passkeys one user may hold (one per device is the norm; the bound keeps lists and options small). */
export const PASSKEYS_PER_USER_MAX = 20;

/** A passkey just added: the rotated session, and recovery codes when it is the first second factor. */
export interface PasskeyAdded extends FactorChange {
  passkey: PasskeyView;
  /** Ten new recovery codes when the account had no second factor before (shown once), else null. */
  recoveryCodes: string[] | null;
}

/**
 * Starts adding a passkey after re-authentication (current password, and a code with 2FA on): the
 * options for navigator.credentials.create(), with a challenge bound to this user (5 min, single use).
 * Asks for a discoverable credential so the passkey can also sign in without the password.
 */
export async function startPasskeyRegistration(
  context: IdentityContext,
  userId: string,
  input: ReauthProof,
  request: RequestContext,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const { user } = await reauthenticate(context, userId, input, request);
  if (user.emailVerifiedAtMs === null) {
    throw new DomainError('IDENTITY_EMAIL_NOT_VERIFIED', 'Verify your email address before adding a passkey');
  }
  const existing = await passkeyRecordsOf(context.database, userId);
  if (existing.length >= PASSKEYS_PER_USER_MAX) throw limitReached();
  const { bytes } = await issueChallenge(context, context.database, { purpose: 'registration', userId });
  const rp = relyingPartyOf(context.config, context.totpIssuer);
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.rpID,
    userName: user.email,
    userID: new TextEncoder().encode(user.id),
    userDisplayName: user.displayName ?? user.email,
    challenge: bytes,
    timeout: 5 * 60_000,
    attestationType: 'none',
    excludeCredentials: existing.map((record) => ({
      id: record.credentialId,
      transports: record.transports,
    })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
  });
}

/**
 * Finishes adding a passkey: the response must answer a live registration challenge of this user,
 * from our origin and RP id, with user presence. Then, like any factor change: withdrawals lock 24 h,
 * the session rotates, other sessions end on request, the user is mailed, the change is audited.
 */
export async function finishPasskeyRegistration(
  context: IdentityContext,
  userId: string,
  sessionId: string | undefined,
  input: { response: RegistrationResponseJSON; label?: string; endOtherSessions: boolean },
  request: RequestContext,
): Promise<PasskeyAdded> {
  const challenge = challengeIn(input.response.response.clientDataJSON);
  await useChallenge(context, { challenge, purpose: 'registration', userId });
  const rp = relyingPartyOf(context.config, context.totpIssuer);
  const verification = await verifyRegistrationResponse({
    response: input.response,
    expectedChallenge: challenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.rpID,
    requireUserVerification: false,
  }).catch(() => null);
  if (verification === null || !verification.verified) throw passkeyRefused('verification');
  const info = verification.registrationInfo;
  const now = context.clock.nowMs();
  const passkeyId = newId('pky');
  const label = input.label?.trim() || defaultLabel(input.response);
  return context.database.transaction(async (tx) => {
    const user = await lockUser(tx, userId);
    if (user === null) throw new DomainError('IDENTITY_USER_NOT_FOUND', 'No such user');
    const count = await tx.query('SELECT count(*)::int AS n FROM passkeys WHERE user_id = $1', [userId]);
    if (Number(count.rows[0]?.n ?? 0) >= PASSKEYS_PER_USER_MAX) throw limitReached();
    try {
      await tx.query(
        `INSERT INTO passkeys (id, user_id, credential_id, public_key, counter, transports, aaguid,
           device_type, backed_up, label, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          passkeyId,
          userId,
          info.credential.id,
          Buffer.from(info.credential.publicKey).toString('base64url'),
          info.credential.counter,
          JSON.stringify(input.response.response.transports ?? []),
          info.aaguid,
          info.credentialDeviceType,
          info.credentialBackedUp,
          label,
          isoOf(now),
        ],
      );
    } catch (error) {
      // excludeCredentials should have stopped it; a credential is never registered twice.
      if (isUniqueViolation(error)) throw passkeyRefused('verification');
      throw error;
    }
    // The first second factor of the account comes with recovery codes, as TOTP does.
    const recoveryCodes = user.twoFactorEnabled ? null : await replaceRecoveryCodes(context, tx, userId);
    // The label is the user's free text: it stays out of the mail (templates are not ours to trust).
    const effects = await applySecondFactorChange(context, tx, {
      user,
      sessionId,
      request,
      endOtherSessions: input.endOtherSessions,
      action: 'identity.passkey.add',
      auditAfter: { passkeyId, aaguid: info.aaguid },
      change: 'a passkey was added',
    });
    const passkey = (await listPasskeys(tx, userId)).find((view) => view.id === passkeyId);
    if (passkey === undefined) throw new Error('identity: the passkey just added is missing');
    return { ...effects, passkey, recoveryCodes };
  });
}

/**
 * Removes one of the user's passkeys after re-authentication (another user's id answers
 * IDENTITY_PASSKEY_NOT_FOUND, like an unknown one). With it the last second factor goes, the
 * recovery codes go too. Same consequences as any factor change.
 */
export async function removePasskey(
  context: IdentityContext,
  userId: string,
  sessionId: string | undefined,
  passkeyId: string,
  input: ReauthProof & { endOtherSessions: boolean },
  request: RequestContext,
): Promise<FactorChange> {
  const owned = await context.database.query('SELECT id FROM passkeys WHERE id = $1 AND user_id = $2', [
    passkeyId,
    userId,
  ]);
  if (owned.rows.length === 0) throw notFound();
  const { user } = await reauthenticate(context, userId, input, request);
  return context.database.transaction(async (tx) => {
    const { rows } = await tx.query('DELETE FROM passkeys WHERE id = $1 AND user_id = $2 RETURNING id', [
      passkeyId,
      userId,
    ]);
    const removed = rows[0];
    if (removed === undefined) throw notFound();
    const after = await findUserById(tx, userId);
    if (after !== null && !after.twoFactorEnabled) {
      await tx.query('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
    }
    return applySecondFactorChange(context, tx, {
      user,
      sessionId,
      request,
      endOtherSessions: input.endOtherSessions,
      action: 'identity.passkey.remove',
      auditAfter: { passkeyId },
      change: 'a passkey was removed',
    });
  });
}

function defaultLabel(response: RegistrationResponseJSON): string {
  return response.authenticatorAttachment === 'cross-platform' ? 'Security key' : 'Passkey';
}

function limitReached(): DomainError {
  return new DomainError('IDENTITY_PASSKEY_LIMIT', `At most ${PASSKEYS_PER_USER_MAX} passkeys per account`);
}

function notFound(): DomainError {
  return new DomainError('IDENTITY_PASSKEY_NOT_FOUND', 'No such passkey');
}
