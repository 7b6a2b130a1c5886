// Proves signed-request parsing and verification against Binance's documented examples: the payload
// is query string + body as sent minus the signature, HMAC hex is case-insensitive, Ed25519 base64
// verifies, timestamp/recvWindow are read (microseconds too) and malformed or repeated ones refused.
import { createPublicKey } from 'node:crypto';
import { DomainError } from '@tradeloom/kernel';
import { describe, expect, it } from 'vitest';
import { readSignedParams } from './read-signed-params.js';
import { ed25519Verifier, hmacVerifier } from './signature-verifier.js';
import { generateEd25519KeyPair, signRequest } from './testing.js';

// The example key and requests of Binance's REST API documentation ("SIGNED Endpoint Examples").
const docSecret = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
const docApiKey = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A';
const docParams =
  'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559';
const docSignature = 'c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71';
const docMixedSignature = '0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return 'none';
}

describe('readSignedParams with Binance documentation examples', () => {
  const verify = hmacVerifier(docSecret);

  it('example 1: all parameters in the body', () => {
    const read = readSignedParams({
      queryString: '',
      body: `${docParams}&signature=${docSignature}`,
      bodyIsForm: true,
    });
    expect(read).toEqual({
      payload: docParams,
      signature: docSignature,
      timestampMs: 1499827319559,
      recvWindowMs: 5000,
    });
    expect(verify(read.payload, read.signature)).toBe(docSignature);
  });

  it('example 2: all parameters in the query string, signature in upper case', () => {
    const read = readSignedParams({
      queryString: `${docParams}&signature=${docSignature.toUpperCase()}`,
      body: '',
      bodyIsForm: false,
    });
    expect(read.payload).toBe(docParams);
    // Same canonical bytes: the replay guard sees one signature whatever its case.
    expect(verify(read.payload, read.signature)).toBe(docSignature);
  });

  it('example 3: mixed, concatenated without "&" between query string and body', () => {
    const read = readSignedParams({
      queryString: 'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC',
      body: `quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559&signature=${docMixedSignature}`,
      bodyIsForm: true,
    });
    expect(read.payload).toBe(
      'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTCquantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559',
    );
    expect(verify(read.payload, read.signature)).toBe(docMixedSignature);
    expect(verify(docParams, read.signature)).toBeNull();
  });

  it('signRequest produces the documented signatures', () => {
    const params = { symbol: 'LTCBTC', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC' };
    const rest = { quantity: 1, price: '0.1' };
    const inQuery = signRequest({
      apiKey: docApiKey,
      secret: docSecret,
      params: { ...params, ...rest },
      recvWindow: 5000,
      timestamp: 1499827319559,
    });
    expect(inQuery.queryString).toBe(`${docParams}&signature=${docSignature}`);
    expect(inQuery.headers).toEqual({ 'X-MBX-APIKEY': docApiKey });
    const mixed = signRequest({
      apiKey: docApiKey,
      secret: docSecret,
      params,
      body: rest,
      recvWindow: 5000,
      timestamp: 1499827319559,
    });
    expect(mixed.signature).toBe(docMixedSignature);
    expect(mixed.body?.endsWith(`&signature=${docMixedSignature}`)).toBe(true);
    expect(mixed.urlFor('http://x/api/v3/order')).toBe(
      'http://x/api/v3/order?symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC',
    );
  });

  it('a wrong secret, a changed payload or a malformed signature does not verify', () => {
    expect(hmacVerifier(`${docSecret}x`)(docParams, docSignature)).toBeNull();
    expect(verify(docParams.replace('0.1', '0.2'), docSignature)).toBeNull();
    expect(verify(docParams, docSignature.slice(1))).toBeNull();
    expect(verify(docParams, `${docSignature.slice(1)}g`)).toBeNull();
  });
});

describe('Ed25519 signatures', () => {
  it('verify over the same payload, base64 and case-sensitive', () => {
    const { publicKeyPem, privateKey } = generateEd25519KeyPair();
    const verify = ed25519Verifier(createPublicKey(publicKeyPem));
    const signed = signRequest({
      apiKey: 'k',
      privateKey,
      params: { symbol: 'BTCUSDT' },
      body: { quantity: '1.5' },
      timestamp: 1,
    });
    // The base64 signature travels percent-encoded ('+', '/', '=').
    expect(signed.body).toContain(`signature=${encodeURIComponent(signed.signature)}`);
    const read = readSignedParams({
      queryString: signed.queryString,
      body: signed.body ?? '',
      bodyIsForm: true,
    });
    expect(read.signature).toBe(signed.signature);
    expect(verify(read.payload, read.signature)).toBe(
      Buffer.from(signed.signature, 'base64').toString('hex'),
    );
    const flippedCase = signed.signature.replace(/[a-z]/, (c) => c.toUpperCase());
    expect(verify(read.payload, flippedCase)).toBeNull();
    expect(verify(`${read.payload}x`, read.signature)).toBeNull();
    expect(
      ed25519Verifier(createPublicKey(generateEd25519KeyPair().publicKeyPem))(read.payload, read.signature),
    ).toBeNull();
  });

  it("a raw '+' in the query (not percent-encoded) still reads as base64", () => {
    const read = readSignedParams({
      queryString: 'timestamp=1&signature=ab+c/d==',
      body: '',
      bodyIsForm: false,
    });
    expect(read.signature).toBe('ab+c/d==');
  });
});

describe('readSignedParams refusals and defaults', () => {
  const read = (queryString: string, body = '', bodyIsForm = true) =>
    readSignedParams({ queryString, body, bodyIsForm });

  it('defaults recvWindow to 5000 and accepts decimals and microsecond timestamps', () => {
    expect(read('timestamp=1700000000000&signature=s').recvWindowMs).toBe(5000);
    expect(read('timestamp=1700000000000&recvWindow=6000.346&signature=s').recvWindowMs).toBe(6000.346);
    expect(read('timestamp=1700000000000123&signature=s').timestampMs).toBe(1700000000000.123);
    expect(read('timestamp=1700000000000&recvWindow=60000&signature=s').recvWindowMs).toBe(60000);
  });

  it('keeps the parameters around a signature sent in the middle', () => {
    expect(read('a=1&signature=s&timestamp=2').payload).toBe('a=1&timestamp=2');
    expect(read('signature=s&timestamp=2').payload).toBe('timestamp=2');
  });

  it('only looks into form bodies: a JSON body is signed whole, parameters in the query', () => {
    const json = '{"timestamp":"1","signature":"x"}';
    expect(read('timestamp=5&signature=s', json, false)).toMatchObject({
      payload: `timestamp=5${json}`,
      signature: 's',
    });
    expect(codeOf(() => read('', 'timestamp=5&signature=s', false))).toBe('API_KEY_SIGNATURE_MISSING');
  });

  it.each([
    ['timestamp=1', 'API_KEY_SIGNATURE_MISSING'],
    ['timestamp=1&signature=a&signature=b', 'API_KEY_SIGNATURE_INVALID'],
    ['signature=a', 'API_KEY_TIMESTAMP_INVALID'],
    ['timestamp=&signature=a', 'API_KEY_TIMESTAMP_INVALID'],
    ['timestamp=-5&signature=a', 'API_KEY_TIMESTAMP_INVALID'],
    ['timestamp=1.5&signature=a', 'API_KEY_TIMESTAMP_INVALID'],
    ['timestamp=12345678901234567&signature=a', 'API_KEY_TIMESTAMP_INVALID'],
    ['timestamp=9999999999999999&signature=a', 'API_KEY_TIMESTAMP_INVALID'],
    ['timestamp=1&timestamp=2&signature=a', 'API_KEY_TIMESTAMP_INVALID'],
    ['timestamp=1&recvWindow=60001&signature=a', 'API_KEY_RECV_WINDOW_INVALID'],
    ['timestamp=1&recvWindow=0&signature=a', 'API_KEY_RECV_WINDOW_INVALID'],
    ['timestamp=1&recvWindow=abc&signature=a', 'API_KEY_RECV_WINDOW_INVALID'],
    ['timestamp=1&recvWindow=1.2345&signature=a', 'API_KEY_RECV_WINDOW_INVALID'],
    ['timestamp=1&recvWindow=10&recvWindow=20&signature=a', 'API_KEY_RECV_WINDOW_INVALID'],
  ])('%s → %s', (queryString, code) => {
    expect(codeOf(() => read(queryString))).toBe(code);
  });

  it('counts a parameter repeated across query string and body as repeated', () => {
    expect(codeOf(() => read('timestamp=1&signature=a', 'timestamp=1'))).toBe('API_KEY_TIMESTAMP_INVALID');
    expect(codeOf(() => read('timestamp=1&signature=a', 'signature=a'))).toBe('API_KEY_SIGNATURE_INVALID');
  });
});
