import type { ApiApp } from '@tradeloom/kernel';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { assetCodeSchema, networkCodeSchema } from '../assets/asset.js';
import { PERMISSION_FINANCE_DEPOSITS, PERMISSION_WALLET_ASSETS } from '../permissions.js';
import { actorOf, amountOut, amountSchema, errorResponses, ipOf, isoTime } from '../route-support.js';
import { DEPOSIT_METHOD_KINDS, DEPOSIT_SOURCES, DEPOSIT_STATUSES } from './deposit.js';
import {
  depositMethodFieldSchema,
  depositMethodFieldsSchema,
  FIELD_LENGTH_MAX,
  FIELDS_MAX,
} from './deposit-fields.js';
import { type Actor, type DepositsService, PAGE_MAX } from './deposit-service.js';

const methodSchema = z.object({
  id: z.string().describe('dm_…'),
  kind: z.enum(DEPOSIT_METHOD_KINDS),
  gateway: z.string().nullable(),
  networkId: z.string(),
  network: z.string(),
  asset: z.string(),
  name: z.string(),
  instructions: z.string(),
  fields: z.array(depositMethodFieldSchema),
  feeFixed: amountOut,
  feePpm: z.number().int().describe('Parts per million of the amount, rounded up'),
  minAmount: amountOut,
  maxAmount: amountOut.nullable(),
  enabled: z.boolean(),
});

const depositSchema = z.object({
  id: z.string().describe('dep_…'),
  source: z.enum(DEPOSIT_SOURCES),
  methodId: z.string().nullable(),
  asset: z.string(),
  network: z.string(),
  amount: amountOut.describe('Gross amount'),
  fee: amountOut,
  net: amountOut.describe('Credited to the spot wallet'),
  reference: z.string().nullable(),
  fields: z.record(z.string(), z.string()),
  status: z.enum(DEPOSIT_STATUSES),
  rejectReason: z.string().nullable(),
  gateway: z.string().nullable(),
  redirectUrl: z.string().nullable().describe('Where the user pays (gateway deposits)'),
  txHash: z.string().nullable(),
  outputIndex: z.number().int().nullable(),
  address: z.string().nullable(),
  confirmations: z.number().int().nullable(),
  engineSeq: z.number().int().nullable().describe('The ledger command that credited it'),
  createdAt: isoTime,
  decidedAt: isoTime.nullable(),
  creditedAt: isoTime.nullable(),
});

const adminDepositSchema = depositSchema.extend({ userId: z.string(), decidedBy: z.string().nullable() });

const methodBody = z.object({
  name: z.string().trim().min(1).max(80),
  instructions: z.string().max(5_000).optional(),
  fields: depositMethodFieldsSchema.optional(),
  feeFixed: amountSchema.optional(),
  feePpm: z.number().int().min(0).max(1_000_000).optional().describe('Parts per million: 2500 = 0.25 %'),
  minAmount: amountSchema.optional(),
  maxAmount: amountSchema.nullable().optional(),
  enabled: z.boolean().optional(),
});

const listQuery = z.object({
  status: z.enum(DEPOSIT_STATUSES).optional(),
  asset: assetCodeSchema.optional(),
  source: z.enum(DEPOSIT_SOURCES).optional(),
  cursor: z.string().max(20).optional().describe('nextCursor of the previous page'),
  offset: z.coerce.number().int().min(0).max(100_000).optional(),
  limit: z.coerce.number().int().min(1).max(PAGE_MAX).optional(),
  format: z.enum(['json', 'csv']).optional().describe('csv: every matching deposit as text/csv'),
});

const idParams = z.object({ id: z.string().min(1).max(64) });
const tags = ['wallet'];
const adminTags = ['admin: wallet'];
const assetsAdmin = { permission: PERMISSION_WALLET_ASSETS };
const finance = { permission: PERMISSION_FINANCE_DEPOSITS };

/** A CSV answer: a string under a non-JSON type skips the route's JSON response schema. */
function sendCsv(reply: FastifyReply, csv: string): FastifyReply {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', 'attachment; filename="deposits.csv"')
    .send(csv);
}

const actor = (request: FastifyRequest): Actor => ({ userId: actorOf(request), ip: ipOf(request) });

