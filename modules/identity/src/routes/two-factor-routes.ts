import type { ApiApp } from '@tradeloom/kernel';
import { z } from 'zod';
import type { IdentityConfig } from '../identity-options.js';
import type { IdentityService } from '../service.js';
import {
  answerSecurityChange,
  codeSchema,
  errorResponses,
  factorChangeFields,
  reauthFields,
  requestContextOf,
  sessionCallerOf,
} from './route-support.js';

const tags = ['two-factor'];
const reauthLimit = { name: 'identity-reauth', points: 10, durationS: 600 };
const endOtherSessions = z
  .boolean()
  .default(false)
  .describe('Also end every other session of the account (recommended after a factor change)');
const recoveryCodesSchema = z
  .array(z.string())
  .describe('Ten one-time recovery codes: shown only now, store them somewhere safe');

/** /api/v1/account/two-factor/…: TOTP enrolment, confirmation, removal, recovery codes. */
export function registerTwoFactorRoutes(app: ApiApp, service: IdentityService, config: IdentityConfig): void {
  app.get(
    '/api/v1/account/two-factor',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: 'My second-factor state',
        tags,
        response: {
          200: z.object({
            totpEnabled: z.boolean(),
            totpEnabledAt: z.string().nullable(),
            passkeys: z.number().int().describe('Registered passkeys (each counts as a second factor)'),
            recoveryCodesLeft: z.number().int(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => service.twoFactorStatus(sessionCallerOf(request).userId),
  );

  app.post(
    '/api/v1/account/two-factor/totp/enrol',
    {
      config: { permission: 'authenticated', rateLimit: reauthLimit },
      schema: {
        summary: 'Start TOTP set-up: a secret, its otpauth URI and a QR code',
        description:
          'Needs the current password and a verified email. Confirm with a code from the app to turn 2FA on.',
        tags,
        body: z.object({ currentPassword: reauthFields.currentPassword }),
        response: {
          200: z.object({
            secret: z.string().describe('Base32 seed for manual entry'),
            otpauthUri: z.string(),
            qrCodeDataUrl: z.string().describe('data:image/png;base64,… of the otpauth URI'),
          }),
          409: errorResponses[400],
          ...errorResponses,
        },
      },
    },
    async (request) =>
      service.startTotpEnrolment(sessionCallerOf(request).userId, request.body, requestContextOf(request)),
  );

  app.post(
    '/api/v1/account/two-factor/totp/confirm',
    {
      config: { permission: 'authenticated', rateLimit: reauthLimit },
      schema: {
        summary: 'Turn TOTP on with a code from the app',
        description:
          'Answers ten recovery codes (shown once). Rotates this session, locks withdrawals for 24 h, ends the ' +
          'other sessions when endOtherSessions is true.',
        tags,
        body: z.object({ code: codeSchema, endOtherSessions }),
        response: {
          200: z.object({ recoveryCodes: recoveryCodesSchema, ...factorChangeFields }),
          409: errorResponses[400],
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const caller = sessionCallerOf(request);
      const result = await service.confirmTotp(
        caller.userId,
        caller.sessionId,
        request.body,
        requestContextOf(request),
      );
      return {
        recoveryCodes: result.recoveryCodes,
        ...answerSecurityChange(reply, config, result),
      };
    },
  );

  app.post(
    '/api/v1/account/two-factor/totp/disable',
    {
      config: { permission: 'authenticated', rateLimit: reauthLimit },
      schema: {
        summary: 'Turn TOTP off',
        description: 'Needs the current password and a TOTP or recovery code. Locks withdrawals for 24 h.',
        tags,
        body: z.object({ ...reauthFields, endOtherSessions }),
        response: { 200: z.object(factorChangeFields), 409: errorResponses[400], ...errorResponses },
      },
    },
    async (request, reply) => {
      const caller = sessionCallerOf(request);
      const result = await service.disableTotp(
        caller.userId,
        caller.sessionId,
        request.body,
        requestContextOf(request),
      );
      return answerSecurityChange(reply, config, result);
    },
  );

  app.post(
    '/api/v1/account/two-factor/recovery-codes',
    {
      config: { permission: 'authenticated', rateLimit: reauthLimit },
      schema: {
        summary: 'Replace my recovery codes',
        description: 'Needs the current password and a TOTP or recovery code; the old codes stop working.',
        tags,
        body: z.object({ ...reauthFields, endOtherSessions }),
        response: {
          200: z.object({ recoveryCodes: recoveryCodesSchema, ...factorChangeFields }),
          409: errorResponses[400],
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const caller = sessionCallerOf(request);
      const result = await service.regenerateRecoveryCodes(
        caller.userId,
        caller.sessionId,
        request.body,
        requestContextOf(request),
      );
      return {
        recoveryCodes: result.recoveryCodes,
        ...answerSecurityChange(reply, config, result),
      };
    },
  );
}
