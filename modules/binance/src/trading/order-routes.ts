// Binance's spot trading endpoints: order (new, test, query, cancel), openOrders (query, cancel all),
// allOrders, myTrades and OCO order lists, over the spot module's order service.
import type { OrderView, PlaceOcoInput, SpotMarket, TradeView } from '@tradeloom/spot';
import { feePpm, toLots, toQuoteUnits, toTicks } from '@tradeloom/spot';
import type { FastifyRequest } from 'fastify';
import { type BinanceContext, callerOf, marketOf } from '../binance-context.js';
import { BinanceError, mandatory, msg } from '../support/binance-error.js';
import type { BinanceRoute } from '../support/binance-routes.js';
import { fmt8, unitsFmt8 } from '../support/format.js';
import type { Params } from '../support/params.js';
import { cancelResponse, defaultRespType, newOrderResponse, queryOrderResponse } from './order-format.js';
import {
  checkPrecision,
  invalidData,
  invalidSide,
  invalidTif,
  newClientId,
  readNewOrder,
  readRespType,
  readStp,
  refuseIceberg,
  SIDES,
  TIMES_IN_FORCE,
} from './order-input.js';
import { findOrderList, listOrderLists, orderListResponse, recordOrderList } from './order-lists.js';

const tag = 'binance: trading';
const DAY_MS = 86_400_000;

/** orderId or origClientOrderId (one is needed). */
function target(params: Params, idName = 'orderId', clientName = 'origClientOrderId') {
  const orderId = params.long(idName, false, { min: 0 });
  const clientOrderId = params.clientId(clientName);
  if (orderId === undefined && clientOrderId === undefined) {
    throw new BinanceError(-1102, msg.eitherMandatory(clientName, idName));
  }
  return orderId !== undefined ? { orderId } : { clientOrderId: clientOrderId ?? '' };
}

function timeRange(params: Params) {
  const startTime = params.long('startTime', false, { min: 0 });
  const endTime = params.long('endTime', false, { min: 0 });
  if (startTime !== undefined && endTime !== undefined) {
    if (endTime < startTime) throw new BinanceError(-1128, 'Combination of optional parameters invalid.');
    if (endTime - startTime > DAY_MS) {
      throw new BinanceError(-1127, 'More than 24 hours between startTime and endTime.');
    }
  }
  return {
    ...(startTime === undefined ? {} : { startTime }),
    ...(endTime === undefined ? {} : { endTime }),
  };
}

/** Checks what /order/test can without the engine: parameters, precision and the market's grid. */
function dryRun(m: SpotMarket, input: ReturnType<typeof readNewOrder>['input']): void {
  if (m.status !== 'TRADING') throw new BinanceError(-2010, 'Market is closed.');
  if (input.price !== undefined) toTicks(input.price, m);
  if (input.stopPrice !== undefined) toTicks(input.stopPrice, m, 'stopPrice');
  if (input.quantity !== undefined) toLots(input.quantity, m);
  if (input.quoteOrderQty !== undefined) toQuoteUnits(input.quoteOrderQty, m);
}

/** A fee rate decimal as Binance's 8-decimal rate string. */
const rate = (fee: string) => unitsFmt8(feePpm(fee, 'fee'), 6);

