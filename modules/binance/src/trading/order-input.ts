// A new order's parameters read as Binance does: enums with their own error codes, the parameters
// each order type needs (-1102) and refuses (-1106), and precision (-1111) before the grid (-1013).
import { randomBytes } from 'node:crypto';
import type { PlaceOrderInput, SpotMarket } from '@tradeloom/spot';
import { ORDER_TYPES, STP_MODES } from '../market-data/exchange-info.js';
import { BinanceError, mandatory, msg } from '../support/binance-error.js';
import type { Params } from '../support/params.js';
import type { RespType } from './order-format.js';

export const SIDES = ['BUY', 'SELL'] as const;
export const TIMES_IN_FORCE = ['GTC', 'IOC', 'FOK'] as const;
const RESP_TYPES = ['ACK', 'RESULT', 'FULL'] as const;

export const invalidSide = () => new BinanceError(-1117, 'Invalid side.');
export const invalidType = () => new BinanceError(-1116, 'Invalid orderType.');
export const invalidTif = () => new BinanceError(-1115, 'Invalid timeInForce.');
export const invalidData = (name: string) =>
  new BinanceError(-1130, `Invalid data sent for a parameter: '${name}'.`);

/** A client order id like Binance's generated ones (22 characters). */
export function newClientId(): string {
  return randomBytes(16).toString('base64url');
}

/** Throws -1111 when `value` has more significant decimals than `precision`. */
export function checkPrecision(value: string | undefined, precision: number): void {
  if (value === undefined) return;
  const dot = value.indexOf('.');
  if (dot < 0) return;
  const significant = value.slice(dot + 1).replace(/0+$/, '');
  if (significant.length > precision) throw new BinanceError(-1111, msg.precision);
}

export function readRespType(params: Params): RespType | undefined {
  return params.oneOf('newOrderRespType', RESP_TYPES, invalidData('newOrderRespType'));
}

export function readStp(params: Params): PlaceOrderInput['selfTradePreventionMode'] {
  return params.oneOf('selfTradePreventionMode', STP_MODES, invalidData('selfTradePreventionMode'));
}

/** Refuses iceberg quantities (the engine has no iceberg orders). */
export function refuseIceberg(params: Params, ...names: string[]): void {
  for (const name of names) {
    const value = params.decimal(name);
    if (value !== undefined && /[1-9]/.test(value)) throw new BinanceError(-1106, msg.notRequired(name));
  }
}

const LIMIT_TYPES = new Set(['LIMIT', 'LIMIT_MAKER', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT']);
const STOP_TYPES = new Set(['STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT']);

/** The new order a request describes (POST /order, /order/test). */
export function readNewOrder(
  params: Params,
  m: SpotMarket,
): { input: PlaceOrderInput; respType: RespType | undefined } {
  const side = params.oneOf('side', SIDES, invalidSide(), true) ?? 'BUY';
  const type = params.oneOf('type', ORDER_TYPES, invalidType(), true) ?? 'LIMIT';
  const timeInForce = params.oneOf('timeInForce', TIMES_IN_FORCE, invalidTif());
  const quantity = params.decimal('quantity');
  const quoteOrderQty = params.decimal('quoteOrderQty');
  const price = params.decimal('price');
  const stopPrice = params.decimal('stopPrice');
  const trailingDelta = params.long('trailingDelta');
  const clientOrderId = params.clientId('newClientOrderId') ?? newClientId();
  const respType = readRespType(params);
  const stp = readStp(params);
  refuseIceberg(params, 'icebergQty');

  const limit = LIMIT_TYPES.has(type);
  const stop = STOP_TYPES.has(type);
  if (limit) {
    if (type !== 'LIMIT_MAKER' && timeInForce === undefined) throw mandatory('timeInForce');
    if (quantity === undefined) throw mandatory('quantity');
    if (price === undefined) throw mandatory('price');
    params.refuse('quoteOrderQty');
    if (type === 'LIMIT_MAKER') params.refuse('timeInForce');
  } else {
    if (quantity === undefined && quoteOrderQty === undefined) {
      throw new BinanceError(-1102, msg.eitherMandatory('quantity', 'quoteOrderQty'));
    }
    if (quantity !== undefined) params.refuse('quoteOrderQty');
    params.refuse('price', 'timeInForce');
  }
  if (stop) {
    if (stopPrice === undefined && trailingDelta === undefined) {
      throw new BinanceError(-1102, msg.eitherMandatory('stopPrice', 'trailingDelta'));
    }
  } else {
    params.refuse('stopPrice', 'trailingDelta');
  }
  if (trailingDelta !== undefined && (trailingDelta < 10 || trailingDelta > 2000)) {
    throw new BinanceError(-2010, 'Invalid trailingDelta: it must be within [10, 2000] basis points.');
  }
  checkPrecision(quantity, m.basePrecision);
  checkPrecision(price, m.quotePrecision);
  checkPrecision(stopPrice, m.quotePrecision);
  checkPrecision(quoteOrderQty, m.quotePrecision);

  const input: PlaceOrderInput = { symbol: m.symbol, side, type, clientOrderId };
  if (timeInForce !== undefined) input.timeInForce = timeInForce;
  if (quantity !== undefined) input.quantity = quantity;
  if (quoteOrderQty !== undefined) input.quoteOrderQty = quoteOrderQty;
  if (price !== undefined) input.price = price;
  if (stopPrice !== undefined) input.stopPrice = stopPrice;
  if (trailingDelta !== undefined) input.trailingDelta = trailingDelta;
  if (stp !== undefined) input.selfTradePreventionMode = stp;
  return { input, respType };
}
