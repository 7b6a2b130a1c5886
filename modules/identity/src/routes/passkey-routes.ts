import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { ApiApp } from '@tradeloom/kernel';
import { z } from 'zod';
import type { IdentityConfig } from '../identity-options.js';
import type { PasskeyService } from '../passkey-service.js';
import {
  answerLogin,
  answerSecurityChange,
  errorResponses,
  factorChangeFields,
  presentedSessionId,
  reauthFields,
  requestContextOf,
  sessionCallerOf,
  signedInSchema,
} from './route-support.js';

const base64url = (max: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/)
    .max(max);
const transports = z.array(z.string().max(32)).max(10);
const clientExtensionResults = z.looseObject({}).default({});
const attachment = z.enum(['platform', 'cross-platform']).optional();

/** What navigator.credentials.create() answered, JSON-encoded (PublicKeyCredential.toJSON()). */
const registrationResponseSchema = z.object({
  id: base64url(1400),
  rawId: base64url(1400),
  type: z.literal('public-key'),
  authenticatorAttachment: attachment,
  clientExtensionResults,
  response: z.object({
    clientDataJSON: base64url(4096),
    attestationObject: base64url(65_536),
    authenticatorData: base64url(65_536).optional(),
    transports: transports.optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: base64url(4096).optional(),
  }),
});

/** What navigator.credentials.get() answered, JSON-encoded. */
const authenticationResponseSchema = z.object({
  id: base64url(1400),
  rawId: base64url(1400),
  type: z.literal('public-key'),
  authenticatorAttachment: attachment,
  clientExtensionResults,
  response: z.object({
    clientDataJSON: base64url(4096),
    authenticatorData: base64url(4096),
    signature: base64url(1024),
    userHandle: base64url(512).optional(),
  }),
});

const credentialDescriptor = z.looseObject({
  id: z.string(),
  type: z.literal('public-key'),
  transports: z.array(z.string()).optional(),
});
const requestOptionsSchema = z
  .looseObject({
    challenge: z.string(),
    rpId: z.string().optional(),
    timeout: z.number().optional(),
    allowCredentials: z.array(credentialDescriptor).optional(),
    userVerification: z.string().optional(),
  })
  .describe('PublicKeyCredentialRequestOptionsJSON: pass to navigator.credentials.get()');
const creationOptionsSchema = z
  .looseObject({
    challenge: z.string(),
    rp: z.looseObject({ name: z.string(), id: z.string().optional() }),
    user: z.looseObject({ id: z.string(), name: z.string(), displayName: z.string() }),
    pubKeyCredParams: z.array(z.looseObject({ alg: z.number(), type: z.literal('public-key') })),
    timeout: z.number().optional(),
    excludeCredentials: z.array(credentialDescriptor).optional(),
    authenticatorSelection: z.looseObject({}).optional(),
    attestation: z.string().optional(),
  })
  .describe('PublicKeyCredentialCreationOptionsJSON: pass to navigator.credentials.create()');
