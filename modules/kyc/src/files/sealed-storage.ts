// Identity documents are encrypted before they reach the storage adapter (AES-256-GCM under a key
// derived from the master key), so a copied data directory or bucket reveals nothing by itself.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { StorageAdapter } from './storage-adapter.js';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A key derived from the 32-byte master key for one use (`info`, e.g. 'tradeloom/kyc/files/v1'). */
export function deriveKey(masterKey: Buffer, info: string): Buffer {
  if (masterKey.length !== 32) throw new Error(`master key must be 32 bytes, got ${masterKey.length}`);
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), info, 32));
}

/** Wraps an adapter so what it stores is encrypted, each blob bound to its key (copied blobs do not open). */
export function sealedStorage(inner: StorageAdapter, key: Buffer): StorageAdapter {
  return {
    name: `${inner.name}+sealed`,
    async put(name, bytes) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(name, 'utf8'));
      const body = Buffer.concat([cipher.update(bytes), cipher.final()]);
      await inner.put(name, Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]));
    },
    async get(name) {
      const sealed = await inner.get(name);
      if (sealed === null) return null;
      if (sealed[0] !== VERSION || sealed.length < 1 + IV_BYTES + TAG_BYTES)
        throw new Error(`storage: ${name} is not a sealed blob`);
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 1 + IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(name, 'utf8'));
      decipher.setAuthTag(sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
    },
    delete: (name) => inner.delete(name),
    list: (prefix) => inner.list(prefix),
  };
}
