import type { ApiApp } from '@tradeloom/kernel';
import { z } from 'zod';
import type { IdentityConfig } from '../identity-options.js';
import { emailSchema } from '../normalize-email.js';
import { PASSWORD_LENGTH_MAX, PASSWORD_LENGTH_MIN } from '../password-policy.js';
import type { IdentityService } from '../service.js';
import { clearSessionCookie } from '../session-cookie.js';
import {
  acceptedSchema,
  answerLogin,
  codeSchema,
  errorResponses,
  passwordSchema,
  presentedSessionId,
  requestContextOf,
  secondFactorDueSchema,
  sessionCallerOf,
  signedInSchema,
  userSchema,
} from './route-support.js';

const tags = ['auth'];
const tokenSchema = z.string().min(10).max(200).describe('The token from the emailed link');
const mailLimit = { name: 'identity-mail', points: 5, durationS: 15 * 60 };
const tokenLimit = { name: 'identity-token', points: 20, durationS: 10 * 60 };

/** /api/v1/auth/…: registration, verification, login (two steps), logout, session, password reset. */
export function registerAuthRoutes(app: ApiApp, service: IdentityService, config: IdentityConfig): void {
  app.post(
    '/api/v1/auth/register',
    {
      config: {
        permission: 'public',
        rateLimit: { name: 'identity-register', points: 5, durationS: 10 * 60 },
      },
      schema: {
        summary: 'Register with email and password',
        description:
          `Password: ${PASSWORD_LENGTH_MIN}-${PASSWORD_LENGTH_MAX} characters, no composition rules; common or breached ` +
          'passwords, the email name and the service name are refused (IDENTITY_WEAK_PASSWORD lists the reasons). ' +
          'The answer is the same whether the email is new or already registered: the mailbox gets either a ' +
          'verification link or a notice. Registering does not sign in.',
        tags,
        body: z.object({
          email: emailSchema,
          password: passwordSchema,
          displayName: z.string().trim().min(1).max(80).optional(),
        }),
        response: { 202: acceptedSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      await service.register(request.body, requestContextOf(request));
      return reply.status(202).send({ status: 'accepted' as const, message: 'Check your inbox to continue' });
    },
  );

  app.post(
    '/api/v1/auth/verify-email',
    {
      config: { permission: 'public', rateLimit: tokenLimit },
      schema: {
        summary: 'Verify the email address with the emailed token',
        description: 'Single use; IDENTITY_TOKEN_INVALID or IDENTITY_TOKEN_EXPIRED otherwise.',
        tags,
        body: z.object({ token: tokenSchema }),
        response: { 200: z.object({ user: userSchema }), ...errorResponses },
      },
    },
    async (request) => ({ user: await service.verifyEmail(request.body.token, requestContextOf(request)) }),
  );

  app.post(
    '/api/v1/auth/verify-email/resend',
    {
      config: { permission: 'public', rateLimit: mailLimit },
      schema: {
        summary: 'Send a new verification link',
        description: 'Answers the same whether or not the email has an unverified account.',
        tags,
        body: z.object({ email: emailSchema }),
        response: { 202: acceptedSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      await service.resendVerification(request.body.email);
      return reply.status(202).send({
        status: 'accepted' as const,
        message: 'If the address needs verifying, a link is on its way',
      });
    },
  );

  app.post(
    '/api/v1/auth/login',
    {
      config: { permission: 'public', rateLimit: { name: 'identity-login', points: 20, durationS: 60 } },
      schema: {
        summary: 'Sign in with email and password',
        description:
          'Signed in: sets the httpOnly `tl_session` cookie and answers the CSRF token. With 2FA on: answers a ' +
          'pendingToken for /api/v1/auth/login/second-factor instead. Wrong email and wrong password both answer ' +
          'IDENTITY_INVALID_CREDENTIALS; repeated failures answer IDENTITY_ACCOUNT_LOCKED (429, Retry-After), too ' +
          'many attempts from one address IDENTITY_LOGIN_THROTTLED. Email verification is not required to sign in.',
        tags,
        body: z.object({ email: emailSchema, password: passwordSchema }),
        response: {
          200: z.discriminatedUnion('status', [signedInSchema, secondFactorDueSchema]),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const result = await service.logIn(
        request.body,
        requestContextOf(request),
        presentedSessionId(request),
      );
      return answerLogin(reply, config, result);
    },
  );

  app.post(
    '/api/v1/auth/login/second-factor',
    {
      config: {
        permission: 'public',
        rateLimit: { name: 'identity-second-factor', points: 10, durationS: 60 },
      },
      schema: {
        summary: 'Second login step: a TOTP or recovery code',
        description:
          'Each TOTP code works once; each recovery code works once. A pending login allows 5 wrong codes, and ' +
          'wrong codes count towards the account lockout.',
        tags,
        body: z.object({ pendingToken: tokenSchema, code: codeSchema }),
        response: { 200: signedInSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await service.logInSecondFactor(
        request.body,
        requestContextOf(request),
        presentedSessionId(request),
      );
      const body = answerLogin(reply, config, result);
      if (body.status !== 'signed_in')
        throw new Error('identity: the second step cannot ask for a second step');
      return body;
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: 'Sign out: ends this session and drops the cookie',
        tags,
        response: { 200: z.object({ status: z.literal('signed_out') }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const caller = sessionCallerOf(request);
      await service.logOut(caller.sessionId, caller.userId, requestContextOf(request));
      clearSessionCookie(reply, config);
      return { status: 'signed_out' as const };
    },
  );

  app.get(
    '/api/v1/auth/session',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: 'The current session: user, CSRF token, expiry',
        description: 'Frontends call it on load to learn who is signed in and the X-CSRF-Token to send.',
        tags,
        response: {
          200: z.object({
            user: userSchema,
            csrfToken: z.string(),
            expiresAt: z.string(),
            session: z.object({ id: z.string(), createdAt: z.string(), lastSeenAt: z.string() }),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const caller = sessionCallerOf(request);
      const [user, session] = await Promise.all([
        service.getUser(caller.userId),
        service.getSession(caller.userId, caller.sessionId),
      ]);
      const csrfToken = request.principal?.csrfToken;
      if (user === null || session === null || csrfToken === undefined) {
        throw new Error('identity: the authenticated session vanished');
      }
      return {
        user,
        csrfToken,
        expiresAt: session.expiresAt,
        session: { id: session.id, createdAt: session.createdAt, lastSeenAt: session.lastSeenAt },
      };
    },
  );

  app.post(
    '/api/v1/auth/password-reset/request',
    {
      config: { permission: 'public', rateLimit: mailLimit },
      schema: {
        summary: 'Ask for a password reset link',
        description:
          'Answers the same whether or not the email is registered. The link works once, for 30 minutes.',
        tags,
        body: z.object({ email: emailSchema }),
        response: { 202: acceptedSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      await service.requestPasswordReset(request.body.email, requestContextOf(request));
      return reply
        .status(202)
        .send({ status: 'accepted' as const, message: 'If the address is registered, a link is on its way' });
    },
  );

  app.post(
    '/api/v1/auth/password-reset/inspect',
    {
      config: { permission: 'public', rateLimit: tokenLimit },
      schema: {
        summary: 'Check a reset link before asking for the new password',
        description:
          'Says whether completing the reset will need a TOTP or recovery code (2FA is never bypassed).',
        tags,
        body: z.object({ token: tokenSchema }),
        response: { 200: z.object({ secondFactorRequired: z.boolean() }), ...errorResponses },
      },
    },
    async (request) => service.inspectResetToken(request.body.token),
  );

  app.post(
    '/api/v1/auth/password-reset/complete',
    {
      config: { permission: 'public', rateLimit: tokenLimit },
      schema: {
        summary: 'Set a new password with the emailed token',
        description:
          'With 2FA on, `code` (TOTP or recovery code) is required too. Ends every session of the account and ' +
          'locks withdrawals for 24 h; the next login still asks for the second factor.',
        tags,
        body: z.object({ token: tokenSchema, newPassword: passwordSchema, code: codeSchema.optional() }),
        response: { 200: z.object({ status: z.literal('password_reset') }), ...errorResponses },
      },
    },
    async (request) => {
      await service.completePasswordReset(request.body, requestContextOf(request));
      return { status: 'password_reset' as const };
    },
  );

  app.post(
    '/api/v1/auth/email-change/confirm',
    {
      config: { permission: 'public', rateLimit: tokenLimit },
      schema: {
        summary: 'Confirm a new email address with the token mailed to it',
        description: 'The old address is told; withdrawals lock for 24 h.',
        tags,
        body: z.object({ token: tokenSchema }),
        response: { 200: z.object({ user: userSchema }), 409: errorResponses[400], ...errorResponses },
      },
    },
    async (request) => ({
      user: await service.confirmEmailChange(request.body.token, requestContextOf(request)),
    }),
  );
}
