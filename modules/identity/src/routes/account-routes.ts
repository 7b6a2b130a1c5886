import type { ApiApp } from '@tradeloom/kernel';
import { z } from 'zod';
import { antiPhishingCodeSchema } from '../anti-phishing-code.js';
import type { IdentityConfig } from '../identity-options.js';
import { emailSchema } from '../normalize-email.js';
import type { IdentityService } from '../service.js';
import { clearSessionCookie } from '../session-cookie.js';
import {
  acceptedSchema,
  answerSecurityChange,
  errorResponses,
  factorChangeFields,
  passwordSchema,
  reauthFields,
  requestContextOf,
  sessionCallerOf,
  userSchema,
} from './route-support.js';

const tags = ['account'];

const sessionSchema = z.object({
  id: z.string().describe('ses_…'),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  expiresAt: z.string(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  deviceLabel: z.string().nullable().describe('e.g. "Firefox on Linux"'),
  secondFactorAt: z.string().nullable(),
  current: z.boolean().describe('The session making this request'),
});

/** /api/v1/account/…: the signed-in user's profile, password, email, anti-phishing code, sessions. */
export function registerAccountRoutes(app: ApiApp, service: IdentityService, config: IdentityConfig): void {
  app.get(
    '/api/v1/account',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: 'The signed-in user',
        tags,
        response: { 200: z.object({ user: userSchema }), ...errorResponses },
      },
    },
    async (request) => {
      const user = await service.getUser(sessionCallerOf(request).userId);
      if (user === null) throw new Error('identity: the signed-in user vanished');
      return { user };
    },
  );

  app.post(
    '/api/v1/account/password',
    {
      config: {
        permission: 'authenticated',
        rateLimit: { name: 'identity-reauth', points: 10, durationS: 600 },
      },
      schema: {
        summary: 'Change the password',
        description:
          'Needs the current password, and a TOTP or recovery code when 2FA is on. Rotates this session (new ' +
          'cookie and CSRF token), ends the others unless endOtherSessions is false, locks withdrawals for 24 h.',
        tags,
        body: z.object({
          ...reauthFields,
          newPassword: passwordSchema,
          endOtherSessions: z.boolean().default(true),
        }),
        response: { 200: z.object(factorChangeFields), ...errorResponses },
      },
    },
    async (request, reply) => {
      const caller = sessionCallerOf(request);
      const result = await service.changePassword(
        caller.userId,
        caller.sessionId,
        request.body,
        requestContextOf(request),
      );
      return answerSecurityChange(reply, config, result);
    },
  );

  app.post(
    '/api/v1/account/email',
    {
      config: {
        permission: 'authenticated',
        rateLimit: { name: 'identity-reauth', points: 10, durationS: 600 },
      },
      schema: {
        summary: 'Change the email address',
        description:
          'Needs the current password (and a code with 2FA). A confirmation link goes to the new address ' +
          '(POST /api/v1/auth/email-change/confirm); the change happens when it is used. The answer is the same ' +
          'when the address belongs to another account (then nothing is sent).',
        tags,
        body: z.object({ ...reauthFields, newEmail: emailSchema }),
        response: { 202: acceptedSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const caller = sessionCallerOf(request);
      await service.requestEmailChange(caller.userId, request.body, requestContextOf(request));
      return reply.status(202).send({
        status: 'accepted' as const,
        message: 'Confirm the change with the link sent to the new address',
      });
    },
  );

  app.put(
    '/api/v1/account/anti-phishing-code',
    {
      config: {
        permission: 'authenticated',
        rateLimit: { name: 'identity-reauth', points: 10, durationS: 600 },
      },
      schema: {
        summary: 'Set, change or clear (null) the anti-phishing code shown in every email',
        tags,
        body: z.object({ ...reauthFields, antiPhishingCode: antiPhishingCodeSchema.nullable() }),
        response: { 200: z.object({ antiPhishingCodeSet: z.boolean() }), ...errorResponses },
      },
    },
    async (request) => {
      const caller = sessionCallerOf(request);
      await service.setAntiPhishingCode(caller.userId, request.body, requestContextOf(request));
      return { antiPhishingCodeSet: request.body.antiPhishingCode !== null };
    },
  );

  app.get(
    '/api/v1/account/sessions',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: 'My live sessions, with device and IP',
        tags,
        response: { 200: z.object({ sessions: z.array(sessionSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const caller = sessionCallerOf(request);
      return { sessions: await service.listSessions(caller.userId, caller.sessionId) };
    },
  );

  app.delete(
    '/api/v1/account/sessions/:sessionId',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: 'End one of my sessions',
        description: 'IDENTITY_SESSION_NOT_FOUND for an id that is not one of your live sessions.',
        tags,
        params: z.object({ sessionId: z.string().min(1).max(64) }),
        response: {
          200: z.object({ status: z.literal('revoked') }),
          404: errorResponses[400],
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const caller = sessionCallerOf(request);
      await service.revokeSession(caller.userId, request.params.sessionId, requestContextOf(request));
      if (request.params.sessionId === caller.sessionId) clearSessionCookie(reply, config);
      return { status: 'revoked' as const };
    },
  );

  app.post(
    '/api/v1/account/sessions/revoke-others',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: 'End all my sessions except this one',
        tags,
        response: { 200: z.object({ endedSessions: z.number().int() }), ...errorResponses },
      },
    },
    async (request) => {
      const caller = sessionCallerOf(request);
      return {
        endedSessions: await service.revokeOtherSessions(
          caller.userId,
          caller.sessionId,
          requestContextOf(request),
        ),
      };
    },
  );

  app.get(
    '/api/v1/account/login-history',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: 'My recent login attempts (successes and failures)',
        tags,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: {
          200: z.object({
            events: z.array(
              z.object({
                id: z.string(),
                outcome: z.enum([
                  'success',
                  'wrong_password',
                  'wrong_second_factor',
                  'locked',
                  'blocked',
                  'second_factor_required',
                ]),
                method: z.enum(['password', 'totp', 'recovery_code', 'siwe', 'oidc', 'passkey']),
                ip: z.string().nullable(),
                deviceLabel: z.string().nullable(),
                createdAt: z.string(),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      events: await service.loginHistory(sessionCallerOf(request).userId, request.query.limit),
    }),
  );
}
