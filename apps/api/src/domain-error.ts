import { z } from 'zod';

/**
 * The one table from error code to HTTP status. Modules add their own codes here, prefixed with the
 * module (`WALLET_INSUFFICIENT_FUNDS`), so a client can switch on `code` and never on the message.
 */
export const errorStatus = {
  BAD_REQUEST: 400,
  INVALID_JSON: 400,
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  NOT_READY: 503,
} as const satisfies Record<string, number>;

/** A code of the error table. */
export type ErrorCode = keyof typeof errorStatus;

/** The body of every error response. */
export interface ErrorBody {
  code: ErrorCode;
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

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** The HTTP status of this error's code. */
  get status(): number {
    return errorStatus[this.code];
  }

  /** The response body. */
  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}
