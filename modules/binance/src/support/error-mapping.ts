// Every error an /api/v3 request can meet, answered in Binance's shape: our BinanceErrors as they are,
// the platform's DomainErrors (access pipeline, API keys, spot module, engine rejections) mapped to
// Binance's codes and statuses, anything unexpected as -1000 without its text.
import { DomainError } from '@tradeloom/kernel';
import type { FastifyRequest } from 'fastify';
import { BinanceError, msg } from './binance-error.js';

/** Engine rejection codes (SPOT_ORDER_REJECTED's details.engineCode) in Binance's terms. */
const ENGINE_CODES: Readonly<Record<string, [code: number, message: string]>> = {
  INSUFFICIENT_BALANCE: [-2010, msg.insufficient],
  FILTER_PRICE: [-1013, msg.filter('PRICE_FILTER')],
  FILTER_LOT_SIZE: [-1013, msg.filter('LOT_SIZE')],
  FILTER_MIN_NOTIONAL: [-1013, msg.filter('NOTIONAL')],
  FILTER_PERCENT_PRICE: [-1013, msg.filter('PERCENT_PRICE_BY_SIDE')],
  FILTER_MAX_NUM_ORDERS: [-1013, msg.filter('MAX_NUM_ORDERS')],
  FILTER_MAX_NUM_STOP_ORDERS: [-1013, msg.filter('MAX_NUM_ALGO_ORDERS')],
  MARKET_HALTED: [-2010, 'Market is closed.'],
  MARKET_CANCEL_ONLY: [-2010, 'Market is closed.'],
  WOULD_TAKE: [-2010, 'Order would immediately match and take.'],
  STOP_WOULD_TRIGGER_IMMEDIATELY: [-2010, 'Order would trigger immediately.'],
  INVALID_OCO_PRICES: [-2010, 'The relationship of the prices for the orders is not correct.'],
  DUPLICATE_CLIENT_ORDER_ID: [-2010, 'Duplicate order sent.'],
  UNKNOWN_ORDER: [-2011, msg.unknownOrder],
  UNKNOWN_MARKET: [-1121, msg.invalidSymbol],
  CANCEL_REPLACE_CANCEL_FAILED: [-2011, msg.unknownOrder],
};

/** Fastify's own request errors (body parsing). */
const FASTIFY_CODES: Readonly<Record<string, [status: number, code: number, message: string]>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: [400, -1100, 'Illegal characters found in the request body.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, -1100, 'Illegal characters found in the request body.'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, -1101, 'Too many parameters sent for this endpoint.'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, -1100, 'Send parameters as application/x-www-form-urlencoded.'],
};

export interface BinanceResponse {
  status: number;
  body: { code: number; msg: string };
  headers?: Readonly<Record<string, string>>;
}

function queryParam(request: FastifyRequest, name: string): boolean {
  const at = request.url.indexOf('?');
  const inQuery = at >= 0 && new URLSearchParams(request.url.slice(at + 1)).has(name);
  const inBody = request.rawBody !== null && new URLSearchParams(request.rawBody).has(name);
  return inQuery || inBody;
}

