import { type ApiApp, errorBodySchema } from '@tradeloom/kernel';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { assetCodeSchema } from '../assets/asset.js';
import { PERMISSION_FINANCE_LEDGER } from '../permissions.js';
import { actorOf, amountOut, errorResponses, isoTime } from '../route-support.js';
import { walletTypeSchema } from '../wallet-types.js';
import type { BalanceService } from './balance-service.js';
import { EXPORT_ROWS_MAX, HISTORY_KINDS, type HistoryService } from './history-service.js';
import type { PnlService } from './pnl-service.js';

const signedAmount = z.string().describe('Signed decimal string at the asset precision');

const tradeSchema = z.object({
  tradeId: z.string(),
  at: isoTime,
  market: z.string(),
  side: z.enum(['BUY', 'SELL']),
  price: z.string().describe('Quote per one base unit'),
  quantity: amountOut,
  quoteQuantity: amountOut,
  fee: amountOut,
  feeAsset: z.string(),
  role: z.enum(['maker', 'taker']),
});

const entrySchema = z.object({
  id: z.string().describe('Posting id; also the cursor'),
  at: isoTime,
  kind: z.string(),
  asset: z.string(),
  wallet: z.string().nullable(),
  amount: signedAmount.describe('Change of the total (available + held)'),
  availableChange: signedAmount,
  heldChange: signedAmount,
  reference: z.string(),
  network: z.string().nullable(),
  transfer: z
    .object({
      id: z.string(),
      direction: z.enum(['in', 'out', 'self']),
      fromWallet: z.string(),
      toWallet: z.string(),
      counterparty: z.object({ userId: z.string(), email: z.string() }).nullable(),
    })
    .nullable(),
  trade: tradeSchema.nullable(),
});

const historyPage = z.object({ entries: z.array(entrySchema), nextCursor: z.string().nullable() });

const time = z.iso.datetime({ offset: true });

const historyQuery = z.object({
  asset: assetCodeSchema.optional(),
  kind: z.enum(HISTORY_KINDS).optional(),
  wallet: walletTypeSchema.optional(),
  from: time.optional().describe('Inclusive'),
  to: time.optional().describe('Exclusive'),
  cursor: z.string().max(20).optional().describe('nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  format: z.enum(['json', 'csv']).default('json'),
});

const tags = ['wallet'];
const responses = { ...errorResponses, 413: errorBodySchema };

type HistoryQueryInput = z.infer<typeof historyQuery>;

async function answerHistory(
  history: HistoryService,
  userId: string,
  query: HistoryQueryInput,
  reply: FastifyReply,
) {
  const { format, limit, ...filter } = query;
  const clean = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined));
  if (format === 'csv') {
    const csv = await history.historyCsv(userId, clean);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="wallet-history.csv"')
      .send(csv);
  }
  return reply.send(await history.history(userId, { ...clean, limit }));
}

export function registerHistoryRoutes(
  app: ApiApp,
  services: { history: HistoryService; balances: BalanceService; pnl: PnlService },
): void {
  const { history, balances, pnl } = services;

  app.get(
    '/api/v1/wallet/balances',
    {
      config: { permission: 'authenticated', apiKeyScope: 'read' },
      schema: {
        summary: 'Your balances per wallet and asset, with their value in a quote currency',
        description:
          'Live from the ledger engine. `value` is null for an asset without a price (listed in unpricedAssets and left out of totalValue).',
        tags,
        querystring: z.object({ quote: assetCodeSchema.default('USDT') }),
        response: {
          200: z.object({
            quote: z.string(),
            totalValue: amountOut,
            unpricedAssets: z.array(z.string()),
            balances: z.array(
              z.object({
                wallet: z.string(),
                asset: z.string(),
                available: amountOut,
                held: amountOut,
                total: amountOut,
                value: amountOut.nullable(),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => balances.balances(actorOf(request), request.query.quote),
  );

  app.get(
    '/api/v1/wallet/history',
    {
      config: { permission: 'authenticated', apiKeyScope: 'read' },
      schema: {
        summary: 'Your balance movements: deposits, withdrawals, transfers, trades, fees, order holds',
        description: `Newest first, from the ledger's read model (a movement appears within moments of happening). \`format=csv\` answers text/csv with every matching row (at most ${EXPORT_ROWS_MAX}, else WALLET_EXPORT_TOO_LARGE: narrow from/to).`,
        tags,
        querystring: historyQuery,
        response: { 200: z.union([historyPage, z.string().describe('text/csv')]), ...responses },
      },
    },
    async (request, reply) => answerHistory(history, actorOf(request), request.query, reply),
  );

  app.get(
    '/api/v1/admin/wallet/users/:userId/history',
    {
      config: { permission: PERMISSION_FINANCE_LEDGER },
      schema: {
        summary: "A user's balance movements (finance)",
        tags: ['admin: wallet'],
        params: z.object({ userId: z.string().max(64) }),
        querystring: historyQuery,
        response: { 200: z.union([historyPage, z.string().describe('text/csv')]), ...responses },
      },
    },
    async (request, reply) => {
      await history.assertUser(request.params.userId);
      return answerHistory(history, request.params.userId, request.query, reply);
    },
  );

  app.get(
    '/api/v1/wallet/trades',
    {
      config: { permission: 'authenticated', apiKeyScope: 'read' },
      schema: {
        summary: 'Your trades with their fees, newest first',
        tags,
        querystring: z.object({
          market: z.string().max(32).optional().describe("Symbol, e.g. 'BTCUSDT'"),
          from: time.optional(),
          to: time.optional(),
          cursor: z.string().max(20).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: {
          200: z.object({ trades: z.array(tradeSchema), nextCursor: z.string().nullable() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { limit, ...rest } = request.query;
      const clean = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
      return history.trades(actorOf(request), { ...clean, limit });
    },
  );

  app.get(
    '/api/v1/wallet/pnl',
    {
      config: { permission: 'authenticated', apiKeyScope: 'read' },
      schema: {
        summary: 'Your daily balance value in USDT and profit or loss',
        description:
          'One snapshot per UTC day (taken shortly after midnight). pnl = value - previous day value - net flows (deposits, withdrawals and transfers with other users that day).',
        tags,
        querystring: z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }),
        response: {
          200: z.object({
            quote: z.string(),
            days: z.array(
              z.object({
                day: z.string().describe('YYYY-MM-DD'),
                value: z.string(),
                netFlows: z.string(),
                pnl: z.string().nullable(),
                unpricedAssets: z.array(z.string()),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => pnl.series(actorOf(request), request.query.days),
  );
}
