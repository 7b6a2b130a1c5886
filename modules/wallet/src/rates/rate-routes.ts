import type { ApiApp } from '@tradeloom/kernel';
import { z } from 'zod';
import { assetCodeSchema } from '../assets/asset.js';
import { PERMISSION_FINANCE_LEDGER } from '../permissions.js';
import { actorOf, errorResponses, ipOf, isoTime } from '../route-support.js';
import type { RateService } from './rate-service.js';

const rateSchema = z.object({
  asset: z.string(),
  quote: z.string(),
  rate: z.string().describe('Whole quote units per whole asset unit, exact decimal'),
  source: z
    .string()
    .describe("'fixed', 'market:<symbol>', 'market:<a>+<b>' (through another asset), 'feed:<name>'"),
  updatedAt: isoTime,
});

export function registerRateRoutes(
  app: ApiApp,
  rates: RateService,
  audit: (actor: string, ip: string, count: number) => Promise<void>,
): void {
  app.get(
    '/api/v1/wallet/rates',
    {
      config: { permission: 'public' },
      schema: {
        summary: "Prices of the platform's assets in a quote currency",
        description:
          "From the last trade of the platform's own markets (through one other asset when there is no direct market), else an external price feed; refreshed every minute.",
        tags: ['wallet'],
        querystring: z.object({ quote: assetCodeSchema.default('USDT') }),
        response: { 200: z.object({ quote: z.string(), rates: z.array(rateSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ quote: request.query.quote, rates: await rates.list(request.query.quote) }),
  );

  app.post(
    '/api/v1/admin/wallet/rates/refresh',
    {
      config: { permission: PERMISSION_FINANCE_LEDGER },
      schema: {
        summary: 'Recompute the rates now',
        tags: ['admin: wallet'],
        response: { 200: z.object({ rates: z.array(rateSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const refreshed = await rates.refresh();
      await audit(actorOf(request), ipOf(request), refreshed.length);
      return { rates: refreshed };
    },
  );
}
