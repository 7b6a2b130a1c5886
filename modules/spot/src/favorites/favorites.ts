// A user's watchlist of markets.
import type { Database } from '@tradeloom/db';
import type { ApiApp } from '@tradeloom/kernel';
import { z } from 'zod';
import type { MarketService } from '../markets/market-service.js';
import { actorOf, errorResponses, symbolSchema } from '../route-support.js';

export interface FavoritesService {
  list(userId: string): Promise<string[]>;
  add(userId: string, symbol: string): Promise<void>;
  remove(userId: string, symbol: string): Promise<void>;
}

export function createFavoritesService(deps: {
  database: Database;
  markets: MarketService;
}): FavoritesService {
  const db = deps.database;
  return {
    async list(userId) {
      const { rows } = await db.query(
        `SELECT m.symbol FROM spot_favorites f JOIN spot_markets m ON m.id = f.market_id
         WHERE f.user_id = $1 ORDER BY f.created_at, m.symbol`,
        [userId],
      );
      return rows.map((r) => String(r.symbol));
    },
    async add(userId, symbol) {
      const m = await deps.markets.market(symbol);
      await db.query(
        'INSERT INTO spot_favorites (user_id, market_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [userId, m.id],
      );
    },
    async remove(userId, symbol) {
      const m = await deps.markets.market(symbol);
      await db.query('DELETE FROM spot_favorites WHERE user_id = $1 AND market_id = $2', [userId, m.id]);
    },
  };
}

export function registerFavoritesRoutes(app: ApiApp, service: FavoritesService): void {
  const list = z.object({ symbols: z.array(z.string()) });
  const config = { permission: 'authenticated' };
  const tags = ['spot'];
  app.get(
    '/api/v1/spot/favorites',
    {
      config,
      schema: { summary: 'Your favorite markets', tags, response: { 200: list, ...errorResponses } },
    },
    async (request) => ({ symbols: await service.list(actorOf(request)) }),
  );
  app.put(
    '/api/v1/spot/favorites/:symbol',
    {
      config,
      schema: {
        summary: 'Add a market to your favorites',
        tags,
        params: z.object({ symbol: symbolSchema }),
        response: { 200: list, ...errorResponses },
      },
    },
    async (request) => {
      await service.add(actorOf(request), request.params.symbol);
      return { symbols: await service.list(actorOf(request)) };
    },
  );
  app.delete(
    '/api/v1/spot/favorites/:symbol',
    {
      config,
      schema: {
        summary: 'Remove a market from your favorites',
        tags,
        params: z.object({ symbol: symbolSchema }),
        response: { 200: list, ...errorResponses },
      },
    },
    async (request) => {
      await service.remove(actorOf(request), request.params.symbol);
      return { symbols: await service.list(actorOf(request)) };
    },
  );
}
