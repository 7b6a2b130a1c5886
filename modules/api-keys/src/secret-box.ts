import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** Encrypts HMAC secrets at rest, bound to the key row they belong to. */
export interface SecretBox {
  /** `version ‖ nonce ‖ tag ‖ ciphertext`, with the key id as associated data. */
  seal(plaintext: string, keyId: string): Buffer;
  /** The plaintext; throws when the bytes were altered or belong to another key id. */
  open(sealed: Uint8Array, keyId: string): string;
}

/**
 * Format version 1: AES-256-GCM under a key derived from the master key with HKDF-SHA256 (so the
 * master key, shared with other modules, is never used directly). A new master key or cipher gets a
 * new version byte; `open` keeps reading the old versions while rows are re-encrypted.
 */
const VERSION_1 = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + NONCE_BYTES + TAG_BYTES;

/** A SecretBox keyed by the platform master key (32 bytes). */
export function createSecretBox(masterKey: Buffer): SecretBox {
  if (masterKey.length !== 32)
    throw new Error(`api-keys: the secret key must be 32 bytes, got ${masterKey.length}`);
  const key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'tradeloom/api-keys/secret/v1', 32));
  const aadOf = (version: number, keyId: string) => Buffer.from(`${version}:${keyId}`, 'utf8');
  return {
    seal(plaintext, keyId) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
      cipher.setAAD(aadOf(VERSION_1, keyId));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.of(VERSION_1), nonce, cipher.getAuthTag(), ciphertext]);
    },
    open(sealed, keyId) {
      const bytes = Buffer.from(sealed);
      const version = bytes[0];
      if (version !== VERSION_1)
        throw new Error(`api-keys: unknown secret format version ${String(version)}`);
      if (bytes.length < HEADER_BYTES) throw new Error('api-keys: sealed secret is truncated');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(1, 1 + NONCE_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(aadOf(version, keyId));
      decipher.setAuthTag(bytes.subarray(1 + NONCE_BYTES, HEADER_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(HEADER_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    },
  };
}
