import { defineErrorCodes } from '@tradeloom/kernel';

/** The identity module's error codes and their HTTP statuses (imported for its side effect). */
export const identityErrors = defineErrorCodes({
  /** Wrong email or wrong password: one code for both, so answers do not tell which accounts exist. */
  IDENTITY_INVALID_CREDENTIALS: 401,
  /** The session cookie is unknown, revoked, idle too long or past its absolute end. */
  IDENTITY_SESSION_EXPIRED: 401,
  /** The action needs a verified email address (e.g. enabling 2FA). */
  IDENTITY_EMAIL_NOT_VERIFIED: 403,
  /** The password breaks a rule; `details.reasons` lists which. */
  IDENTITY_WEAK_PASSWORD: 400,
  /** The action needs a TOTP or recovery code and none was sent. */
  IDENTITY_SECOND_FACTOR_REQUIRED: 403,
  /** The TOTP or recovery code is wrong, already used, or the pending login has run out of tries. */
  IDENTITY_SECOND_FACTOR_INVALID: 403,
  /** The user has no second factor to verify against. */
  IDENTITY_SECOND_FACTOR_NOT_ENABLED: 409,
  /** TOTP is already on: disable it first. */
  IDENTITY_SECOND_FACTOR_ALREADY_ENABLED: 409,
  /** Confirming TOTP before starting the enrolment. */
  IDENTITY_TOTP_ENROLMENT_NOT_STARTED: 409,
  /** The emailed link or pending-login token is unknown or was used. */
  IDENTITY_TOKEN_INVALID: 400,
  /** The emailed link or pending-login token is past its expiry. */
  IDENTITY_TOKEN_EXPIRED: 400,
  /** Too many failed attempts on this account; `Retry-After` says when to try again. */
  IDENTITY_ACCOUNT_LOCKED: 429,
  /** Too many login attempts from this address; `Retry-After` says when to try again. */
  IDENTITY_LOGIN_THROTTLED: 429,
  /** An operator blocked the account. */
  IDENTITY_ACCOUNT_BLOCKED: 403,
  /** A security change needs the current password, and it was wrong. */
  IDENTITY_REAUTHENTICATION_REQUIRED: 403,
  /** The address belongs to another account (service calls and the final step of an email change). */
  IDENTITY_EMAIL_TAKEN: 409,
  IDENTITY_USER_NOT_FOUND: 404,
  /** No such session among the caller's own. */
  IDENTITY_SESSION_NOT_FOUND: 404,
  /** The route works on the caller's cookie session, and the request was not made with one. */
  IDENTITY_SESSION_REQUIRED: 403,
  /** A Sign-In with Ethereum message or signature was refused; `details.reason` says why. */
  IDENTITY_SIWE_INVALID: 401,
  /** The wallet or provider account proved is not linked to any user (link it while signed in). */
  IDENTITY_IDENTITY_NOT_LINKED: 401,
  /** The wallet or provider account is already linked to another user. */
  IDENTITY_IDENTITY_TAKEN: 409,
  /** No OpenID Connect provider with this id is configured. */
  IDENTITY_OIDC_PROVIDER_UNKNOWN: 404,
  /** The OpenID Connect callback was refused (state, code, id_token); `details.reason` says why. */
  IDENTITY_OIDC_FAILED: 401,
  /** The provider did not vouch for the email, and an account already uses it: sign in and link. */
  IDENTITY_OIDC_EMAIL_UNVERIFIED: 409,
  /** A WebAuthn response was refused (challenge, origin, signature, counter…); `details.reason` says why. */
  IDENTITY_PASSKEY_INVALID: 401,
  /** No such passkey among the caller's own. */
  IDENTITY_PASSKEY_NOT_FOUND: 404,
  /** The user already holds `passkeysPerUserMax` passkeys. */
  IDENTITY_PASSKEY_LIMIT: 409,
});

/** One of the identity module's error codes. */
export type IdentityErrorCode = keyof typeof identityErrors;
