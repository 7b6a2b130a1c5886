// Signed WebSocket API requests as Binance specifies them: the payload is every parameter except
// `signature`, sorted by name, written name=value and joined with '&' (values as sent, not
// URL-encoded); `apiKey`, `timestamp` and `signature` are parameters, `recvWindow` optional.
import { BinanceError, mandatory, msg } from '../support/binance-error.js';

/** What the api-keys module's payload check receives. */
export interface SignedPayloadCheck {
  apiKey: string;
  payload: string;
  signature: string;
  timestampMs: number;
  recvWindowMs: number;
}

const RECV_WINDOW_DEFAULT_MS = 5_000;
const RECV_WINDOW_MAX_MS = 60_000;
const API_KEY = /^[A-Za-z0-9]{64}$/;

/** A parameter value as a string (JSON numbers and booleans as written, arrays as JSON). */
export function paramText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Binance's payload: the parameters but `signature`, sorted by name. */
export function signaturePayload(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((name) => name !== 'signature')
    .sort()
    .map((name) => `${name}=${params[name]}`)
    .join('&');
}

/** Reads the signed parameters (Binance's codes for each missing or malformed one). */
export function readSignedParams(params: Readonly<Record<string, string>>): SignedPayloadCheck {
  const apiKey = params.apiKey;
  if (apiKey === undefined || apiKey === '') throw mandatory('apiKey');
  if (!API_KEY.test(apiKey)) throw new BinanceError(-2014, msg.keyFormat, 401);
  const timestamp = params.timestamp;
  if (timestamp === undefined || timestamp === '') throw mandatory('timestamp');
  if (!/^[0-9]{1,16}$/.test(timestamp)) {
    throw new BinanceError(-1100, msg.illegal('timestamp', '^[0-9]{1,16}$'));
  }
  const signature = params.signature;
  if (signature === undefined || signature === '') throw mandatory('signature');
  let recvWindowMs = RECV_WINDOW_DEFAULT_MS;
  const recvWindow = params.recvWindow;
  if (recvWindow !== undefined) {
    if (!/^[0-9]{1,5}(\.[0-9]{1,3})?$/.test(recvWindow)) {
      throw new BinanceError(-1100, msg.illegal('recvWindow', '^[0-9]{1,5}(\\.[0-9]{1,3})?$'));
    }
    recvWindowMs = Number(recvWindow);
    if (recvWindowMs <= 0 || recvWindowMs > RECV_WINDOW_MAX_MS) {
      throw new BinanceError(-1131, 'recvWindow must be less than 60000');
    }
  }
  return {
    apiKey,
    payload: signaturePayload(params),
    signature,
    timestampMs: Number(timestamp),
    recvWindowMs,
  };
}
