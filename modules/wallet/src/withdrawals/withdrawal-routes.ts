import type { ApiApp } from '@tradeloom/kernel';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { toCsv } from '../csv.js';
import { PERMISSION_FINANCE_WITHDRAWALS } from '../permissions.js';
import { actorOf, amountSchema, errorResponses, principalOf } from '../route-support.js';
import type { RequestOrigin } from './address-book.js';
import type { WithdrawalsService } from './index.js';
import { WITHDRAWAL_STATUSES } from './withdrawal.js';
import {
  addressSchema,
  adminWithdrawalSchema,
  CSV_COLUMNS,
  csvRowOf,
  viewOfAddress,
  withdrawalSchema,
} from './withdrawal-view.js';

const tags = ['wallet: withdrawals'];
const adminTags = ['admin: withdrawals'];
const finance = { permission: PERMISSION_FINANCE_WITHDRAWALS };

const codeSchema = z.string().min(1).max(64).describe('A current TOTP code or a recovery code');
const idParams = z.object({ id: z.string().max(64) });
const assetParam = z.string().regex(/^[A-Z0-9]{1,16}$/);
const networkParam = z.string().min(1).max(64).describe("Network slug (e.g. 'erc20') or id (net_…)");
const addressText = z.string().trim().min(1).max(200);
const memoText = z.string().max(100);

