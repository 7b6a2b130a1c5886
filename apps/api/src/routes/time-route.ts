import type { ApiApp } from '@tradeloom/kernel';
import { z } from 'zod';

/** GET /api/v1/time: the server clock, as Binance's /api/v3/time answers it, for request signing. */
export function registerTimeRoute(app: ApiApp, now: () => number = Date.now): void {
  app.get(
    '/api/v1/time',
    {
      config: { permission: 'public' },
      schema: {
        summary: 'Server time',
        description:
          'Milliseconds since the Unix epoch; clients use it to sync the timestamp of signed requests.',
        tags: ['system'],
        response: { 200: z.object({ serverTime: z.number().int().describe('Unix time in milliseconds') }) },
      },
    },
    async () => ({ serverTime: now() }),
  );
}