function fromDomain(error: DomainError, request: FastifyRequest): BinanceResponse {
  const answer = (status: number, code: number, message: string): BinanceResponse => ({
    status,
    body: { code, msg: message },
    ...(error.headers === undefined ? {} : { headers: error.headers }),
  });
  const details = (error.details ?? {}) as Record<string, unknown>;
  switch (error.code) {
    case 'UNAUTHENTICATED':
      return answer(401, -2014, msg.keyFormat);
    case 'API_KEY_INVALID': {
      const header = request.headers['x-mbx-apikey'];
      const shaped = typeof header === 'string' && /^[A-Za-z0-9]{64}$/.test(header);
      return shaped ? answer(401, -2015, msg.keyRejected) : answer(401, -2014, msg.keyFormat);
    }
    case 'API_KEY_REVOKED':
    case 'API_KEY_EXPIRED':
    case 'API_KEY_IP_NOT_ALLOWED':
    case 'API_KEY_SCOPE_MISSING':
    case 'FORBIDDEN':
      return answer(401, -2015, msg.keyRejected);
    case 'CSRF_TOKEN_INVALID':
      return answer(401, -1002, 'You are not authorized to execute this request.');
    case 'API_KEY_SIGNATURE_MISSING':
      return answer(400, -1102, msg.mandatory('signature'));
    case 'API_KEY_SIGNATURE_INVALID':
      return answer(400, -1022, 'Signature for this request is not valid.');
    case 'API_KEY_REPLAYED':
      return answer(400, -1022, 'Signature for this request is not valid: it was already used.');
    case 'API_KEY_TIMESTAMP_INVALID':
      return queryParam(request, 'timestamp')
        ? answer(400, -1100, msg.illegal('timestamp', '^[0-9]{1,16}$'))
        : answer(400, -1102, msg.mandatory('timestamp'));
    case 'API_KEY_RECV_WINDOW_INVALID':
      return answer(400, -1131, 'recvWindow must be less than 60000');
    case 'API_KEY_TIMESTAMP_OUTSIDE_WINDOW':
      return answer(400, -1021, 'Timestamp for this request is outside of the recvWindow.');
    case 'RATE_LIMITED':
      return answer(
        429,
        -1003,
        'Too many requests; please use the WebSocket streams for live updates to avoid polling the API.',
      );
    case 'SPOT_MARKET_NOT_FOUND':
      return answer(400, -1121, msg.invalidSymbol);
    case 'SPOT_PRICE_INVALID':
      return answer(400, -1013, msg.filter('PRICE_FILTER'));
    case 'SPOT_QUANTITY_INVALID':
      return details.field === 'quoteOrderQty'
        ? answer(400, -1111, msg.precision)
        : answer(400, -1013, msg.filter('LOT_SIZE'));
    case 'SPOT_INTERVAL_INVALID':
      return answer(400, -1120, 'Invalid interval.');
    case 'SPOT_ORDER_NOT_FOUND':
      return request.method === 'DELETE'
        ? answer(400, -2011, msg.unknownOrder)
        : answer(400, -2013, msg.noSuchOrder);
    case 'SPOT_ORDER_PARAMS_INVALID':
      return answer(400, -1102, error.message);
    case 'SPOT_ORDER_REJECTED': {
      const engineCode = typeof details.engineCode === 'string' ? details.engineCode : '';
      const known = ENGINE_CODES[engineCode];
      if (known !== undefined) return answer(400, known[0], known[1]);
      return answer(400, -2010, error.message);
    }
    case 'VALIDATION_FAILED':
      return answer(400, -1100, 'Illegal characters found in a parameter.');
    default:
      if (error.status >= 500)
        return answer(500, -1000, 'An unknown error occurred while processing the request.');
      return answer(error.status, -1000, error.message);
  }
}

/** The Binance response of anything thrown while serving an /api/v3 request. */
export function binanceResponseOf(error: unknown, request: FastifyRequest): BinanceResponse {
  if (error instanceof BinanceError) {
    return {
      status: error.status,
      body: error.toBody(),
      ...(error.headers === undefined ? {} : { headers: error.headers }),
    };
  }
  if (error instanceof DomainError) return fromDomain(error, request);
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  const known = code === undefined ? undefined : FASTIFY_CODES[code];
  if (known !== undefined) return { status: known[0], body: { code: known[1], msg: known[2] } };
  const statusCode =
    typeof error === 'object' && error !== null && 'statusCode' in error ? Number(error.statusCode) : 500;
  if (statusCode >= 400 && statusCode < 500) {
    return { status: statusCode, body: { code: -1000, msg: 'The request is not valid.' } };
  }
  return {
    status: 500,
    body: { code: -1000, msg: 'An unknown error occurred while processing the request.' },
  };
}
