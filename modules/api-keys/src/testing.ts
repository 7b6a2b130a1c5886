// Test support for other modules (the Binance-compatible API): sign requests the way Binance
// clients do, and make Ed25519 key pairs.
import { createHmac, createPrivateKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

/** What to sign: the key, its secret (HMAC) or private key (Ed25519), and the parameters. */
export interface SignRequestInput {
  apiKey: string;
  /** HMAC keys: the secret shown once at creation. */
  secret?: string;
  /** Ed25519 keys: the private key (KeyObject or PKCS#8 PEM). */
  privateKey?: KeyObject | string;
  /** Query-string parameters, in order. */
  params?: Readonly<Record<string, string | number>>;
  /** Form-body parameters, in order (POST, PUT, DELETE); timestamp and recvWindow then go here too. */
  body?: Readonly<Record<string, string | number>>;
  /** Milliseconds since the epoch (default: now). */
  timestamp?: number;
  recvWindow?: number;
}

/** A signed request, ready for `fetch`. */
export interface SignedRequest {
  /** The query string without '?' ('' when empty), signature included when there is no body. */
  queryString: string;
  /** The form body with the signature, or undefined. */
  body: string | undefined;
  /** X-MBX-APIKEY, and content-type for a form body. */
  headers: Record<string, string>;
  /** The signature as computed (hex for HMAC, base64 for Ed25519), before URL encoding. */
  signature: string;
  /** `url` with the query string appended. */
  urlFor(url: string): string;
}

/**
 * Signs a request as Binance's spot API specifies: totalParams = query string + form body (as
 * sent), HMAC-SHA256 in hex or Ed25519 in base64, `signature` appended last.
 */
export function signRequest(input: SignRequestInput): SignedRequest {
  // The order of Binance's documented examples: recvWindow, then timestamp.
  const timing: Record<string, string> = {};
  if (input.recvWindow !== undefined) timing.recvWindow = String(input.recvWindow);
  timing.timestamp = String(input.timestamp ?? Date.now());
  const query = encode(input.body === undefined ? { ...input.params, ...timing } : { ...input.params });
  const body = input.body === undefined ? undefined : encode({ ...input.body, ...timing });
  const signature = signPayload(input, query + (body ?? ''));
  const signatureParam = `signature=${encodeURIComponent(signature)}`;
  const queryString = body === undefined ? join(query, signatureParam) : query;
  const signedBody = body === undefined ? undefined : join(body, signatureParam);
  const headers: Record<string, string> = { 'X-MBX-APIKEY': input.apiKey };
  if (signedBody !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  return {
    queryString,
    body: signedBody,
    headers,
    signature,
    urlFor: (url) => (queryString === '' ? url : `${url}?${queryString}`),
  };
}

/** Signs `payload` with the HMAC secret (hex) or the Ed25519 private key (base64). */
export function signPayload(key: Pick<SignRequestInput, 'secret' | 'privateKey'>, payload: string): string {
  if (key.secret !== undefined) return createHmac('sha256', key.secret).update(payload, 'utf8').digest('hex');
  if (key.privateKey === undefined)
    throw new Error('signPayload: give a secret (HMAC) or a privateKey (Ed25519)');
  const privateKey = typeof key.privateKey === 'string' ? createPrivateKey(key.privateKey) : key.privateKey;
  return sign(null, Buffer.from(payload, 'utf8'), privateKey).toString('base64');
}

/** A fresh Ed25519 key pair: the public key as PEM (what the API takes) and the private key. */
export function generateEd25519KeyPair(): { publicKeyPem: string; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKey };
}

function encode(params: Readonly<Record<string, string | number>>): string {
  return new URLSearchParams(
    Object.entries(params).map(([name, value]): [string, string] => [name, String(value)]),
  ).toString();
}

function join(left: string, right: string): string {
  return left === '' ? right : `${left}&${right}`;
}