const listQuery = z.object({
  status: z.enum(WITHDRAWAL_STATUSES).optional(),
  asset: assetParam.optional(),
  from: z.iso.datetime({ offset: true }).optional().describe('Created at or after'),
  to: z.iso.datetime({ offset: true }).optional().describe('Created before'),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

function originOf(request: FastifyRequest): RequestOrigin {
  const agent = request.headers['user-agent'];
  return { ip: request.ip, ...(typeof agent === 'string' ? { userAgent: agent } : {}) };
}

function timeFilter(q: { from?: string | undefined; to?: string | undefined }) {
  return {
    ...(q.from === undefined ? {} : { fromMs: Date.parse(q.from) }),
    ...(q.to === undefined ? {} : { toMs: Date.parse(q.to) }),
  };
}

export function registerWithdrawalRoutes(app: ApiApp, service: WithdrawalsService): void {
  registerAddressRoutes(app, service);

  app.post(
    '/api/v1/wallet/withdrawals',
    {
      config: { permission: 'authenticated', apiKeyScope: 'withdraw' },
      schema: {
        summary: 'Request a withdrawal',
        description:
          'To an address in your allow-list (past its waiting period). Amount + network fee are held at once ' +
          'and stay held until a finance admin decides; large withdrawals need two admins. Signed-in users ' +
          "send a current second-factor code each time; API keys with the 'withdraw' scope need none (they " +
          'proved one at creation and are bound to an IP allow-list).',
        tags,
        body: z.object({
          asset: assetParam,
          network: networkParam.optional().describe('Required with address; optional with addressId'),
          addressId: z.string().max(64).optional().describe('An allow-list entry (wad_…)'),
          address: addressText.optional(),
          memo: memoText.nullable().optional(),
          amount: amountSchema.describe('What the address receives; the fee is added on top'),
          twoFactorCode: codeSchema.optional().describe('Required for signed-in users'),
        }),
        response: { 201: withdrawalSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const w = await service.request(
        { userId: principal.userId, method: principal.method, apiKeyId: principal.apiKeyId },
        request.body,
        originOf(request),
      );
      return reply.status(201).send(await service.view(w));
    },
  );

  app.get(
    '/api/v1/wallet/withdrawals',
    {
      config: { permission: 'authenticated', apiKeyScope: 'read' },
      schema: {
        summary: 'Your withdrawals',
        description: 'Newest first; `format=csv` answers a CSV file with the same rows.',
        tags,
        querystring: listQuery.extend({ format: z.enum(['json', 'csv']).default('json') }),
        response: {
          200: z.union([
            z.object({ withdrawals: z.array(withdrawalSchema) }),
            z.string().describe('text/csv with format=csv'),
          ]),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const rows = await service.list({
        userId: actorOf(request),
        ...(q.status === undefined ? {} : { status: q.status }),
        ...(q.asset === undefined ? {} : { asset: q.asset }),
        ...timeFilter(q),
        limit: q.limit,
        offset: q.offset,
      });
      const withdrawals = await Promise.all(rows.map((w) => service.view(w)));
      if (q.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="withdrawals.csv"')
          .send(toCsv(CSV_COLUMNS, withdrawals.map(csvRowOf)));
      }
      return { withdrawals };
    },
  );

  app.get(
    '/api/v1/wallet/withdrawals/:id',
    {
      config: { permission: 'authenticated', apiKeyScope: 'read' },
      schema: {
        summary: 'One of your withdrawals',
        tags,
        params: idParams,
        response: { 200: withdrawalSchema, ...errorResponses },
      },
    },
    async (request) => service.view(await service.get(request.params.id, actorOf(request))),
  );

  app.post(
    '/api/v1/wallet/withdrawals/:id/cancel',
    {
      config: { permission: 'authenticated', apiKeyScope: 'withdraw' },
      schema: {
        summary: 'Cancel a pending withdrawal',
        description: 'Only while it awaits review; the held amount and fee become available again.',
        tags,
        params: idParams,
        response: { 200: withdrawalSchema, ...errorResponses },
      },
    },
    async (request) =>
      service.view(await service.cancel(actorOf(request), request.params.id, originOf(request))),
  );

  registerAdminRoutes(app, service);
}

function registerAddressRoutes(app: ApiApp, service: WithdrawalsService): void {
  app.get(
    '/api/v1/wallet/withdrawal-addresses',
    {
      config: { permission: 'authenticated', apiKeyScope: 'read' },
      schema: {
        summary: 'Your withdrawal address allow-list',
        tags,
        querystring: z.object({ asset: assetParam.optional() }),
        response: { 200: z.object({ addresses: z.array(addressSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const { asset } = request.query;
      const list = await service.addresses.list(actorOf(request), asset === undefined ? {} : { asset });
      return { addresses: list.map(viewOfAddress) };
    },
  );

  app.post(
    '/api/v1/wallet/withdrawal-addresses',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: 'Add an address to your allow-list',
        description:
          'Needs a current second-factor code. The address is usable after the waiting period (24 h by ' +
          'default) unless you turned it off; you are mailed about every new address.',
        tags,
        body: z.object({
          asset: assetParam,
          network: networkParam,
          address: addressText,
          memo: memoText.nullable().optional().describe('Memo/tag, when the network needs one'),
          label: z.string().trim().min(1).max(80),
          twoFactorCode: codeSchema,
        }),
        response: { 201: addressSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const entry = await service.addresses.add(actorOf(request), request.body, originOf(request));
      return reply.status(201).send(viewOfAddress(entry));
    },
  );

  app.delete(
    '/api/v1/wallet/withdrawal-addresses/:id',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: 'Remove an address from your allow-list',
        tags,
        params: idParams,
        response: { 200: z.object({ deleted: z.literal(true) }), ...errorResponses },
      },
    },
    async (request) => {
      await service.addresses.remove(actorOf(request), request.params.id);
      return { deleted: true as const };
    },
  );

  const settingsSchema = z.object({
    addressDelay: z.boolean().describe('New addresses wait before they can be used'),
  });

  app.get(
    '/api/v1/wallet/withdrawal-settings',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: 'Your withdrawal settings',
        tags,
        response: { 200: settingsSchema, ...errorResponses },
      },
    },
    async (request) => ({ addressDelay: !(await service.addresses.delayDisabled(actorOf(request))) }),
  );

  app.put(
    '/api/v1/wallet/withdrawal-settings',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: 'Change your withdrawal settings',
        description:
          'Turning the new-address waiting period off needs a current second-factor code and is mailed; ' +
          'turning it on is immediate. It applies to addresses added afterwards.',
        tags,
        body: settingsSchema.extend({ twoFactorCode: codeSchema.optional() }),
        response: { 200: settingsSchema, ...errorResponses },
      },
    },
    async (request) => {
      const result = await service.addresses.setDelay(
        actorOf(request),
        { enabled: request.body.addressDelay, twoFactorCode: request.body.twoFactorCode },
        originOf(request),
      );
      return { addressDelay: result.enabled };
    },
  );
}

function registerAdminRoutes(app: ApiApp, service: WithdrawalsService): void {
  app.get(
    '/api/v1/admin/wallet/withdrawals',
    {
      config: finance,
      schema: {
        summary: 'Withdrawals of every user',
        description: 'Newest first. `status=pending` is the review queue.',
        tags: adminTags,
        querystring: listQuery.extend({ userId: z.string().max(64).optional() }),
        response: { 200: z.object({ withdrawals: z.array(adminWithdrawalSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const rows = await service.list({
        ...(q.userId === undefined ? {} : { userId: q.userId }),
        ...(q.status === undefined ? {} : { status: q.status }),
        ...(q.asset === undefined ? {} : { asset: q.asset }),
        ...timeFilter(q),
        limit: q.limit,
        offset: q.offset,
      });
      return { withdrawals: await Promise.all(rows.map((w) => service.adminView(w))) };
    },
  );

  app.post(
    '/api/v1/admin/wallet/withdrawals/:id/approve',
    {
      config: finance,
      schema: {
        summary: 'Approve a pending withdrawal',
        description:
          'Large withdrawals (above the four-eyes amount in USDT, or without a price) need the approvals of ' +
          'two different finance admins; nobody approves their own. Approved ones are paid out by the job.',
        tags: adminTags,
        params: idParams,
        response: { 200: adminWithdrawalSchema, ...errorResponses },
      },
    },
    async (request) =>
      service.adminView(await service.approve(actorOf(request), request.params.id, originOf(request))),
  );

  app.post(
    '/api/v1/admin/wallet/withdrawals/:id/reject',
    {
      config: finance,
      schema: {
        summary: 'Reject a withdrawal',
        description:
          'Pending or approved (or a manual payout not made): the hold is released; the user is mailed.',
        tags: adminTags,
        params: idParams,
        body: z.object({ reason: z.string().trim().min(1).max(500) }),
        response: { 200: adminWithdrawalSchema, ...errorResponses },
      },
    },
    async (request) =>
      service.adminView(
        await service.reject(actorOf(request), request.params.id, request.body.reason, originOf(request)),
      ),
  );

  app.post(
    '/api/v1/admin/wallet/withdrawals/:id/mark-sent',
    {
      config: finance,
      schema: {
        summary: 'Mark a manual payout as sent',
        description: 'For a withdrawal awaiting a manual payout: records the tx id and completes it.',
        tags: adminTags,
        params: idParams,
        body: z.object({ txId: z.string().trim().min(1).max(200) }),
        response: { 200: adminWithdrawalSchema, ...errorResponses },
      },
    },
    async (request) =>
      service.adminView(
        await service.markSent(actorOf(request), request.params.id, request.body.txId, originOf(request)),
      ),
  );
}
