import type { ApiApp } from '@tradeloom/kernel';
import { z } from 'zod';
import type { FederationService } from '../federation-service.js';
import type { IdentityConfig } from '../identity-options.js';
import { DEFAULT_SIWE_CHAIN_IDS } from '../sign-in-with-ethereum.js';
import { isoOf } from '../timestamps.js';
import {
  answerLogin,
  errorResponses,
  presentedSessionId,
  reauthFields,
  requestContextOf,
  secondFactorDueSchema,
  sessionCallerOf,
  signedInSchema,
} from './route-support.js';

const tags = ['auth'];
const siweBody = {
  message: z.string().min(1).max(4096).describe('The EIP-4361 message, exactly as signed'),
  signature: z
    .string()
    .regex(/^0x[0-9a-fA-F]+$/)
    .max(2 + 2 * 256)
    .describe('The personal_sign (EIP-191) signature, 0x-hex'),
};
const nonceLimit = { name: 'identity-siwe-nonce', points: 30, durationS: 60 };

/** /api/v1/auth/siwe/… and /api/v1/account/identities…: wallet sign-in and linked identities. */
export function registerFederationRoutes(
  app: ApiApp,
  federation: FederationService,
  config: IdentityConfig,
): void {
  const publicUrl = new URL(config.publicUrl);
  const nonceSchema = {
    summary: 'A nonce for a Sign-In with Ethereum message',
    description:
      'Single use, valid 10 minutes. Put it in an EIP-4361 message with `domain` and `uri` as answered and ' +
      'one of `chainIds`, have the wallet sign it (personal_sign), then POST /api/v1/auth/siwe/verify.',
    tags,
    response: {
      200: z.object({
        nonce: z.string(),
        expiresAt: z.string(),
        domain: z.string(),
        uri: z.string(),
        chainIds: z.array(z.number().int()),
      }),
      ...errorResponses,
    },
  };
  const answerNonce = async () => {
    const { nonce, expiresAtMs } = await federation.issueSiweNonce();
    return {
      nonce,
      expiresAt: isoOf(expiresAtMs),
      domain: publicUrl.host,
      uri: publicUrl.origin,
      chainIds: [...(config.siweChainIds ?? DEFAULT_SIWE_CHAIN_IDS)],
    };
  };
  app.get(
    '/api/v1/auth/siwe/nonce',
    { config: { permission: 'public', rateLimit: nonceLimit }, schema: nonceSchema },
    answerNonce,
  );
  app.post(
    '/api/v1/auth/siwe/nonce',
    { config: { permission: 'public', rateLimit: nonceLimit }, schema: nonceSchema },
    answerNonce,
  );

  app.post(
    '/api/v1/auth/siwe/verify',
    {
      config: { permission: 'public', rateLimit: { name: 'identity-login', points: 20, durationS: 60 } },
      schema: {
        summary: 'Sign in with an Ethereum wallet (EIP-4361)',
        description:
          'The wallet must be linked to an account first (POST /api/v1/account/identities/siwe), else ' +
          'IDENTITY_IDENTITY_NOT_LINKED. A refused message answers IDENTITY_SIWE_INVALID with `details.reason` ' +
          '(malformed, domain, uri, chain, nonce, expired, not_yet_valid, issued_in_future, signature). ' +
          'With 2FA on, answers a pendingToken for /api/v1/auth/login/second-factor.',
        tags,
        body: z.object(siweBody),
        response: {
          200: z.discriminatedUnion('status', [signedInSchema, secondFactorDueSchema]),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const result = await federation.signInWithEthereum(
        request.body,
        requestContextOf(request),
        presentedSessionId(request),
      );
      return answerLogin(reply, config, result);
    },
  );

  app.post(
    '/api/v1/account/identities/siwe',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: 'Link an Ethereum wallet to your account',
        description:
          'A SIWE message signed by the wallet (nonce from /api/v1/auth/siwe/nonce) plus your current password ' +
          'and, with 2FA on, a code. IDENTITY_IDENTITY_TAKEN when another account has the wallet.',
        tags: ['account'],
        body: z.object({ ...siweBody, ...reauthFields }),
        response: { 200: z.object({ address: z.string() }), 409: errorResponses[400], ...errorResponses },
      },
    },
    async (request) => {
      const caller = sessionCallerOf(request);
      return federation.linkEthereumAddress(caller.userId, request.body, requestContextOf(request));
    },
  );

  app.get(
    '/api/v1/account/identities',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: 'Your linked wallets and OpenID Connect accounts',
        tags: ['account'],
        response: {
          200: z.object({
            identities: z.array(
              z.object({
                id: z.string(),
                provider: z.string().describe("'siwe' or 'oidc:<provider id>'"),
                subject: z.string().describe('Checksummed address, or the provider’s subject id'),
                email: z.string().nullable(),
                createdAt: z.string(),
                lastUsedAt: z.string().nullable(),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const caller = sessionCallerOf(request);
      return { identities: await federation.listIdentities(caller.userId) };
    },
  );
}
