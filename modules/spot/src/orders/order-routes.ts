import { ORDER_TYPES, SIDES, STP_MODES, TIMES_IN_FORCE } from '@tradeloom/engine';
import type { ApiApp } from '@tradeloom/kernel';
import { z } from 'zod';
import { actorOf, decimalIn, errorResponses, symbolSchema } from '../route-support.js';
import type { OrderService } from './order-service.js';

const orderSchema = z.object({
  symbol: z.string(),
  orderId: z.number().int(),
  orderListId: z.number().int().describe('-1 unless the order is a leg of an OCO'),
  clientOrderId: z.string().nullable(),
  side: z.string(),
  type: z.string(),
  timeInForce: z.string(),
  price: z.string(),
  origQty: z.string(),
  origQuoteOrderQty: z.string(),
  stopPrice: z.string(),
  trailingDelta: z.number().int(),
  executedQty: z.string(),
  cummulativeQuoteQty: z.string(),
  status: z.string().describe('NEW, PARTIALLY_FILLED, FILLED, CANCELED, EXPIRED, EXPIRED_IN_MATCH'),
  working: z.boolean().describe('false for a stop order waiting for its trigger'),
  selfTradePreventionMode: z.string(),
  fees: z.string().describe('Fees paid on its fills, in the quote asset'),
  time: z.number().int(),
  updateTime: z.number().int(),
});

const fillSchema = z.object({
  tradeId: z.number().int(),
  price: z.string(),
  qty: z.string(),
  commission: z.string(),
  commissionAsset: z.string(),
});

const placeBody = z.object({
  symbol: symbolSchema,
  side: z.enum(SIDES),
  type: z.enum(ORDER_TYPES),
  timeInForce: z.enum(TIMES_IN_FORCE).optional(),
  price: decimalIn.optional(),
  quantity: decimalIn.optional(),
  quoteOrderQty: decimalIn
    .optional()
    .describe('MARKET orders: spend (buy) or receive (sell) this much quote'),
  stopPrice: decimalIn.optional(),
  trailingDelta: z
    .number()
    .int()
    .min(1)
    .max(2_000)
    .optional()
    .describe('Trailing stop distance in basis points'),
  clientOrderId: z
    .string()
    .regex(/^[.A-Za-z0-9_-]{1,36}$/)
    .optional(),
  selfTradePreventionMode: z.enum(STP_MODES).optional(),
});

const target = z.object({
  symbol: symbolSchema,
  orderId: z.number().int().positive().optional(),
  clientOrderId: z.string().max(36).optional(),
});

const trading = { permission: 'authenticated', apiKeyScope: 'spot_trade' as const };
const reading = { permission: 'authenticated', apiKeyScope: 'read' as const };
const tags = ['spot: orders'];

