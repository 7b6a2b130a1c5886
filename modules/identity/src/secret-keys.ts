import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The keys identity derives from the master key (HKDF-SHA256, one `info` per use), so the same
 * master key given to other modules never encrypts or MACs two kinds of data with one key.
 */
export interface SecretKeys {
  /** Encrypts TOTP seeds at rest. */
  sealKey: Buffer;
  /** Keys the HMAC of session tokens, emailed tokens, recovery codes and device cookies. */
  macKey: Buffer;
}

/** Derives identity's keys from the 32-byte master key. */
export function deriveSecretKeys(masterKey: Buffer): SecretKeys {
  if (masterKey.length !== 32)
    throw new Error(`identity: secretKey must be 32 bytes, got ${masterKey.length}`);
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), info, 32));
  return { sealKey: derive('tradeloom/identity/seal/v1'), macKey: derive('tradeloom/identity/mac/v1') };
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts `plaintext` with AES-256-GCM under a fresh random IV; `context` (e.g. the factor id) is
 * bound as associated data, so a sealed value copied onto another row does not open there.
 * Output: `v1.<base64url(iv | tag | ciphertext)>`.
 */
export function seal(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
}

/** Decrypts what `seal` produced with the same key and context; throws when anything differs. */
export function open(key: Buffer, sealed: string, context: string): string {
  const [version, payload] = sealed.split('.');
  if (version !== VERSION || payload === undefined) throw new Error('sealed value: unknown format');
  const bytes = Buffer.from(payload, 'base64url');
  if (bytes.length < IV_BYTES + TAG_BYTES) throw new Error('sealed value: too short');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES), {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
    'utf8',
  );
}

/** A new random token (32 bytes, base64url): session cookies, emailed links, pending logins. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The HMAC under which a token is stored and looked up. Tokens carry 256 bits, so a plain hash
 * would do; the key also makes a stolen table useless for checking guesses of the lower-entropy
 * recovery codes.
 */
export function macOf(key: Buffer, kind: string, value: string): string {
  return createHmac('sha256', key).update(kind).update('\0').update(value).digest('base64url');
}
