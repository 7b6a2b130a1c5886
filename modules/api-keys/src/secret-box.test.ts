// Proves HMAC secrets at rest: sealed bytes hide the secret, open round-trips, and a ciphertext
// altered, moved to another key id, opened under another master key or of an unknown version fails.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from './secret-box.js';

const secret = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';

describe('secret box', () => {
  const masterKey = randomBytes(32);
  const box = createSecretBox(masterKey);

  it('round-trips, with a fresh nonce each time and the version byte first', () => {
    const sealed = box.seal(secret, 'key_a');
    expect(sealed[0]).toBe(1);
    expect(sealed.includes(Buffer.from(secret))).toBe(false);
    expect(sealed.toString('latin1')).not.toContain(secret.slice(0, 8));
    expect(box.open(sealed, 'key_a')).toBe(secret);
    expect(box.seal(secret, 'key_a').equals(sealed)).toBe(false);
    // PGlite returns bytea as a Uint8Array.
    expect(box.open(new Uint8Array(sealed), 'key_a')).toBe(secret);
  });

  it('refuses a ciphertext bound to another key id', () => {
    expect(() => box.open(box.seal(secret, 'key_a'), 'key_b')).toThrow();
  });

  it('refuses altered bytes, another master key, a truncated or unknown-version blob', () => {
    const sealed = box.seal(secret, 'key_a');
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 1;
    expect(() => box.open(flipped, 'key_a')).toThrow();
    expect(() => createSecretBox(randomBytes(32)).open(sealed, 'key_a')).toThrow();
    expect(() => box.open(sealed.subarray(0, 20), 'key_a')).toThrow('truncated');
    const future = Buffer.from(sealed);
    future[0] = 2;
    expect(() => box.open(future, 'key_a')).toThrow('unknown secret format version 2');
  });

  it('needs a 32-byte master key', () => {
    expect(() => createSecretBox(randomBytes(16))).toThrow('must be 32 bytes');
  });
});