export function orderRoutes(ctx: BinanceContext): BinanceRoute[] {
  const { spot, readYourWrites } = ctx;

  async function ownOrder(
    request: FastifyRequest,
    m: SpotMarket,
    by: { orderId?: number; clientOrderId?: string },
  ) {
    const userId = callerOf(request);
    await readYourWrites.caughtUp(userId);
    return spot.orders.order(userId, m.symbol, by);
  }

  async function placeOco(
    request: FastifyRequest,
    params: Params,
    m: SpotMarket,
    input: PlaceOcoInput,
    listClientOrderId: string,
  ) {
    const userId = callerOf(request);
    const respType = readRespType(params) ?? 'ACK';
    const transactionTime = ctx.clock.nowMs();
    const placed = await spot.orders.placeOco(userId, { ...input, listClientOrderId });
    readYourWrites.wrote(userId, placed.commandSeq);
    const list = {
      listId: placed.orderListId,
      userId,
      symbol: m.symbol,
      listClientOrderId,
      orderIds: placed.orders.map((o) => o.orderId),
      createdMs: transactionTime,
    };
    await recordOrderList(ctx.database, list);
    return {
      ...orderListResponse(list, placed.orders, m),
      orderReports: placed.orders.map((o) =>
        newOrderResponse(o, [], respType === 'ACK' ? 'RESULT' : respType, transactionTime),
      ),
    };
  }

  async function legsOf(request: FastifyRequest, list: { orderIds: number[]; symbol: string }) {
    const userId = callerOf(request);
    return Promise.all(list.orderIds.map((orderId) => spot.orders.order(userId, list.symbol, { orderId })));
  }

  return [
    {
      method: 'POST',
      url: '/order',
      security: 'TRADE',
      weight: 1,
      tag,
      summary: 'New order',
      description:
        'Parameters: symbol, side, type, timeInForce, quantity, quoteOrderQty, price, newClientOrderId, stopPrice, trailingDelta, newOrderRespType (ACK, RESULT, FULL), selfTradePreventionMode. Types: LIMIT, LIMIT_MAKER, MARKET, STOP_LOSS, STOP_LOSS_LIMIT, TAKE_PROFIT, TAKE_PROFIT_LIMIT. No iceberg orders.',
      handler: async (params, request) => {
        const m = await marketOf(ctx, params.symbol());
        const { input, respType } = readNewOrder(params, m);
        const userId = callerOf(request);
        const transactTime = ctx.clock.nowMs();
        const placed = await spot.orders.place(userId, input);
        readYourWrites.wrote(userId, placed.commandSeq);
        return newOrderResponse(
          placed.order,
          placed.fills,
          respType ?? defaultRespType(input.type),
          transactTime,
        );
      },
    },
    {
      method: 'POST',
      url: '/order/test',
      security: 'TRADE',
      weight: (query) => (query.get('computeCommissionRates') === 'true' ? 20 : 1),
      tag,
      summary: 'Test new order',
      description:
        "As POST /order, without placing it: checks the parameters, their precision and the market grid (not the balance or the book). computeCommissionRates=true answers the market's rates.",
      handler: async (params) => {
        const m = await marketOf(ctx, params.symbol());
        const { input } = readNewOrder(params, m);
        const compute = params.bool('computeCommissionRates');
        dryRun(m, input);
        if (compute !== true) return {};
        return {
          standardCommissionForOrder: { maker: rate(m.makerFee), taker: rate(m.takerFee) },
          taxCommissionForOrder: { maker: '0.00000000', taker: '0.00000000' },
          discount: {
            enabledForAccount: false,
            enabledForSymbol: false,
            discountAsset: null,
            discount: '0.00000000',
          },
        };
      },
    },
    {
      method: 'GET',
      url: '/order',
      security: 'USER_DATA',
      weight: 4,
      tag,
      summary: 'Query order',
      description: 'Parameters: symbol; orderId or origClientOrderId.',
      handler: async (params, request) => {
        const m = await marketOf(ctx, params.symbol());
        return queryOrderResponse(await ownOrder(request, m, target(params)));
      },
    },
    {
      method: 'DELETE',
      url: '/order',
      security: 'TRADE',
      weight: 1,
      tag,
      summary: 'Cancel order',
      description:
        "Parameters: symbol; orderId or origClientOrderId; newClientOrderId (the cancel's id); cancelRestrictions (ONLY_NEW, ONLY_PARTIALLY_FILLED). Cancelling an OCO leg cancels the other leg too.",
      handler: async (params, request) => {
        const m = await marketOf(ctx, params.symbol());
        const by = target(params);
        const cancelId = params.clientId('newClientOrderId') ?? newClientId();
        const restriction = params.oneOf(
          'cancelRestrictions',
          ['ONLY_NEW', 'ONLY_PARTIALLY_FILLED'] as const,
          invalidData('cancelRestrictions'),
        );
        const userId = callerOf(request);
        await readYourWrites.caughtUp(userId);
        if (restriction !== undefined) {
          const current = await spot.orders.order(userId, m.symbol, by).catch(() => null);
          const wanted = restriction === 'ONLY_NEW' ? 'NEW' : 'PARTIALLY_FILLED';
          if (current !== null && current.status !== wanted) {
            throw new BinanceError(-2011, 'Order was not canceled due to cancel restrictions.');
          }
        }
        const transactTime = ctx.clock.nowMs();
        const cancelled = await spot.orders.cancel(userId, m.symbol, by);
        readYourWrites.wrote(userId, cancelled.commandSeq);
        return cancelResponse(cancelled.order, cancelId, transactTime);
      },
    },
    {
      method: 'GET',
      url: '/openOrders',
      security: 'USER_DATA',
      weight: (query) => (query.has('symbol') ? 6 : 80),
      tag,
      summary: 'Current open orders',
      description: 'Parameters: symbol (optional: all markets without it).',
      handler: async (params, request) => {
        const symbol = params.symbol('optional');
        if (symbol !== undefined) await marketOf(ctx, symbol);
        const userId = callerOf(request);
        await readYourWrites.caughtUp(userId);
        const orders = await spot.orders.orders(userId, {
          open: true,
          limit: 1000,
          ...(symbol === undefined ? {} : { symbol }),
        });
        return orders.map(queryOrderResponse);
      },
    },
    {
      method: 'DELETE',
      url: '/openOrders',
      security: 'TRADE',
      weight: 1,
      tag,
      summary: 'Cancel all open orders of a symbol',
      description: 'Parameters: symbol. Answers -2011 when there was no open order.',
      handler: async (params, request) => {
        const m = await marketOf(ctx, params.symbol());
        const userId = callerOf(request);
        await readYourWrites.caughtUp(userId);
        const transactTime = ctx.clock.nowMs();
        const { orders, commandSeq } = await spot.orders.cancelAll(userId, m.symbol);
        readYourWrites.wrote(userId, commandSeq);
        if (orders.length === 0) throw new BinanceError(-2011, msg.unknownOrder);
        return orders.map((o) => cancelResponse(o, newClientId(), transactTime));
      },
    },
    {
      method: 'GET',
      url: '/allOrders',
      security: 'USER_DATA',
      weight: 20,
      tag,
      summary: 'All orders (open and closed)',
      description:
        'Parameters: symbol; orderId (from this id up), startTime, endTime (at most 24 h apart), limit (default 500, at most 1000).',
      handler: async (params, request) => {
        const m = await marketOf(ctx, params.symbol());
        const orderId = params.long('orderId', false, { min: 0 });
        const range = timeRange(params);
        const limit = params.limit(500, 1000);
        const userId = callerOf(request);
        await readYourWrites.caughtUp(userId);
        const orders = await spot.orders.orders(userId, {
          symbol: m.symbol,
          limit,
          ...range,
          ...(orderId === undefined ? {} : { fromOrderId: orderId }),
        });
        return orders.map(queryOrderResponse);
      },
    },
    {
      method: 'GET',
      url: '/myTrades',
      security: 'USER_DATA',
      weight: (query) => (query.has('orderId') ? 5 : 20),
      tag,
      summary: 'Account trade list',
      description:
        "Parameters: symbol; orderId (that order's trades), startTime, endTime (at most 24 h apart), fromId, limit (default 500, at most 1000). Commissions are in the quote asset. orderListId is -1.",
      handler: async (params, request) => {
        const m = await marketOf(ctx, params.symbol());
        const orderId = params.long('orderId', false, { min: 0 });
        const fromId = params.long('fromId', false, { min: 0 });
        const range = timeRange(params);
        const limit = params.limit(500, 1000);
        if (fromId !== undefined && (range.startTime !== undefined || range.endTime !== undefined)) {
          throw new BinanceError(-1128, 'Combination of optional parameters invalid.');
        }
        const userId = callerOf(request);
        await readYourWrites.caughtUp(userId);
        let trades: TradeView[];
        if (orderId !== undefined) {
          // The order's trades come after it was placed: read from there and keep its own.
          const order = await spot.orders.order(userId, m.symbol, { orderId });
          trades = (
            await spot.orders.myTrades(userId, { symbol: m.symbol, startTime: order.time, limit: 1000 })
          )
            .filter((t) => t.orderId === orderId)
            .slice(0, limit);
        } else {
          trades = await spot.orders.myTrades(userId, {
            symbol: m.symbol,
            limit,
            ...range,
            ...(fromId === undefined ? {} : { fromId }),
          });
        }
        return trades.map((t) => ({
          symbol: t.symbol,
          id: t.id,
          orderId: t.orderId,
          orderListId: -1,
          price: fmt8(t.price),
          qty: fmt8(t.qty),
          quoteQty: fmt8(t.quoteQty),
          commission: fmt8(t.commission),
          commissionAsset: t.commissionAsset,
          time: t.time,
          isBuyer: t.isBuyer,
          isMaker: t.isMaker,
          isBestMatch: true,
        }));
      },
    },
    {
      method: 'POST',
      url: '/order/oco',
      security: 'TRADE',
      weight: 1,
      tag,
      summary: 'New OCO (deprecated form)',
      description:
        'Parameters: symbol, side, quantity, price (the LIMIT_MAKER leg), stopPrice, stopLimitPrice and stopLimitTimeInForce (GTC) for a stop-limit leg, listClientOrderId, limitClientOrderId, stopClientOrderId, newOrderRespType, selfTradePreventionMode.',
      handler: async (params, request) => {
        const m = await marketOf(ctx, params.symbol());
        const side = params.oneOf('side', SIDES, invalidSide(), true) ?? 'SELL';
        const quantity = params.decimal('quantity', true) ?? '';
        const price = params.decimal('price', true) ?? '';
        const stopPrice = params.decimal('stopPrice', true) ?? '';
        const stopLimitPrice = params.decimal('stopLimitPrice');
        const tif = params.oneOf('stopLimitTimeInForce', TIMES_IN_FORCE, invalidTif());
        if (stopLimitPrice !== undefined && tif === undefined) throw mandatory('stopLimitTimeInForce');
        if (stopLimitPrice === undefined && tif !== undefined) params.refuse('stopLimitTimeInForce');
        if (tif !== undefined && tif !== 'GTC') throw invalidTif();
        refuseIceberg(params, 'limitIcebergQty', 'stopIcebergQty');
        checkPrecision(quantity, m.basePrecision);
        for (const p of [price, stopPrice, stopLimitPrice]) checkPrecision(p, m.quotePrecision);
        const input: PlaceOcoInput = { symbol: m.symbol, side, quantity, price, stopPrice };
        if (stopLimitPrice !== undefined) input.stopLimitPrice = stopLimitPrice;
        input.limitClientOrderId = params.clientId('limitClientOrderId') ?? newClientId();
        input.stopClientOrderId = params.clientId('stopClientOrderId') ?? newClientId();
        const stp = readStp(params);
        if (stp !== undefined) input.selfTradePreventionMode = stp;
        return placeOco(request, params, m, input, params.clientId('listClientOrderId') ?? newClientId());
      },
    },
    {
      method: 'POST',
      url: '/orderList/oco',
      security: 'TRADE',
      weight: 1,
      tag,
      summary: 'New OCO',
      description:
        "Parameters: symbol, side, quantity, aboveType/belowType with abovePrice, aboveStopPrice, belowPrice, belowStopPrice, *ClientOrderId, *TimeInForce, listClientOrderId, newOrderRespType, selfTradePreventionMode. The engine's OCO is a LIMIT_MAKER leg and a STOP_LOSS(_LIMIT) leg: SELL = above LIMIT_MAKER + below STOP_LOSS(_LIMIT); BUY = above STOP_LOSS(_LIMIT) + below LIMIT_MAKER.",
      handler: async (params, request) => {
        const m = await marketOf(ctx, params.symbol());
        const side = params.oneOf('side', SIDES, invalidSide(), true) ?? 'SELL';
        const legTypes = ['LIMIT_MAKER', 'STOP_LOSS', 'STOP_LOSS_LIMIT'] as const;
        const aboveType = params.oneOf('aboveType', legTypes, invalidData('aboveType'), true);
        const belowType = params.oneOf('belowType', legTypes, invalidData('belowType'), true);
        const [limitLeg, stopLeg] = side === 'SELL' ? ['above', 'below'] : ['below', 'above'];
        const limitType = side === 'SELL' ? aboveType : belowType;
        const stopType = side === 'SELL' ? belowType : aboveType;
        if (limitType !== 'LIMIT_MAKER') throw invalidData(`${limitLeg}Type`);
        if (stopType === 'LIMIT_MAKER') throw invalidData(`${stopLeg}Type`);
        refuseIceberg(params, 'aboveIcebergQty', 'belowIcebergQty');
        params.refuse(
          `${limitLeg}StopPrice`,
          `${limitLeg}TrailingDelta`,
          `${limitLeg}TimeInForce`,
          `${stopLeg}TrailingDelta`,
        );
        const quantity = params.decimal('quantity', true) ?? '';
        const price = params.decimal(`${limitLeg}Price`, true) ?? '';
        const stopPrice = params.decimal(`${stopLeg}StopPrice`, true) ?? '';
        const stopLimitPrice = params.decimal(`${stopLeg}Price`);
        if (stopType === 'STOP_LOSS_LIMIT') {
          if (stopLimitPrice === undefined) throw mandatory(`${stopLeg}Price`);
          const tif = params.oneOf(`${stopLeg}TimeInForce`, TIMES_IN_FORCE, invalidTif(), true);
          if (tif !== 'GTC') throw invalidTif();
        } else {
          params.refuse(`${stopLeg}Price`, `${stopLeg}TimeInForce`);
        }
        checkPrecision(quantity, m.basePrecision);
        for (const p of [price, stopPrice, stopLimitPrice]) checkPrecision(p, m.quotePrecision);
        const input: PlaceOcoInput = { symbol: m.symbol, side, quantity, price, stopPrice };
        if (stopLimitPrice !== undefined) input.stopLimitPrice = stopLimitPrice;
        input.limitClientOrderId = params.clientId(`${limitLeg}ClientOrderId`) ?? newClientId();
        input.stopClientOrderId = params.clientId(`${stopLeg}ClientOrderId`) ?? newClientId();
        const stp = readStp(params);
        if (stp !== undefined) input.selfTradePreventionMode = stp;
        return placeOco(request, params, m, input, params.clientId('listClientOrderId') ?? newClientId());
      },
    },
    {
      method: 'GET',
      url: '/orderList',
      security: 'USER_DATA',
      weight: 4,
      tag,
      summary: 'Query order list',
      description:
        "Parameters: orderListId or origClientOrderId (the list's client id). Lists placed through /api/v3.",
      handler: async (params, request) => {
        const by = target(params, 'orderListId', 'origClientOrderId');
        const userId = callerOf(request);
        await readYourWrites.caughtUp(userId);
        const list = await findOrderList(ctx.database, userId, {
          ...(by.orderId === undefined ? {} : { listId: by.orderId }),
          ...(by.clientOrderId === undefined ? {} : { listClientOrderId: by.clientOrderId }),
        });
        if (list === null) throw new BinanceError(-2013, 'Order list does not exist.');
        return orderListResponse(list, await legsOf(request, list), await marketOf(ctx, list.symbol));
      },
    },
    {
      method: 'DELETE',
      url: '/orderList',
      security: 'TRADE',
      weight: 1,
      tag,
      summary: 'Cancel order list',
      description: 'Parameters: symbol; orderListId or listClientOrderId; newClientOrderId.',
      handler: async (params, request) => {
        const m = await marketOf(ctx, params.symbol());
        const by = target(params, 'orderListId', 'listClientOrderId');
        const cancelId = params.clientId('newClientOrderId') ?? newClientId();
        const userId = callerOf(request);
        await readYourWrites.caughtUp(userId);
        const list = await findOrderList(ctx.database, userId, {
          ...(by.orderId === undefined ? {} : { listId: by.orderId }),
          ...(by.clientOrderId === undefined ? {} : { listClientOrderId: by.clientOrderId }),
        });
        if (list === null || list.symbol !== m.symbol) throw new BinanceError(-2011, msg.unknownOrder);
        const legs = await legsOf(request, list);
        const open = legs.find((o) => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED');
        if (open === undefined) throw new BinanceError(-2011, msg.unknownOrder);
        const transactTime = ctx.clock.nowMs();
        // Cancelling one leg cancels its sibling in the same engine command.
        const cancelled = await spot.orders.cancel(userId, m.symbol, { orderId: open.orderId });
        readYourWrites.wrote(userId, cancelled.commandSeq);
        await readYourWrites.caughtUp(userId);
        const after: OrderView[] = await legsOf(request, list);
        return {
          ...orderListResponse(list, after, m),
          listStatusType: 'ALL_DONE',
          listOrderStatus: 'ALL_DONE',
          transactionTime: transactTime,
          orderReports: after.map((o) => cancelResponse(o, cancelId, transactTime)),
        };
      },
    },
    {
      method: 'GET',
      url: '/allOrderList',
      security: 'USER_DATA',
      weight: 20,
      tag,
      summary: 'All order lists',
      description: 'Parameters: fromId, startTime, endTime, limit (default 500, at most 1000).',
      handler: async (params, request) => {
        const fromId = params.long('fromId', false, { min: 0 });
        const range = timeRange(params);
        const limit = params.limit(500, 1000);
        const userId = callerOf(request);
        await readYourWrites.caughtUp(userId);
        const lists = await listOrderLists(ctx.database, userId, {
          limit,
          ...range,
          ...(fromId === undefined ? {} : { fromId }),
        });
        return Promise.all(
          lists.map(async (l) =>
            orderListResponse(l, await legsOf(request, l), await marketOf(ctx, l.symbol)),
          ),
        );
      },
    },
  ];
}
