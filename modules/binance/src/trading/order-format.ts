// Orders in Binance's response shapes (ACK / RESULT / FULL for new orders, the query shape, the
// cancel shape), from the spot module's views.
import type { FillView, OrderView } from '@tradeloom/spot';
import { fmt8 } from '../support/format.js';

export type RespType = 'ACK' | 'RESULT' | 'FULL';

const STOP_TYPES = new Set(['STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT']);

/** Binance's default answer: FULL for MARKET and LIMIT orders, ACK for the others. */
export function defaultRespType(type: string): RespType {
  return type === 'MARKET' || type === 'LIMIT' ? 'FULL' : 'ACK';
}

function stopFields(o: OrderView): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (STOP_TYPES.has(o.type)) fields.stopPrice = fmt8(o.stopPrice);
  if (o.trailingDelta > 0) fields.trailingDelta = o.trailingDelta;
  return fields;
}

function amounts(o: OrderView) {
  return {
    price: fmt8(o.price),
    origQty: fmt8(o.origQty),
    executedQty: fmt8(o.executedQty),
    origQuoteOrderQty: fmt8(o.origQuoteOrderQty),
    cummulativeQuoteQty: fmt8(o.cummulativeQuoteQty),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
  };
}

export function newOrderResponse(
  o: OrderView,
  fills: readonly FillView[],
  respType: RespType,
  transactTime: number,
): Record<string, unknown> {
  const ack = {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: o.orderListId,
    clientOrderId: o.clientOrderId ?? '',
    transactTime,
  };
  if (respType === 'ACK') return ack;
  const result = {
    ...ack,
    ...amounts(o),
    workingTime: o.working ? transactTime : -1,
    ...stopFields(o),
    selfTradePreventionMode: o.selfTradePreventionMode,
  };
  if (respType === 'RESULT') return result;
  return {
    ...result,
    fills: fills.map((f) => ({
      price: fmt8(f.price),
      qty: fmt8(f.qty),
      commission: fmt8(f.commission),
      commissionAsset: f.commissionAsset,
      tradeId: f.tradeId,
    })),
  };
}

export function queryOrderResponse(o: OrderView): Record<string, unknown> {
  const { origQuoteOrderQty, ...rest } = amounts(o);
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: o.orderListId,
    clientOrderId: o.clientOrderId ?? '',
    ...rest,
    stopPrice: fmt8(o.stopPrice),
    ...(o.trailingDelta > 0 ? { trailingDelta: o.trailingDelta } : {}),
    icebergQty: '0.00000000',
    time: o.time,
    updateTime: o.updateTime,
    isWorking: o.working,
    workingTime: o.working ? o.time : -1,
    origQuoteOrderQty,
    selfTradePreventionMode: o.selfTradePreventionMode,
  };
}

export function cancelResponse(
  o: OrderView,
  cancelClientOrderId: string,
  transactTime: number,
): Record<string, unknown> {
  return {
    symbol: o.symbol,
    origClientOrderId: o.clientOrderId ?? '',
    orderId: o.orderId,
    orderListId: o.orderListId,
    clientOrderId: cancelClientOrderId,
    transactTime,
    ...amounts(o),
    ...stopFields(o),
    selfTradePreventionMode: o.selfTradePreventionMode,
  };
}