export function registerOrderRoutes(app: ApiApp, service: OrderService): void {
  app.post(
    '/api/v1/spot/orders',
    {
      config: trading,
      schema: {
        summary: 'Place an order',
        description:
          'Every engine order type: LIMIT (GTC, IOC, FOK), LIMIT_MAKER (post-only), MARKET by quantity or quoteOrderQty, STOP_LOSS(_LIMIT), TAKE_PROFIT(_LIMIT), trailing stops (trailingDelta). The answer is the order after matching, with its fills.',
        tags,
        body: placeBody,
        response: { 201: z.object({ order: orderSchema, fills: z.array(fillSchema) }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { order, fills } = await service.place(actorOf(request), request.body);
      return reply.status(201).send({ order, fills });
    },
  );

  app.post(
    '/api/v1/spot/orders/oco',
    {
      config: trading,
      schema: {
        summary: 'Place an OCO (a limit maker leg and a stop leg; one executing cancels the other)',
        tags,
        body: z.object({
          symbol: symbolSchema,
          side: z.enum(SIDES),
          quantity: decimalIn,
          price: decimalIn,
          stopPrice: decimalIn,
          stopLimitPrice: decimalIn.optional(),
          listClientOrderId: z.string().max(36).optional(),
          limitClientOrderId: z.string().max(36).optional(),
          stopClientOrderId: z.string().max(36).optional(),
          selfTradePreventionMode: z.enum(STP_MODES).optional(),
        }),
        response: {
          201: z.object({ orderListId: z.number().int(), orders: z.array(orderSchema) }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { orderListId, orders } = await service.placeOco(actorOf(request), request.body);
      return reply.status(201).send({ orderListId, orders });
    },
  );

  app.post(
    '/api/v1/spot/orders/cancel',
    {
      config: trading,
      schema: {
        summary: 'Cancel an order (by orderId or clientOrderId)',
        tags,
        body: target,
        response: { 200: z.object({ order: orderSchema }), ...errorResponses },
      },
    },
    async (request) => {
      const { symbol, ...by } = request.body;
      return { order: (await service.cancel(actorOf(request), symbol, by)).order };
    },
  );

  app.post(
    '/api/v1/spot/orders/cancel-all',
    {
      config: trading,
      schema: {
        summary: 'Cancel all your open orders of a market',
        tags,
        body: z.object({ symbol: symbolSchema }),
        response: { 200: z.object({ orders: z.array(orderSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ orders: (await service.cancelAll(actorOf(request), request.body.symbol)).orders }),
  );

  app.post(
    '/api/v1/spot/orders/cancel-replace',
    {
      config: trading,
      schema: {
        summary: 'Cancel an order and place a new one in one engine command',
        tags,
        body: placeBody.extend({
          cancelOrderId: z.number().int().positive().optional(),
          cancelClientOrderId: z.string().max(36).optional(),
          mode: z.enum(['STOP_ON_FAILURE', 'ALLOW_FAILURE']),
        }),
        response: {
          200: z.object({
            cancelled: orderSchema.nullable(),
            placed: z.object({ order: orderSchema, fills: z.array(fillSchema) }).nullable(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { cancelled, placed } = await service.cancelReplace(actorOf(request), request.body);
      return { cancelled, placed: placed === null ? null : { order: placed.order, fills: placed.fills } };
    },
  );

  app.get(
    '/api/v1/spot/orders',
    {
      config: reading,
      schema: {
        summary: 'Your orders (open, or all), newest last',
        tags,
        querystring: z.object({
          symbol: symbolSchema.optional(),
          open: z.enum(['true', 'false']).optional(),
          fromOrderId: z.coerce.number().int().positive().optional(),
          startTime: z.coerce.number().int().nonnegative().optional(),
          endTime: z.coerce.number().int().nonnegative().optional(),
          limit: z.coerce.number().int().min(1).max(1000).optional(),
        }),
        response: { 200: z.object({ orders: z.array(orderSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const { open, ...rest } = request.query;
      return { orders: await service.orders(actorOf(request), { ...rest, open: open === 'true' }) };
    },
  );

  app.get(
    '/api/v1/spot/orders/one',
    {
      config: reading,
      schema: {
        summary: 'One of your orders by orderId or clientOrderId',
        tags,
        querystring: z.object({
          symbol: symbolSchema,
          orderId: z.coerce.number().int().positive().optional(),
          clientOrderId: z.string().max(36).optional(),
        }),
        response: { 200: orderSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { symbol, ...by } = request.query;
      return service.order(actorOf(request), symbol, by);
    },
  );

  app.get(
    '/api/v1/spot/my-trades',
    {
      config: reading,
      schema: {
        summary: 'Your trades of a market, with fees',
        tags,
        querystring: z.object({
          symbol: symbolSchema,
          fromId: z.coerce.number().int().nonnegative().optional(),
          startTime: z.coerce.number().int().nonnegative().optional(),
          endTime: z.coerce.number().int().nonnegative().optional(),
          limit: z.coerce.number().int().min(1).max(1000).optional(),
        }),
        response: {
          200: z.object({
            trades: z.array(
              z.object({
                symbol: z.string(),
                id: z.number().int(),
                orderId: z.number().int(),
                price: z.string(),
                qty: z.string(),
                quoteQty: z.string(),
                commission: z.string(),
                commissionAsset: z.string(),
                time: z.number().int(),
                isBuyer: z.boolean(),
                isMaker: z.boolean(),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { symbol, ...rest } = request.query;
      return { trades: await service.myTrades(actorOf(request), { symbol, ...rest }) };
    },
  );
}
