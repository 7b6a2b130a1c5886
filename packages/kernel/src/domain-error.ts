import { z } from 'zod';

/**
 * The one table from error code to HTTP status. The platform's own codes are here; each module adds
 * its codes, prefixed with the module (`IDENTITY_EMAIL_TAKEN`), through `defineErrorCodes`, so a
 * client switches on `code` and never on the message.
 */
const statusByCode = new Map<string, number>(
  Object.entries({
    BAD_REQUEST: 400,
    INVALID_JSON: 400,
    VALIDATION_FAILED: 400,
    UNAUTHENTICATED: 401,
    FORBIDDEN: 403,
    CSRF_TOKEN_INVALID: 403,
    API_KEY_SCOPE_MISSING: 403,
    NOT_FOUND: 404,
    CONFLICT: 409,
    PAYLOAD_TOO_LARGE: 413,
    UNSUPPORTED_MEDIA_TYPE: 415,
    RATE_LIMITED: 429,
    INTERNAL: 500,
    NOT_READY: 503,
  }),
);

/** The platform's own error codes. */
export type PlatformErrorCode =
  | 'BAD_REQUEST'
  | 'INVALID_JSON'
  | 'VALIDATION_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'CSRF_TOKEN_INVALID'
  | 'API_KEY_SCOPE_MISSING'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'INTERNAL'
  | 'NOT_READY';

/**
 * Adds a module's codes to the table (at import time) and returns them typed. A code defined twice
 * with different statuses is a programmer error.
 */
export function defineErrorCodes<const T extends Record<string, number>>(codes: T): T {
  for (const [code, status] of Object.entries(codes)) {
    const known = statusByCode.get(code);
    if (known !== undefined && known !== status) {
      throw new Error(`error code ${code} defined with status ${status} and ${known}`);
    }
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new Error(`error code ${code}: ${status} is not an error status`);
    }
    statusByCode.set(code, status);
  }
  return codes;
}

/** The HTTP status of a code; undefined for a code nobody defined. */
export function errorStatusOf(code: string): number | undefined {
  return statusByCode.get(code);
}

/** The body of every error response. */
export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

/** The error body as a zod schema, for routes that document their error responses. */
export const errorBodySchema = z.object({
  code: z.string().describe('Stable machine-readable code, e.g. VALIDATION_FAILED'),
  message: z.string().describe('Human-readable explanation; may change between versions'),
  details: z.unknown().optional(),
});

/** An expected failure: thrown by services and routes, answered as `{ code, message, details? }`. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  /** The HTTP status of this error's code. */
  readonly status: number;

  constructor(
    readonly code: PlatformErrorCode | (string & Record<never, never>),
    message: string,
    readonly details?: unknown,
    /** Response headers that belong with this error (`Retry-After`). */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
    const status = statusByCode.get(code);
    // An undefined code would answer 500 for an expected failure: crash loudly where it was thrown.
    if (status === undefined) throw new Error(`DomainError: code ${code} is not defined (defineErrorCodes)`);
    this.status = status;
  }

  /** The response body. */
  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}