export function registerDepositRoutes(app: ApiApp, service: DepositsService): void {
  // ---- methods (admin)

  app.get(
    '/api/v1/admin/wallet/deposit-methods',
    {
      config: assetsAdmin,
      schema: {
        summary: 'Every deposit method, disabled ones included',
        tags: adminTags,
        querystring: z.object({ asset: assetCodeSchema.optional() }),
        response: { 200: z.object({ methods: z.array(methodSchema) }), ...errorResponses },
      },
    },
    async (request) => ({
      methods: await service.listMethods(
        request.query.asset === undefined ? {} : { asset: request.query.asset },
      ),
    }),
  );

  app.post(
    '/api/v1/admin/wallet/deposit-methods',
    {
      config: assetsAdmin,
      schema: {
        summary: 'Add a deposit method (manual/fiat or a payment gateway)',
        description:
          'A manual method is credited when a finance admin approves a deposit; a gateway method when the ' +
          'gateway settles the payment. Fee = feeFixed + feePpm/1,000,000 of the amount, the percentage ' +
          'rounded up to the asset unit. Deposits below the fee are refused.',
        tags: adminTags,
        body: methodBody.extend({
          asset: assetCodeSchema,
          network: networkCodeSchema,
          kind: z.enum(DEPOSIT_METHOD_KINDS).optional().describe("Default 'manual'"),
          gateway: z.string().max(40).nullable().optional().describe('The gateway adapter (kind gateway)'),
        }),
        response: { 201: methodSchema, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service.createMethod(request.body, actor(request))),
  );

  app.get(
    '/api/v1/admin/wallet/deposit-methods/:id',
    {
      config: assetsAdmin,
      schema: {
        summary: 'A deposit method',
        tags: adminTags,
        params: idParams,
        response: { 200: methodSchema, ...errorResponses },
      },
    },
    async (request) => service.getMethod(request.params.id),
  );

  app.patch(
    '/api/v1/admin/wallet/deposit-methods/:id',
    {
      config: assetsAdmin,
      schema: {
        summary: 'Change a deposit method',
        tags: adminTags,
        params: idParams,
        body: methodBody.partial(),
        response: { 200: methodSchema, ...errorResponses },
      },
    },
    async (request) => service.updateMethod(request.params.id, request.body, actor(request)),
  );

  app.delete(
    '/api/v1/admin/wallet/deposit-methods/:id',
    {
      config: assetsAdmin,
      schema: {
        summary: 'Delete a deposit method no deposit refers to',
        description: 'A method with deposits answers WALLET_DEPOSIT_METHOD_IN_USE: disable it instead.',
        tags: adminTags,
        params: idParams,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await service.deleteMethod(request.params.id, actor(request));
      return reply.status(204).send(null);
    },
  );

  // ---- methods and deposits (users)

  app.get(
    '/api/v1/wallet/deposit-methods',
    {
      config: { permission: 'authenticated', apiKeyScope: 'read' },
      schema: {
        summary: 'Deposit methods one can use',
        tags,
        querystring: z.object({ asset: assetCodeSchema.optional() }),
        response: { 200: z.object({ methods: z.array(methodSchema) }), ...errorResponses },
      },
    },
    async (request) => ({
      methods: await service.listMethods({
        usableOnly: true,
        ...(request.query.asset === undefined ? {} : { asset: request.query.asset }),
      }),
    }),
  );

  app.post(
    '/api/v1/wallet/deposits',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: 'Submit a deposit',
        description:
          'Manual method: pending until a finance admin approves it (after the funds arrived with the ' +
          'reference). Gateway method: pay at redirectUrl; credited once the gateway settles the payment. ' +
          'The daily deposit limit of your KYC level counts pending and credited deposits of the last 24 h.',
        tags,
        body: z.object({
          methodId: z.string().min(1).max(64),
          amount: amountSchema,
          reference: z.string().trim().min(1).max(200).optional(),
          fields: z
            .record(z.string().max(40), z.string().max(FIELD_LENGTH_MAX))
            .optional()
            .refine((f) => f === undefined || Object.keys(f).length <= FIELDS_MAX, 'too many fields'),
        }),
        response: { 201: depositSchema, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await service.submit(actorOf(request), request.body)),
  );

  app.get(
    '/api/v1/wallet/deposits',
    {
      config: { permission: 'authenticated', apiKeyScope: 'read' },
      schema: {
        summary: 'Your deposits, newest first',
        description:
          'Page with `cursor` (nextCursor) or `offset`; `format=csv` exports every match as text/csv.',
        tags,
        querystring: listQuery,
        response: {
          200: z.object({ deposits: z.array(depositSchema), nextCursor: z.string().nullable() }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { format, cursor, offset, limit, ...filter } = request.query;
      const userId = actorOf(request);
      if (format === 'csv') {
        return sendCsv(reply, await service.exportCsv({ ...filter, userId }));
      }
      return service.list({
        ...filter,
        userId,
        ...(cursor === undefined ? {} : { cursor }),
        ...(offset === undefined ? {} : { offset }),
        ...(limit === undefined ? {} : { limit }),
      });
    },
  );

  app.get(
    '/api/v1/wallet/deposits/:id',
    {
      config: { permission: 'authenticated', apiKeyScope: 'read' },
      schema: {
        summary: 'One of your deposits',
        tags,
        params: idParams,
        response: { 200: depositSchema, ...errorResponses },
      },
    },
    async (request) => service.get(request.params.id, actorOf(request)),
  );

  app.post(
    '/api/v1/wallet/deposits/:id/cancel',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: 'Cancel your pending deposit',
        tags,
        params: idParams,
        response: { 200: depositSchema, ...errorResponses },
      },
    },
    async (request) => service.cancel(actorOf(request), request.params.id),
  );

  app.post(
    '/api/v1/wallet/deposit-addresses',
    {
      config: { permission: 'authenticated', apiKeyScope: 'deposit_address' },
      schema: {
        summary: 'Your deposit address on a network',
        description:
          'Made on first use and the same afterwards. Deposits to it are credited once they have the ' +
          "network's confirmations. WALLET_DEPOSIT_ADDRESS_UNAVAILABLE where the network has no address generator.",
        tags,
        body: z.object({ asset: assetCodeSchema, network: networkCodeSchema }),
        response: {
          200: z.object({
            asset: z.string(),
            network: z.string(),
            address: z.string(),
            memo: z.string().nullable().describe('Needed with the deposit on networks that take one'),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { asset, network } = request.body;
      const made = await service.depositAddress(actorOf(request), asset, network);
      return { asset, network, address: made.address, memo: made.memo === '' ? null : made.memo };
    },
  );

  // ---- review (finance)

  app.get(
    '/api/v1/admin/wallet/deposits',
    {
      config: finance,
      schema: {
        summary: 'Every deposit, newest first',
        tags: adminTags,
        querystring: listQuery.extend({ userId: z.string().max(64).optional() }),
        response: {
          200: z.object({ deposits: z.array(adminDepositSchema), nextCursor: z.string().nullable() }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { format, cursor, offset, limit, ...filter } = request.query;
      if (format === 'csv') {
        return sendCsv(reply, await service.exportCsv(filter));
      }
      return service.list({
        ...filter,
        ...(cursor === undefined ? {} : { cursor }),
        ...(offset === undefined ? {} : { offset }),
        ...(limit === undefined ? {} : { limit }),
      });
    },
  );

  app.post(
    '/api/v1/admin/wallet/deposits/:id/approve',
    {
      config: finance,
      schema: {
        summary: 'Approve a manual deposit: credits the user once',
        description: 'Repeating an approval answers the credited deposit and moves nothing.',
        tags: adminTags,
        params: idParams,
        response: { 200: adminDepositSchema, ...errorResponses },
      },
    },
    async (request) => service.approve(request.params.id, actor(request)),
  );

  app.post(
    '/api/v1/admin/wallet/deposits/:id/reject',
    {
      config: finance,
      schema: {
        summary: 'Reject a pending manual deposit',
        tags: adminTags,
        params: idParams,
        body: z.object({ reason: z.string().trim().min(1).max(500) }),
        response: { 200: adminDepositSchema, ...errorResponses },
      },
    },
    async (request) => service.reject(request.params.id, request.body.reason, actor(request)),
  );

  // ---- gateways

  app.post(
    '/api/v1/wallet/webhooks/:gateway',
    {
      config: { permission: 'public' },
      schema: {
        summary: "A payment gateway's webhook",
        description:
          "Verified over the raw body with the gateway's signature scheme; forged or stale deliveries answer " +
          'WALLET_WEBHOOK_INVALID and change nothing. Repeated deliveries are answered and ignored.',
        tags,
        params: z.object({ gateway: z.string().max(40) }),
        response: {
          200: z.object({
            received: z.literal(true),
            outcome: z.enum(['credited', 'failed', 'pending', 'ignored', 'mismatch', 'duplicate']),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { outcome } = await service.handleWebhook(
        request.params.gateway,
        request.rawBody,
        request.headers,
      );
      return { received: true as const, outcome };
    },
  );
}
