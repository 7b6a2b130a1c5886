import type {} from '@fastify/cookie';
import { DomainError, errorBodySchema } from '@tradeloom/kernel';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import '../errors.js';
import type { RequestContext } from '../identity-context.js';
import type { IdentityConfig } from '../identity-options.js';
import type { LoginResult } from '../log-in.js';
import { PASSWORD_LENGTH_MAX } from '../password-policy.js';
import { DEVICE_COOKIE, setDeviceCookie, setSessionCookie } from '../session-cookie.js';
import type { NewSession } from '../session-store.js';
import { isoOf } from '../timestamps.js';

/** Who is asking, from the request: IP, User-Agent, device cookie. */
export function requestContextOf(request: FastifyRequest): RequestContext {
  const userAgent = request.headers['user-agent'];
  const deviceToken = request.cookies[DEVICE_COOKIE];
  return {
    ip: request.ip,
    ...(userAgent === undefined ? {} : { userAgent }),
    ...(deviceToken === undefined || deviceToken === '' ? {} : { deviceToken }),
  };
}

/** The signed-in caller of an 'authenticated' route and their cookie session. */
export function sessionCallerOf(request: FastifyRequest): { userId: string; sessionId: string } {
  const principal = request.principal;
  if (principal === null) throw new DomainError('UNAUTHENTICATED', 'Authentication required');
  if (principal.method !== 'session' || principal.sessionId === undefined) {
    throw new DomainError('IDENTITY_SESSION_REQUIRED', 'This works only when signed in with a session');
  }
  return { userId: principal.userId, sessionId: principal.sessionId };
}

/** The session cookie a browser came with, if it was valid (its session is replaced on login). */
export function presentedSessionId(request: FastifyRequest): string | undefined {
  return request.principal?.method === 'session' ? request.principal.sessionId : undefined;
}

/** Sets the cookie of a new or rotated session. */
export function applySession(reply: FastifyReply, config: IdentityConfig, session: NewSession | null): void {
  if (session !== null) setSessionCookie(reply, config, session.token, session.expiresAtMs);
}

/**
 * Sets the rotated session's cookie and answers the common fields of a security change: the new
 * CSRF token (null when no session was rotated) and how many other sessions ended.
 */
export function answerSecurityChange(
  reply: FastifyReply,
  config: IdentityConfig,
  result: { session: NewSession | null; endedSessions: number },
): { csrfToken: string | null; endedSessions: number } {
  applySession(reply, config, result.session);
  return { csrfToken: result.session?.csrfToken ?? null, endedSessions: result.endedSessions };
}

/** The response body and cookies of a login step. */
export function answerLogin(reply: FastifyReply, config: IdentityConfig, result: LoginResult) {
  if (result.status === 'second_factor_required') {
    return {
      status: result.status,
      pendingToken: result.pendingToken,
      expiresAt: isoOf(result.expiresAtMs),
      methods: result.methods,
    };
  }
  setSessionCookie(reply, config, result.session.token, result.session.expiresAtMs);
  setDeviceCookie(reply, config, result.deviceToken);
  return {
    status: result.status,
    user: result.user,
    csrfToken: result.session.csrfToken,
    expiresAt: isoOf(result.session.expiresAtMs),
  };
}

/** A user as answered. */
export const userSchema = z.object({
  id: z.string().describe('usr_…'),
  email: z.string(),
  emailVerified: z.boolean(),
  emailVerifiedAt: z.string().nullable(),
  displayName: z.string().nullable(),
  status: z.enum(['active', 'blocked']),
  twoFactorEnabled: z.boolean(),
  antiPhishingCodeSet: z.boolean(),
  withdrawalsLockedUntil: z
    .string()
    .nullable()
    .describe('After a password, email or 2FA change withdrawals stay locked until then (ISO time)'),
  createdAt: z.string(),
});

/** A password field: limits enforced by the policy (with reasons), the schema only caps the size. */
export const passwordSchema = z
  .string()
  .min(1)
  .max(PASSWORD_LENGTH_MAX * 4);

/** A TOTP code (6 digits) or a recovery code (xxxx-xxxx-xxxx-xxxx). */
export const codeSchema = z.string().min(6).max(32).describe('6-digit TOTP code or a recovery code');

/** The proof a security change asks for. */
export const reauthFields = {
  currentPassword: passwordSchema.describe('Your current password'),
  code: codeSchema.optional().describe('Required when 2FA is on: a TOTP or recovery code'),
};

/** The answer of requests that may or may not have sent a mail (the same in both cases). */
export const acceptedSchema = z.object({ status: z.literal('accepted'), message: z.string() });

/** The answer of a successful login step. */
export const signedInSchema = z.object({
  status: z.literal('signed_in'),
  user: userSchema,
  csrfToken: z.string().describe('Send it as X-CSRF-Token on every POST/PUT/PATCH/DELETE'),
  expiresAt: z.string().describe('Absolute end of the session (it also ends after inactivity)'),
});

/** The answer of the password step when 2FA is on. */
export const secondFactorDueSchema = z.object({
  status: z.literal('second_factor_required'),
  pendingToken: z.string().describe('Send it with the code to /api/v1/auth/login/second-factor'),
  expiresAt: z.string(),
  methods: z
    .array(z.enum(['totp', 'recovery_code', 'passkey']))
    .describe(
      'What the second step accepts: a code at /login/second-factor, a passkey at …/second-factor/passkey',
    ),
});

/** A factor change's answer: the rotated session's CSRF token. */
export const factorChangeFields = {
  csrfToken: z.string().nullable().describe('The rotated session: use this X-CSRF-Token from now on'),
  endedSessions: z.number().int().describe('How many other sessions were ended'),
};

/** Error answers a route documents. */
export const errorResponses = {
  400: errorBodySchema,
  401: errorBodySchema,
  403: errorBodySchema,
  429: errorBodySchema,
};

/**
 * Refuses any request body but JSON on identity's routes. The API also parses form bodies (for
 * Binance-style signed requests), and a cross-site HTML form can post those without a CORS
 * pre-flight: accepting them here would allow login CSRF (signing a victim into an attacker's
 * account) and mail-bombing through the public routes.
 */
export async function refuseNonJsonBodies(request: FastifyRequest): Promise<void> {
  const contentType = request.headers['content-type'];
  if (contentType === undefined) return;
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json');
  }
}
