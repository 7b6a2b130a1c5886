import { createHmac, createSecretKey, type KeyObject, timingSafeEqual, verify } from 'node:crypto';

/**
 * Checks one signature over a payload. On success it returns the signature's canonical bytes in hex,
 * the key the replay guard remembers: HMAC signatures are case-insensitive hex and base64 has
 * several spellings of the same bytes, so the text as sent would let a re-spelled replay through.
 */
export type SignatureVerifier = (payload: string, signature: string) => string | null;

const HMAC_HEX = /^[0-9a-fA-F]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]{86}==$/;

/** HMAC-SHA256 of the payload under the secret, compared in constant time (Binance: hex, any case). */
export function hmacVerifier(secret: string): SignatureVerifier {
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  return (payload, signature) => {
    if (!HMAC_HEX.test(signature)) return null;
    const expected = createHmac('sha256', key).update(payload, 'utf8').digest();
    const sent = Buffer.from(signature, 'hex');
    return timingSafeEqual(expected, sent) ? expected.toString('hex') : null;
  };
}

/** Ed25519 over the payload, the signature in base64 (Binance: case-sensitive, 64 bytes). */
export function ed25519Verifier(publicKey: KeyObject): SignatureVerifier {
  return (payload, signature) => {
    if (!BASE64.test(signature)) return null;
    const bytes = Buffer.from(signature, 'base64');
    return verify(null, Buffer.from(payload, 'utf8'), publicKey, bytes) ? bytes.toString('hex') : null;
  };
}
