import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  type PublicKeyCredentialRequestOptionsJSON,
  verifyAuthenticationResponse,
} from '@simplewebauthn/server';
import { DomainError } from '@tradeloom/kernel';
import { assertNotLocked } from './account-protection.js';
import { consumeToken, readToken } from './auth-tokens.js';
import './errors.js';
import type { IdentityContext, RequestContext } from './identity-context.js';
import { assertActive, type LoginResult, recordSecondStepFailure, startSession } from './log-in.js';
import { audit } from './notify.js';
import {
  advanceCounter,
  credentialOf,
  findPasskeyByCredentialId,
  type PasskeyRecord,
  passkeyRecordsOf,
} from './passkey-store.js';
import { relyingPartyOf } from './relying-party.js';
import { findUserById } from './user-repository.js';
import {
  type ChallengePurpose,
  challengeIn,
  issueChallenge,
  passkeyRefused,
  useChallenge,
  WEBAUTHN_CHALLENGE_TTL_MS,
} from './webauthn-challenges.js';

/**
 * Options for a passwordless sign-in: no allowCredentials (the authenticator offers its discoverable
 * credentials for our RP id), user verification required, a fresh unbound challenge.
 */
export async function passkeyLoginOptions(
  context: IdentityContext,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const { bytes } = await issueChallenge(context, context.database, { purpose: 'login', userId: null });
  return generateAuthenticationOptions({
    rpID: relyingPartyOf(context.config, context.totpIssuer).rpID,
    challenge: bytes,
    timeout: WEBAUTHN_CHALLENGE_TTL_MS,
    userVerification: 'required',
  });
}

/**
 * Passwordless sign-in with a discoverable passkey. A verified passkey is possession of the device
 * plus the user's PIN or biometric (UV required), so it signs in on its own even with 2FA on; the
 * session counts as having proved a second factor. Locked and blocked accounts are refused as usual.
 */
export async function logInWithPasskey(
  context: IdentityContext,
  input: { response: AuthenticationResponseJSON },
  request: RequestContext,
  replacedSessionId?: string,
): Promise<LoginResult> {
  const passkey = await verifyAssertion(context, input.response, {
    purpose: 'login',
    userId: null,
    requireUserVerification: true,
    request,
  });
  const user = await findUserById(context.database, passkey.userId);
  if (user === null) throw new Error('identity: a passkey points at a missing user');
  assertNotLocked(context, user);
  await assertActive(context, user, request, 'passkey');
  return startSession(context, user.id, request, 'passkey', context.clock.nowMs(), replacedSessionId);
}

/** Options for the second login step with a passkey: the pending login's user's credentials. */
export async function secondFactorPasskeyOptions(
  context: IdentityContext,
  input: { pendingToken: string },
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const pending = await readToken(context, context.database, 'pending_login', input.pendingToken);
  const passkeys = await passkeyRecordsOf(context.database, pending.userId);
  if (passkeys.length === 0) {
    throw new DomainError('IDENTITY_SECOND_FACTOR_NOT_ENABLED', 'This account has no passkey');
  }
  const { bytes } = await issueChallenge(context, context.database, {
    purpose: 'second_factor',
    userId: pending.userId,
  });
  return generateAuthenticationOptions({
    rpID: relyingPartyOf(context.config, context.totpIssuer).rpID,
    challenge: bytes,
    timeout: WEBAUTHN_CHALLENGE_TTL_MS,
    allowCredentials: passkeys.map((record) => ({ id: record.credentialId, transports: record.transports })),
    // The password already proved knowledge: presence on the registered device is the second factor.
    userVerification: 'preferred',
  });
}

/**
 * The second login step with a passkey. A refused response counts against the pending login (it dies
 * after `pendingLoginAttemptsMax`) and the account's lockout, like a wrong code.
 */
export async function logInSecondFactorPasskey(
  context: IdentityContext,
  input: { pendingToken: string; response: AuthenticationResponseJSON },
  request: RequestContext,
  replacedSessionId?: string,
): Promise<LoginResult> {
  const pending = await readToken(context, context.database, 'pending_login', input.pendingToken);
  const user = await findUserById(context.database, pending.userId);
  if (user === null) throw new DomainError('IDENTITY_TOKEN_INVALID', 'This login attempt is not valid');
  assertNotLocked(context, user);
  try {
    await verifyAssertion(context, input.response, {
      purpose: 'second_factor',
      userId: user.id,
      requireUserVerification: false,
      request,
    });
  } catch (error) {
    if (!(error instanceof DomainError) || error.code !== 'IDENTITY_PASSKEY_INVALID') throw error;
    await recordSecondStepFailure(context, user.id, input.pendingToken, request, 'passkey');
    throw error;
  }
  await consumeToken(context, context.database, 'pending_login', input.pendingToken);
  await assertActive(context, user, request, 'passkey');
  return startSession(context, user.id, request, 'passkey', context.clock.nowMs(), replacedSessionId);
}

/**
 * Checks an assertion: a live challenge of this purpose (and user) is used up first, then the
 * credential must be known (and the user's, when the user is known), the signature, origin, RP id
 * and flags valid (@simplewebauthn/server), and the signature counter must have moved forward. A
 * counter that did not (a cloned authenticator, or a replayed response) is refused and audited.
 */
async function verifyAssertion(
  context: IdentityContext,
  response: AuthenticationResponseJSON,
  expected: {
    purpose: ChallengePurpose;
    userId: string | null;
    requireUserVerification: boolean;
    request: RequestContext;
  },
): Promise<PasskeyRecord> {
  const challenge = challengeIn(response.response.clientDataJSON);
  await useChallenge(context, { challenge, purpose: expected.purpose, userId: expected.userId });
  const passkey = await findPasskeyByCredentialId(context.database, response.id);
  if (passkey === null) throw passkeyRefused('unknown_credential');
  if (expected.userId !== null && passkey.userId !== expected.userId)
    throw passkeyRefused('unknown_credential');
  const userHandle = response.response.userHandle;
  if (userHandle !== undefined && userHandle !== '') {
    if (Buffer.from(userHandle, 'base64url').toString('utf8') !== passkey.userId) {
      throw passkeyRefused('user_handle');
    }
  }
  const rp = relyingPartyOf(context.config, context.totpIssuer);
  // The library's own counter check is turned off (stored counter 0) so that a regression is told
  // apart from a bad signature, and checked below only for responses whose signature is valid.
  const verification = await verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.rpID,
    credential: credentialOf(passkey, 0),
    requireUserVerification: expected.requireUserVerification,
  }).catch(() => null);
  if (verification === null || !verification.verified) throw passkeyRefused('verification');
  const now = context.clock.nowMs();
  if (
    !(await advanceCounter(context.database, passkey.id, verification.authenticationInfo.newCounter, now))
  ) {
    await audit(context, context.database, {
      actor: 'anonymous',
      action: 'identity.passkey.counter-regression',
      target: passkey.userId,
      ip: expected.request.ip,
      after: {
        passkeyId: passkey.id,
        storedCounter: passkey.counter,
        presentedCounter: verification.authenticationInfo.newCounter,
      },
    });
    throw passkeyRefused('counter');
  }
  return passkey;
}
