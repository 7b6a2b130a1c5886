import type { ApiApp } from '@tradeloom/kernel';
import { z } from 'zod';
import { PERMISSION_SPOT_MARKETS } from '../permissions.js';
import { actorOf, decimalIn, errorResponses, symbolSchema } from '../route-support.js';
import type { MarketService } from './market-service.js';

const STATUSES = ['TRADING', 'HALTED', 'CANCEL_ONLY'] as const;

export const marketSchema = z.object({
  id: z.number().int(),
  symbol: z.string(),
  base: z.string(),
  quote: z.string(),
  basePrecision: z.number().int(),
  quotePrecision: z.number().int(),
  tickSize: z.string(),
  lotSize: z.string(),
  lotUnits: z.number().int(),
  tickQuoteUnits: z.number().int(),
  minPrice: z.string(),
  maxPrice: z.string(),
  minQty: z.string(),
  maxQty: z.string(),
  minNotional: z.string(),
  priceBandBps: z.number().int(),
  maxNumOrders: z.number().int(),
  maxNumStopOrders: z.number().int(),
  makerFee: z.string(),
  takerFee: z.string(),
  status: z.enum(STATUSES),
  sortOrder: z.number().int(),
});

const settings = z.object({
  minPrice: decimalIn.optional(),
  maxPrice: decimalIn.optional(),
  minQty: decimalIn.optional(),
  maxQty: decimalIn.optional(),
  minNotional: decimalIn.optional(),
  priceBandBps: z
    .number()
    .int()
    .min(0)
    .max(100_000)
    .optional()
    .describe('Allowed distance from the last price; 0 = off'),
  maxNumOrders: z.number().int().min(1).max(100_000).optional(),
  maxNumStopOrders: z.number().int().min(0).max(10_000).optional(),
  makerFee: decimalIn.optional().describe('Rate, e.g. "0.001" = 0.1%'),
  takerFee: decimalIn.optional(),
  status: z.enum(STATUSES).optional(),
  sortOrder: z.number().int().min(0).max(1_000_000).optional(),
});

export function registerMarketRoutes(app: ApiApp, service: MarketService): void {
  app.get(
    '/api/v1/spot/markets',
    {
      config: { permission: 'public' },
      schema: {
        summary: 'Spot markets with their grid, filters and fees',
        tags: ['spot'],
        response: { 200: z.object({ markets: z.array(marketSchema) }) },
      },
    },
    async () => ({ markets: await service.listMarkets() }),
  );

  app.get(
    '/api/v1/spot/markets/:symbol',
    {
      config: { permission: 'public' },
      schema: {
        summary: 'One spot market',
        tags: ['spot'],
        params: z.object({ symbol: symbolSchema }),
        response: { 200: marketSchema, ...errorResponses },
      },
    },
    async (request) => service.market(request.params.symbol),
  );

  app.post(
    '/api/v1/admin/spot/markets',
    {
      config: { permission: PERMISSION_SPOT_MARKETS },
      schema: {
        summary: 'Create a spot market',
        description:
          'Tick and lot sizes are fixed at creation and must fit the assets\u2019 precisions (tick x lot at least one quote unit). The engine gets the market at once.',
        tags: ['admin: spot'],
        body: settings.extend({
          base: z.string().max(16),
          quote: z.string().max(16),
          tickSize: decimalIn,
          lotSize: decimalIn,
          symbol: symbolSchema.optional(),
        }),
        response: { 201: marketSchema, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service.createMarket(request.body, actorOf(request))),
  );

  app.patch(
    '/api/v1/admin/spot/markets/:symbol',
    {
      config: { permission: PERMISSION_SPOT_MARKETS },
      schema: {
        summary: "Change a market's filters, fees or status",
        tags: ['admin: spot'],
        params: z.object({ symbol: symbolSchema }),
        body: settings,
        response: { 200: marketSchema, ...errorResponses },
      },
    },
    async (request) => service.updateMarket(request.params.symbol, request.body, actorOf(request)),
  );
}
