// Proves Ed25519 public keys are accepted as PEM, base64 DER, raw base64 and raw hex (all stored as
// the same PEM), and that other key types, garbage and pasted private keys are refused.
import { generateKeyPairSync } from 'node:crypto';
import { DomainError } from '@tradeloom/kernel';
import { describe, expect, it } from 'vitest';
import { normalizeEd25519PublicKey } from './ed25519-public-key.js';

const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const der = publicKey.export({ type: 'spki', format: 'der' });
const raw = der.subarray(der.length - 32);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return 'no error';
}

describe('normalizeEd25519PublicKey', () => {
  it.each([
    ['PEM', pem],
    ['PEM with blank lines around', `\n${pem}\n`],
    ['base64 DER', der.toString('base64')],
    ['raw base64', raw.toString('base64')],
    ['raw base64url', raw.toString('base64url')],
    ['raw hex', raw.toString('hex')],
  ])('accepts %s and stores PEM', (_form, text) => {
    expect(normalizeEd25519PublicKey(text)).toBe(pem);
  });

  it('accepts the sample key of Binance documentation', () => {
    const sample = [
      '-----BEGIN PUBLIC KEY-----',
      'MCowBQYDK2VwAyEAgmDRTtj2FA+wzJUIlAL9ly1eovjLBu7uXUFR+jFULmg=',
      '-----END PUBLIC KEY-----',
    ].join('\n');
    expect(normalizeEd25519PublicKey(sample)).toBe(`${sample}\n`);
  });

  it('refuses a private key without echoing it', () => {
    const text = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const answer = codeOf(() => normalizeEd25519PublicKey(text));
    expect(answer).toMatch(/^API_KEY_PUBLIC_KEY_INVALID: This is a private key/);
    expect(answer).not.toContain(text.split('\n')[1]);
  });

  it('refuses other key types and garbage', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    expect(
      codeOf(() => normalizeEd25519PublicKey(rsa.export({ type: 'spki', format: 'pem' }).toString())),
    ).toContain('Not an Ed25519 key (got rsa)');
    expect(codeOf(() => normalizeEd25519PublicKey('hello'))).toContain('Not a public key');
    expect(codeOf(() => normalizeEd25519PublicKey(raw.subarray(1).toString('base64')))).toContain(
      'Not a public key',
    );
    expect(
      codeOf(() => normalizeEd25519PublicKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----')),
    ).toContain('Not a public key');
  });
});
