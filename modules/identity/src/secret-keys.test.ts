// Proves the sealing of TOTP seeds: a round trip works, and a wrong key, another row's context or
// a flipped byte are refused; derived keys differ per use and from the master key.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveSecretKeys, macOf, open, seal } from './secret-keys.js';

describe('secret keys', () => {
  const keys = deriveSecretKeys(randomBytes(32));

  it('seals and opens under the same key and context', () => {
    const sealed = seal(keys.sealKey, 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', 'fac_1');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('JBSWY3DP');
    expect(open(keys.sealKey, sealed, 'fac_1')).toBe('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
  });

  it('uses a fresh IV each time', () => {
    expect(seal(keys.sealKey, 'same', 'c')).not.toBe(seal(keys.sealKey, 'same', 'c'));
  });

  it('refuses another key, another context and a tampered value', () => {
    const sealed = seal(keys.sealKey, 'seed', 'fac_1');
    expect(() => open(deriveSecretKeys(randomBytes(32)).sealKey, sealed, 'fac_1')).toThrow();
    expect(() => open(keys.sealKey, sealed, 'fac_2')).toThrow();
    const bytes = Buffer.from(sealed.slice(3), 'base64url');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    expect(() => open(keys.sealKey, `v1.${bytes.toString('base64url')}`, 'fac_1')).toThrow();
  });

  it('derives distinct keys and refuses a master key of the wrong size', () => {
    const master = randomBytes(32);
    const derived = deriveSecretKeys(master);
    expect(derived.sealKey.equals(derived.macKey)).toBe(false);
    expect(derived.sealKey.equals(master)).toBe(false);
    expect(() => deriveSecretKeys(randomBytes(16))).toThrow('32 bytes');
  });

  it('MACs are keyed and separated by kind', () => {
    expect(macOf(keys.macKey, 'session', 't')).toBe(macOf(keys.macKey, 'session', 't'));
    expect(macOf(keys.macKey, 'session', 't')).not.toBe(macOf(keys.macKey, 'reset', 't'));
    expect(macOf(keys.macKey, 'session', 't')).not.toBe(macOf(keys.sealKey, 'session', 't'));
  });
});
