import { API_KEY_SCOPES, type ApiApp, DomainError, errorBodySchema, type Principal } from '@tradeloom/kernel';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { API_KEY_TYPES, type ApiKeyView } from './api-key.js';
import { ipAllowListSizeMax } from './ip-allow-list.js';
import type { ApiKeysService } from './service.js';
import { labelLengthMax } from './validate-key-input.js';

/** The permission of the admin overview. */
export const ADMIN_API_KEYS_PERMISSION = 'admin:api-keys';

const isoTime = z.string().describe('ISO 8601 time');

const keyViewSchema = z.object({
  id: z.string().describe('key_…'),
  label: z.string(),
  type: z.enum(API_KEY_TYPES),
  apiKey: z.string().describe('The public identifier to send in the X-MBX-APIKEY header'),
  publicKey: z.string().nullable().describe('Ed25519 keys: the public key (PEM)'),
  scopes: z.array(z.enum(API_KEY_SCOPES)),
  ipAllowList: z.array(z.string()).describe('Addresses and CIDR ranges; empty allows any IP'),
  expiresAt: isoTime.nullable(),
  createdAt: isoTime,
  lastUsedAt: isoTime.nullable(),
  lastUsedIp: z.string().nullable(),
  revokedAt: isoTime.nullable(),
  status: z.enum(['active', 'expired', 'revoked']),
});

const adminKeyViewSchema = keyViewSchema.omit({ apiKey: true }).extend({
  userId: z.string(),
  apiKeyPrefix: z.string().describe('The first 8 characters of the public identifier'),
});

const createBodySchema = z.object({
  label: z.string().min(1).max(labelLengthMax),
  type: z.enum(API_KEY_TYPES),
  scopes: z.array(z.enum(API_KEY_SCOPES)).min(1),
  ipAllowList: z
    .array(z.string().max(64))
    .max(ipAllowListSizeMax)
    .default([])
    .describe("IPv4/IPv6 addresses and CIDR ranges; required with the 'withdraw' scope"),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
  publicKey: z.string().max(4096).optional().describe('ED25519 only: your public key (PEM)'),
  twoFactorCode: z.string().min(1).max(64).describe('A current TOTP code or a recovery code'),
});

const keyIdParams = z.object({ id: z.string().max(64) });

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

function ownView({ userId: _owner, ...view }: ApiKeyView) {
  return view;
}

function adminView({ apiKey, ...view }: ApiKeyView) {
  return { ...view, apiKeyPrefix: apiKey.slice(0, 8) };
}

function principalOf(request: FastifyRequest): Principal {
  const principal = request.principal;
  // The pipeline answers 401 before a non-public handler runs without a principal.
  if (principal === null) throw new DomainError('UNAUTHENTICATED', 'Authentication required');
  return principal;
}

/** The account routes (a user's own keys), the signed whoami and the admin overview. */
export function registerApiKeyRoutes(app: ApiApp, service: ApiKeysService): void {
  app.get(
    '/api/v1/account/api-keys',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: 'List your API keys',
        description: 'Secrets are never shown again after creation.',
        tags: ['api-keys'],
        response: { 200: z.object({ keys: z.array(keyViewSchema) }), ...errors },
      },
    },
    async (request) => ({ keys: (await service.listKeys(principalOf(request).userId)).map(ownView) }),
  );

  app.post(
    '/api/v1/account/api-keys',
    {
      config: {
        permission: 'authenticated',
        rateLimit: { name: 'api-keys.create', points: 10, durationS: 60 },
      },
      schema: {
        summary: 'Create an API key',
        description:
          'Needs two-factor authentication enrolled and a current code. HMAC keys answer their secret in ' +
          'this response only; Ed25519 keys take your public key and store nothing secret.',
        tags: ['api-keys'],
        body: createBodySchema,
        response: {
          201: z.object({
            key: keyViewSchema,
            secret: z
              .string()
              .nullable()
              .describe('HMAC keys: the secret, shown this once; null for Ed25519'),
          }),
          ...errors,
          409: errorBodySchema,
        },
      },
    },
    async (request, reply) => {
      const { twoFactorCode, expiresAt, publicKey, ...rest } = request.body;
      const created = await service.createOwnKey(
        principalOf(request).userId,
        {
          ...rest,
          ...(expiresAt === undefined ? {} : { expiresAt: new Date(expiresAt) }),
          ...(publicKey === undefined ? {} : { publicKey }),
        },
        twoFactorCode,
        request.ip,
      );
      return reply.status(201).send({ key: ownView(created.key), secret: created.secret });
    },
  );

  app.delete(
    '/api/v1/account/api-keys/:id',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: 'Revoke one of your API keys',
        tags: ['api-keys'],
        params: keyIdParams,
        response: { 200: z.object({ key: keyViewSchema }), ...errors, 404: errorBodySchema },
      },
    },
    async (request) => {
      const { userId } = principalOf(request);
      return { key: ownView(await service.revokeKey(userId, request.params.id, userId, request.ip)) };
    },
  );

  app.get(
    '/api/v1/account/api-keys/whoami',
    {
      config: { permission: 'authenticated', apiKeyScope: 'read' },
      schema: {
        summary: 'Who signed this request',
        description: "Check a key's signing setup: answers the key, its owner and scopes (scope 'read').",
        tags: ['api-keys'],
        response: {
          200: z.object({
            userId: z.string(),
            method: z.enum(['session', 'apiKey']),
            apiKeyId: z.string().nullable(),
            scopes: z.array(z.enum(API_KEY_SCOPES)).nullable(),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return {
        userId: principal.userId,
        method: principal.method,
        apiKeyId: principal.apiKeyId ?? null,
        scopes: principal.scopes === undefined ? null : [...principal.scopes],
      };
    },
  );

  app.get(
    '/api/v1/admin/api-keys',
    {
      config: { permission: ADMIN_API_KEYS_PERMISSION },
      schema: {
        summary: "All users' API keys",
        tags: ['api-keys', 'admin'],
        querystring: z.object({
          userId: z.string().max(64).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          offset: z.coerce.number().int().min(0).default(0),
        }),
        response: { 200: z.object({ keys: z.array(adminKeyViewSchema) }), ...errors },
      },
    },
    async (request) => {
      const { userId, limit, offset } = request.query;
      const keys = await service.listAllKeys({ ...(userId === undefined ? {} : { userId }), limit, offset });
      return { keys: keys.map(adminView) };
    },
  );

  app.delete(
    '/api/v1/admin/api-keys/:id',
    {
      config: { permission: ADMIN_API_KEYS_PERMISSION },
      schema: {
        summary: "Revoke any user's API key",
        tags: ['api-keys', 'admin'],
        params: keyIdParams,
        response: { 200: z.object({ key: adminKeyViewSchema }), ...errors, 404: errorBodySchema },
      },
    },
    async (request) => {
      const key = await service.revokeAnyKey(request.params.id, principalOf(request).userId, request.ip);
      return { key: adminView(key) };
    },
  );
}
