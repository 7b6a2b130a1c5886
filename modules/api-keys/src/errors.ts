import { defineErrorCodes } from '@tradeloom/kernel';

/**
 * The api-keys module's error codes and their HTTP statuses. Signed-request failures are 401 (403
 * for an IP outside the allow-list) so the Binance-compatible API can map each to its own code.
 */
export const API_KEY_ERRORS = defineErrorCodes({
  /** X-MBX-APIKEY is malformed or names no key. */
  API_KEY_INVALID: 401,
  API_KEY_REVOKED: 401,
  API_KEY_EXPIRED: 401,
  API_KEY_SIGNATURE_MISSING: 401,
  /** The signature does not match the payload, or the body could not be verified. */
  API_KEY_SIGNATURE_INVALID: 401,
  /** `timestamp` missing, repeated or not an integer. */
  API_KEY_TIMESTAMP_INVALID: 400,
  /** `recvWindow` repeated, not a number, not positive or above 60,000 ms. */
  API_KEY_RECV_WINDOW_INVALID: 400,
  API_KEY_TIMESTAMP_OUTSIDE_WINDOW: 401,
  /** The same signature was already accepted inside its receive window. */
  API_KEY_REPLAYED: 401,
  API_KEY_IP_NOT_ALLOWED: 403,
  /** The key does not exist or belongs to someone else (the two are not told apart). */
  API_KEY_NOT_FOUND: 404,
  API_KEY_LIMIT_REACHED: 409,
  API_KEY_LABEL_INVALID: 400,
  API_KEY_SCOPE_UNKNOWN: 400,
  API_KEY_SCOPES_REQUIRED: 400,
  API_KEY_IP_ALLOW_LIST_INVALID: 400,
  /** A key with the 'withdraw' scope needs a non-empty IP allow-list. */
  API_KEY_IP_ALLOW_LIST_REQUIRED: 400,
  API_KEY_PUBLIC_KEY_INVALID: 400,
  API_KEY_EXPIRY_INVALID: 400,
  /** Self-service key creation needs a second factor enrolled. */
  API_KEY_TWO_FACTOR_REQUIRED: 403,
});

/** One of the module's error codes. */
export type ApiKeyErrorCode = keyof typeof API_KEY_ERRORS;