const passkeySchema = z.object({
  id: z.string().describe('pky_…'),
  label: z.string(),
  aaguid: z.string().describe('Authenticator model (zeros when the authenticator does not say)'),
  deviceType: z.enum(['singleDevice', 'multiDevice']),
  backedUp: z.boolean(),
  transports: z.array(z.string()),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
const endOtherSessions = z
  .boolean()
  .default(false)
  .describe('Also end every other session of the account (recommended after a factor change)');
const pendingToken = z.string().min(10).max(200).describe('The pendingToken of the password step');
const reauthLimit = { name: 'identity-reauth', points: 10, durationS: 600 };
const loginLimit = { name: 'identity-login', points: 20, durationS: 60 };
const secondFactorLimit = { name: 'identity-second-factor', points: 10, durationS: 60 };
const accountTags = ['two-factor'];
const authTags = ['auth'];

// The zod schemas above check the shape; @simplewebauthn/server checks every byte of the content.
const asRegistration = (value: z.infer<typeof registrationResponseSchema>) =>
  value as RegistrationResponseJSON;
const asAssertion = (value: z.infer<typeof authenticationResponseSchema>) =>
  value as AuthenticationResponseJSON;
const asOptions = (value: PublicKeyCredentialRequestOptionsJSON) =>
  value as z.infer<typeof requestOptionsSchema>;

/** /api/v1/account/passkeys… and /api/v1/auth/…/passkey…: WebAuthn passkeys. */
export function registerPasskeyRoutes(app: ApiApp, passkeys: PasskeyService, config: IdentityConfig): void {
  app.post(
    '/api/v1/account/passkeys/registration/options',
    {
      config: { permission: 'authenticated', rateLimit: reauthLimit },
      schema: {
        summary: 'Start adding a passkey',
        description:
          'Needs the current password (and a TOTP or recovery code with 2FA on) and a verified email. Answers the ' +
          'options for navigator.credentials.create(); the challenge works once, for 5 minutes.',
        tags: accountTags,
        body: z.object(reauthFields),
        response: { 200: creationOptionsSchema, 409: errorResponses[400], ...errorResponses },
      },
    },
    async (request) => {
      const options = await passkeys.startRegistration(
        sessionCallerOf(request).userId,
        request.body,
        requestContextOf(request),
      );
      return options as z.infer<typeof creationOptionsSchema>;
    },
  );

  app.post(
    '/api/v1/account/passkeys/registration/verify',
    {
      config: { permission: 'authenticated', rateLimit: reauthLimit },
      schema: {
        summary: 'Finish adding a passkey with the authenticator response',
        description:
          'The passkey becomes a second factor (and a way to sign in without the password). The first second ' +
          'factor of an account comes with ten recovery codes (shown once). Rotates this session, locks ' +
          'withdrawals for 24 h, mails the owner; ends the other sessions when endOtherSessions is true.',
        tags: accountTags,
        body: z.object({
          response: registrationResponseSchema,
          label: z.string().trim().max(64).optional().describe('Name shown in the list, e.g. "Work laptop"'),
          endOtherSessions,
        }),
        response: {
          200: z.object({
            passkey: passkeySchema,
            recoveryCodes: z.array(z.string()).nullable(),
            ...factorChangeFields,
          }),
          409: errorResponses[400],
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const caller = sessionCallerOf(request);
      const result = await passkeys.finishRegistration(
        caller.userId,
        caller.sessionId,
        {
          response: asRegistration(request.body.response),
          endOtherSessions: request.body.endOtherSessions,
          ...(request.body.label === undefined ? {} : { label: request.body.label }),
        },
        requestContextOf(request),
      );
      return {
        passkey: result.passkey,
        recoveryCodes: result.recoveryCodes,
        ...answerSecurityChange(reply, config, result),
      };
    },
  );

  app.get(
    '/api/v1/account/passkeys',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: 'My passkeys',
        tags: accountTags,
        response: { 200: z.object({ passkeys: z.array(passkeySchema) }), ...errorResponses },
      },
    },
    async (request) => ({ passkeys: await passkeys.list(sessionCallerOf(request).userId) }),
  );

  app.delete(
    '/api/v1/account/passkeys/:passkeyId',
    {
      config: { permission: 'authenticated', rateLimit: reauthLimit },
      schema: {
        summary: 'Remove one of my passkeys',
        description:
          "Needs the current password and, with 2FA on, a TOTP or recovery code. Anyone else's passkey id " +
          'answers 404. Removing the last second factor also removes the recovery codes. Locks withdrawals 24 h.',
        tags: accountTags,
        params: z.object({ passkeyId: z.string().min(1).max(64) }),
        body: z.object({ ...reauthFields, endOtherSessions }),
        response: { 200: z.object(factorChangeFields), 404: errorResponses[400], ...errorResponses },
      },
    },
    async (request, reply) => {
      const caller = sessionCallerOf(request);
      const result = await passkeys.remove(
        caller.userId,
        caller.sessionId,
        request.params.passkeyId,
        request.body,
        requestContextOf(request),
      );
      return answerSecurityChange(reply, config, result);
    },
  );

  app.post(
    '/api/v1/auth/passkey/options',
    {
      config: {
        permission: 'public',
        rateLimit: { name: 'identity-passkey-options', points: 30, durationS: 60 },
      },
      schema: {
        summary: 'Options for signing in with a passkey (no password)',
        description:
          'For navigator.credentials.get() with a discoverable credential; user verification is required. The ' +
          'challenge works once, for 5 minutes.',
        tags: authTags,
        response: { 200: requestOptionsSchema, ...errorResponses },
      },
    },
    async () => asOptions(await passkeys.loginOptions()),
  );

  app.post(
    '/api/v1/auth/passkey/verify',
    {
      config: { permission: 'public', rateLimit: loginLimit },
      schema: {
        summary: 'Sign in with a passkey',
        description:
          'A user-verified passkey signs in on its own, also with 2FA on. Refusals answer IDENTITY_PASSKEY_INVALID ' +
          'with details.reason (challenge, unknown_credential, user_handle, verification, counter).',
        tags: authTags,
        body: z.object({ response: authenticationResponseSchema }),
        response: { 200: signedInSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await passkeys.logIn(
        { response: asAssertion(request.body.response) },
        requestContextOf(request),
        presentedSessionId(request),
      );
      const body = answerLogin(reply, config, result);
      if (body.status !== 'signed_in')
        throw new Error('identity: a passkey login cannot ask for a second step');
      return body;
    },
  );

  app.post(
    '/api/v1/auth/login/second-factor/passkey/options',
    {
      config: { permission: 'public', rateLimit: secondFactorLimit },
      schema: {
        summary: 'Second login step with a passkey: the options',
        description: "For a pending login whose methods include passkey; lists the account's credentials.",
        tags: authTags,
        body: z.object({ pendingToken }),
        response: { 200: requestOptionsSchema, 409: errorResponses[400], ...errorResponses },
      },
    },
    async (request) => asOptions(await passkeys.secondFactorOptions(request.body)),
  );

  app.post(
    '/api/v1/auth/login/second-factor/passkey/verify',
    {
      config: { permission: 'public', rateLimit: secondFactorLimit },
      schema: {
        summary: 'Second login step with a passkey',
        description:
          'A refused response counts like a wrong code (against the pending login and the account lockout).',
        tags: authTags,
        body: z.object({ pendingToken, response: authenticationResponseSchema }),
        response: { 200: signedInSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await passkeys.logInSecondFactor(
        { pendingToken: request.body.pendingToken, response: asAssertion(request.body.response) },
        requestContextOf(request),
        presentedSessionId(request),
      );
      const body = answerLogin(reply, config, result);
      if (body.status !== 'signed_in')
        throw new Error('identity: the second step cannot ask for a second step');
      return body;
    },
  );
}
