import { DomainError } from '@tradeloom/kernel';
import './errors.js';

/** The receive window when a request sends none, and the largest one accepted (Binance's values). */
export const recvWindowDefaultMs = 5_000;
export const recvWindowMaxMs = 60_000;

// Timestamps above this are microseconds (Binance accepts both); milliseconds stay below until year 5138.
const MICROSECONDS_FROM = 100_000_000_000_000;

/** What a signed request carries besides its own parameters. */
export interface SignedParams {
  /** The bytes that were signed: query string then body, as sent, without the signature parameter. */
  payload: string;
  /** The signature parameter's value, percent-decoded. */
  signature: string;
  timestampMs: number;
  recvWindowMs: number;
}

/** Where a signed request's parameters travel. */
export interface SignedRequestText {
  /** The query string as sent (after `?`, percent-encoding intact); '' without one. */
  queryString: string;
  /** The body as sent; '' without one. */
  body: string;
  /** The body is application/x-www-form-urlencoded (parameters may be in it); else only the query holds them. */
  bodyIsForm: boolean;
}

interface Part {
  segments: string[];
  names: string[];
}

function partOf(text: string): Part {
  const segments = text === '' ? [] : text.split('&');
  return { segments, names: segments.map(nameOf) };
}

function nameOf(segment: string): string {
  const at = segment.indexOf('=');
  return decode(at === -1 ? segment : segment.slice(0, at));
}

function paramValue(segment: string, plusIsSpace: boolean): string {
  const at = segment.indexOf('=');
  const raw = at === -1 ? '' : segment.slice(at + 1);
  return decode(plusIsSpace ? raw.replaceAll('+', ' ') : raw);
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Reads `signature`, `timestamp` and `recvWindow` from a request the way Binance's spot API does
 * (query string or form body; totalParams = query string + body) and builds the signed payload.
 * Each of the three may appear once across both parts: a repeated one is refused rather than
 * guessed, so the value checked is the value the handler sees.
 */
export function readSignedParams(request: SignedRequestText): SignedParams {
  const query = partOf(request.queryString);
  const body = request.bodyIsForm ? partOf(request.body) : { segments: [], names: [] };
  const find = (name: string) => {
    const found: { part: Part; index: number }[] = [];
    for (const part of [query, body]) {
      part.names.forEach((candidate, index) => {
        if (candidate === name) found.push({ part, index });
      });
    }
    return found;
  };

  const signatures = find('signature');
  const signatureAt = signatures[0];
  if (signatureAt === undefined) {
    throw new DomainError('API_KEY_SIGNATURE_MISSING', "Signed requests need the 'signature' parameter");
  }
  if (signatures.length > 1) {
    throw new DomainError('API_KEY_SIGNATURE_INVALID', "The 'signature' parameter was sent more than once");
  }
  // '+' is kept: base64 signatures (Ed25519) contain it, and a signature never contains a space.
  const signature = paramValue(signatureAt.part.segments[signatureAt.index] ?? '', false);

  const timestamps = find('timestamp');
  const timestampAt = timestamps[0];
  const timestampText =
    timestampAt === undefined
      ? undefined
      : paramValue(timestampAt.part.segments[timestampAt.index] ?? '', true);
  if (timestampText === undefined || timestamps.length > 1 || !/^[0-9]{1,16}$/.test(timestampText)) {
    throw new DomainError(
      'API_KEY_TIMESTAMP_INVALID',
      "Signed requests need one 'timestamp' parameter: Unix time in milliseconds (or microseconds)",
    );
  }
  const timestamp = Number(timestampText);
  if (!Number.isSafeInteger(timestamp)) {
    throw new DomainError('API_KEY_TIMESTAMP_INVALID', "The 'timestamp' parameter is out of range");
  }

  const windows = find('recvWindow');
  const windowAt = windows[0];
  let recvWindowMs = recvWindowDefaultMs;
  if (windowAt !== undefined) {
    const text = paramValue(windowAt.part.segments[windowAt.index] ?? '', true);
    recvWindowMs = Number(text);
    if (
      windows.length > 1 ||
      !/^[0-9]{1,5}(\.[0-9]{1,3})?$/.test(text) ||
      recvWindowMs <= 0 ||
      recvWindowMs > recvWindowMaxMs
    ) {
      throw new DomainError(
        'API_KEY_RECV_WINDOW_INVALID',
        `'recvWindow' must be a number of milliseconds above 0 and at most ${recvWindowMaxMs}`,
        { recvWindowMaxMs },
      );
    }
  }

  const withoutSignature = (part: Part, text: string) =>
    part === signatureAt.part
      ? part.segments.filter((_, index) => index !== signatureAt.index).join('&')
      : text;
  return {
    payload: withoutSignature(query, request.queryString) + withoutSignature(body, request.body),
    signature,
    timestampMs: timestamp >= MICROSECONDS_FROM ? timestamp / 1000 : timestamp,
    recvWindowMs,
  };
}
