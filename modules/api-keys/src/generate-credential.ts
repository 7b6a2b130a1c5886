import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
// The largest multiple of 62 below 256: bytes at or above it are skipped, so every letter is equally likely.
const UNBIASED_BELOW = 248;

/** The length of API keys and HMAC secrets: 64 letters and digits, as Binance issues them (~381 bits). */
export const credentialLength = 64;

/** A fresh random string of `credentialLength` letters and digits. */
export function generateCredential(): string {
  let out = '';
  while (out.length < credentialLength) {
    for (const byte of randomBytes(credentialLength * 2)) {
      if (byte < UNBIASED_BELOW) out += ALPHABET[byte % 62];
      if (out.length === credentialLength) break;
    }
  }
  return out;
}

/** True for a string shaped like an issued API key (checked before any lookup). */
export function isCredentialShaped(value: string): boolean {
  return value.length === credentialLength && /^[A-Za-z0-9]+$/.test(value);
}
