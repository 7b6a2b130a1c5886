import { createPublicKey, type KeyObject } from 'node:crypto';
import { DomainError } from '@tradeloom/kernel';
import './errors.js';

// DER SubjectPublicKeyInfo header of an Ed25519 key (OID 1.3.101.112); the 32 key bytes follow.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function invalid(message: string): DomainError {
  return new DomainError('API_KEY_PUBLIC_KEY_INVALID', message);
}

/**
 * Reads an Ed25519 public key given as PEM (SPKI), base64 DER, or the raw 32 bytes in base64 or
 * hex, and returns it as PEM (what is stored). Anything else, including a private key, is refused.
 */
export function normalizeEd25519PublicKey(text: string): string {
  return importEd25519PublicKey(text).export({ type: 'spki', format: 'pem' }).toString();
}

/** The key object of an Ed25519 public key in any form `normalizeEd25519PublicKey` accepts. */
export function importEd25519PublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.includes('PRIVATE KEY')) {
    throw invalid('This is a private key: send only the public key, and keep the private key secret');
  }
  let key: KeyObject;
  try {
    key = createPublicKey(
      trimmed.startsWith('-----BEGIN')
        ? { key: trimmed, format: 'pem' }
        : { key: spkiOf(trimmed), format: 'der', type: 'spki' },
    );
  } catch {
    throw invalid('Not a public key: send an Ed25519 public key as PEM, or its 32 bytes in base64 or hex');
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw invalid(
      `Not an Ed25519 key (got ${key.asymmetricKeyType ?? 'unknown'}): API keys take Ed25519 keys`,
    );
  }
  return key;
}

function spkiOf(text: string): Buffer {
  const bytes = /^[0-9a-fA-F]{64}$/.test(text)
    ? Buffer.from(text, 'hex')
    : /^[A-Za-z0-9+/_-]+={0,2}$/.test(text)
      ? Buffer.from(text, 'base64')
      : Buffer.alloc(0);
  if (bytes.length === 32) return Buffer.concat([SPKI_PREFIX, bytes]);
  return bytes;
}
