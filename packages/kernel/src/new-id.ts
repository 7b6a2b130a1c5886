import { randomBytes } from 'node:crypto';

/**
 * A new id with a type prefix (`usr_`, `ses_`, `key_`): 16 random bytes in base32 (lower case),
 * so ids say what they name in logs and support tickets, and cannot be guessed.
 */
export function newId(prefix: string): string {
  return `${prefix}_${base32(randomBytes(16))}`;
}

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}
