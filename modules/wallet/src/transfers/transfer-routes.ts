import { type ApiApp, errorBodySchema } from '@tradeloom/kernel';
import { z } from 'zod';
import { assetCodeSchema } from '../assets/asset.js';
import { actorOf, amountOut, amountSchema, errorResponses, ipOf, isoTime } from '../route-support.js';
import { walletTypeSchema } from '../wallet-types.js';
import { TRANSFER_KINDS, TRANSFER_STATUSES } from './transfer.js';
import type { TransferCoreService } from './transfer-service.js';

const clientTransferId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -, at most 64')
  .describe('Your idempotency key: a retried request with the same one never transfers twice');

export const transferSchema = z.object({
  id: z.string(),
  kind: z.enum(TRANSFER_KINDS),
  direction: z.enum(['in', 'out', 'self']),
  asset: z.string(),
  amount: amountOut,
  fromWallet: walletTypeSchema,
  toWallet: walletTypeSchema,
  counterparty: z
    .object({ userId: z.string(), email: z.string().describe('Masked: a***@example.com') })
    .nullable(),
  status: z.enum(TRANSFER_STATUSES),
  failureCode: z.string().nullable(),
  clientTransferId: z.string().nullable(),
  createdAt: isoTime,
  completedAt: isoTime.nullable(),
});

const tags = ['wallet'];
const responses = { ...errorResponses, 429: errorBodySchema };

export function registerTransferRoutes(app: ApiApp, service: TransferCoreService): void {
  app.post(
    '/api/v1/wallet/transfers/internal-wallet',
    {
      config: { permission: 'authenticated', apiKeyScope: 'transfer' },
      schema: {
        summary: 'Move funds between your own wallets (SPOT, FUNDING, FIAT, FUTURES, P2P, ECO)',
        description:
          'Immediate. WALLET_INSUFFICIENT_BALANCE when the source wallet lacks the amount, WALLET_SAME_WALLET for one wallet twice.',
        tags,
        body: z.object({
          asset: assetCodeSchema,
          amount: amountSchema,
          fromWallet: walletTypeSchema,
          toWallet: walletTypeSchema,
          clientTransferId: clientTransferId.optional(),
        }),
        response: { 201: transferSchema, ...responses },
      },
    },
    async (request, reply) => {
      const transfer = await service.walletTransfer(actorOf(request), request.body);
      return reply.status(201).send(transfer);
    },
  );

  app.post(
    '/api/v1/wallet/transfers/user',
    {
      config: {
        permission: 'authenticated',
        apiKeyScope: 'transfer',
        // Also bounds how fast anyone could probe which emails have an account.
        rateLimit: { name: 'wallet-transfer-user', points: 20, durationS: 60 },
      },
      schema: {
        summary: 'Send funds to another user by email or user id',
        description:
          "Credited to the recipient's SPOT wallet at once; both sides are mailed. Above the operator's threshold in USDT (or for an asset without a price) a second-factor code is required (WALLET_TWO_FACTOR_REQUIRED). Refused for a while after a security change (WALLET_TRANSFERS_LOCKED), as withdrawals are. The recipient is looked up only after the balance and second-factor checks pass; an unknown one answers WALLET_RECIPIENT_NOT_FOUND.",
        tags,
        body: z.object({
          asset: assetCodeSchema,
          amount: amountSchema,
          recipientEmail: z.email().max(254).optional(),
          recipientUserId: z.string().min(1).max(64).optional(),
          fromWallet: walletTypeSchema.optional().describe('Default SPOT'),
          clientTransferId: clientTransferId.optional(),
          twoFactorCode: z.string().min(6).max(64).optional(),
        }),
        response: { 201: transferSchema, ...responses },
      },
    },
    async (request, reply) => {
      const userAgent = request.headers['user-agent'];
      const transfer = await service.transferToUser(actorOf(request), request.body, {
        ip: ipOf(request),
        ...(userAgent === undefined ? {} : { userAgent }),
      });
      return reply.status(201).send(transfer);
    },
  );

  app.get(
    '/api/v1/wallet/transfers',
    {
      config: { permission: 'authenticated', apiKeyScope: 'read' },
      schema: {
        summary: 'Your transfers, sent and received, newest first',
        tags,
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(64).optional().describe('nextCursor of the previous page'),
        }),
        response: {
          200: z.object({ transfers: z.array(transferSchema), nextCursor: z.string().nullable() }),
          ...responses,
        },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      return service.listTransfers(actorOf(request), { limit, ...(cursor === undefined ? {} : { cursor }) });
    },
  );

  app.get(
    '/api/v1/wallet/transfers/:id',
    {
      config: { permission: 'authenticated', apiKeyScope: 'read' },
      schema: {
        summary: 'One of your transfers',
        tags,
        params: z.object({ id: z.string().max(64) }),
        response: { 200: transferSchema, ...responses },
      },
    },
    async (request) => service.getTransfer(actorOf(request), request.params.id),
  );
}
