// Proves which template variables count as secret (links, tokens, codes, declared ones) and that
// redactVars hides exactly those values.
import { describe, expect, it } from 'vitest';
import { isSecretVar, REDACTED, redactVars } from './secret-vars.js';

describe('secret variables', () => {
  it('links, tokens, codes, secrets and passwords are secret by name', () => {
    for (const name of [
      'verifyUrl',
      'resetUrl',
      'url',
      'magicLink',
      'token',
      'resetToken',
      'emailCode',
      'clientSecret',
      'tempPassword',
    ]) {
      expect(isSecretVar(name), name).toBe(true);
    }
  });

  it('names, addresses, devices and times are not', () => {
    for (const name of ['displayName', 'newEmail', 'device', 'ip', 'time', 'until', 'change', 'urlCount']) {
      expect(isSecretVar(name), name).toBe(false);
    }
  });

  it('a template can declare more secrets', () => {
    expect(isSecretVar('pin', ['pin'])).toBe(true);
    expect(isSecretVar('pin')).toBe(false);
  });

  it('redactVars replaces the secret values and keeps the rest', () => {
    expect(
      redactVars({ verifyUrl: 'https://x/verify?t=abc', displayName: 'Ann', pin: '1234' }, ['pin']),
    ).toEqual({ verifyUrl: REDACTED, displayName: 'Ann', pin: REDACTED });
  });
});
