import type { ApiApp } from '@tradeloom/kernel';
import { CANDLE_INTERVALS } from '@tradeloom/projection';
import { z } from 'zod';
import { errorResponses, symbolSchema } from '../route-support.js';
import type { MarketDataService } from './market-data-service.js';

const level = z.tuple([z.string(), z.string()]);
const tickerSchema = z.object({
  symbol: z.string(),
  openPrice: z.string(),
  highPrice: z.string(),
  lowPrice: z.string(),
  lastPrice: z.string(),
  priceChange: z.string(),
  priceChangePercent: z.string(),
  volume: z.string(),
  quoteVolume: z.string(),
  openTime: z.number().int(),
  closeTime: z.number().int(),
  firstId: z.number().int(),
  lastId: z.number().int(),
  count: z.number().int(),
});
const pub = { permission: 'public' };
const tags = ['spot: market data'];

export function registerMarketDataRoutes(app: ApiApp, service: MarketDataService): void {
  app.get(
    '/api/v1/spot/markets/:symbol/book',
    {
      config: pub,
      schema: {
        summary: 'Order book: aggregated levels, best first',
        tags,
        params: z.object({ symbol: symbolSchema }),
        querystring: z.object({ depth: z.coerce.number().int().min(1).max(5000).optional() }),
        response: {
          200: z.object({ symbol: z.string(), bids: z.array(level), asks: z.array(level) }),
          ...errorResponses,
        },
      },
    },
    async (request) => service.book(request.params.symbol, request.query.depth),
  );

  app.get(
    '/api/v1/spot/markets/:symbol/trades',
    {
      config: pub,
      schema: {
        summary: 'Recent trades, oldest first',
        tags,
        params: z.object({ symbol: symbolSchema }),
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(1000).optional(),
          fromId: z.coerce.number().int().nonnegative().optional(),
        }),
        response: {
          200: z.object({
            trades: z.array(
              z.object({
                id: z.number().int(),
                price: z.string(),
                qty: z.string(),
                quoteQty: z.string(),
                time: z.number().int(),
                isBuyerMaker: z.boolean(),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      trades: await service.recentTrades(request.params.symbol, request.query.limit, request.query.fromId),
    }),
  );

  app.get(
    '/api/v1/spot/markets/:symbol/candles',
    {
      config: pub,
      schema: {
        summary: 'Candles (klines) built from trades',
        tags,
        params: z.object({ symbol: symbolSchema }),
        querystring: z.object({
          interval: z.enum(CANDLE_INTERVALS),
          startTime: z.coerce.number().int().nonnegative().optional(),
          endTime: z.coerce.number().int().nonnegative().optional(),
          limit: z.coerce.number().int().min(1).max(1000).optional(),
        }),
        response: {
          200: z.object({
            candles: z.array(
              z.object({
                openTime: z.number().int(),
                open: z.string(),
                high: z.string(),
                low: z.string(),
                close: z.string(),
                volume: z.string(),
                closeTime: z.number().int(),
                quoteVolume: z.string(),
                trades: z.number().int(),
                takerBuyBaseVolume: z.string(),
                takerBuyQuoteVolume: z.string(),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { interval, ...q } = request.query;
      return { candles: await service.candles(request.params.symbol, interval, q) };
    },
  );

  app.get(
    '/api/v1/spot/tickers',
    {
      config: pub,
      schema: {
        summary: 'Rolling 24 h statistics of every market',
        tags,
        querystring: z.object({ symbol: symbolSchema.optional() }),
        response: { 200: z.object({ tickers: z.array(tickerSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ tickers: await service.tickers(request.query.symbol) }),
  );
}
