import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { IdentityContext, RequestContext } from './identity-context.js';
import type { LoginResult } from './log-in.js';
import {
  finishPasskeyRegistration,
  type PasskeyAdded,
  removePasskey,
  startPasskeyRegistration,
} from './manage-passkeys.js';
import type { FactorChange } from './manage-totp.js';
import {
  logInSecondFactorPasskey,
  logInWithPasskey,
  passkeyLoginOptions,
  secondFactorPasskeyOptions,
} from './passkey-login.js';
import { listPasskeys, type PasskeyView } from './passkey-store.js';
import type { ReauthProof } from './reauthenticate.js';

/** WebAuthn passkeys: adding and removing them, passwordless sign-in, the passkey second step. */
export interface PasskeyService {
  startRegistration(
    userId: string,
    input: ReauthProof,
    request: RequestContext,
  ): Promise<PublicKeyCredentialCreationOptionsJSON>;
  finishRegistration(
    userId: string,
    sessionId: string | undefined,
    input: { response: RegistrationResponseJSON; label?: string; endOtherSessions: boolean },
    request: RequestContext,
  ): Promise<PasskeyAdded>;
  list(userId: string): Promise<PasskeyView[]>;
  remove(
    userId: string,
    sessionId: string | undefined,
    passkeyId: string,
    input: ReauthProof & { endOtherSessions: boolean },
    request: RequestContext,
  ): Promise<FactorChange>;
  loginOptions(): Promise<PublicKeyCredentialRequestOptionsJSON>;
  logIn(
    input: { response: AuthenticationResponseJSON },
    request: RequestContext,
    replacedSessionId?: string,
  ): Promise<LoginResult>;
  secondFactorOptions(input: { pendingToken: string }): Promise<PublicKeyCredentialRequestOptionsJSON>;
  logInSecondFactor(
    input: { pendingToken: string; response: AuthenticationResponseJSON },
    request: RequestContext,
    replacedSessionId?: string,
  ): Promise<LoginResult>;
}

/** Builds the passkey service over a resolved context. */
export function createPasskeyService(context: IdentityContext): PasskeyService {
  return {
    startRegistration: (userId, input, request) => startPasskeyRegistration(context, userId, input, request),
    finishRegistration: (userId, sessionId, input, request) =>
      finishPasskeyRegistration(context, userId, sessionId, input, request),
    list: (userId) => listPasskeys(context.database, userId),
    remove: (userId, sessionId, passkeyId, input, request) =>
      removePasskey(context, userId, sessionId, passkeyId, input, request),
    loginOptions: () => passkeyLoginOptions(context),
    logIn: (input, request, replacedSessionId) =>
      logInWithPasskey(context, input, request, replacedSessionId),
    secondFactorOptions: (input) => secondFactorPasskeyOptions(context, input),
    logInSecondFactor: (input, request, replacedSessionId) =>
      logInSecondFactorPasskey(context, input, request, replacedSessionId),
  };
}
