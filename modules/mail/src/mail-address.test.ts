// Proves the recipient guard refuses lists, display names and header injection, and the From
// header's name and domain are read as mails need them.
import { describe, expect, it } from 'vitest';
import { displayNameOf, domainOf, isPlainAddress } from './mail-address.js';

describe('mail addresses', () => {
  it('accepts one plain address', () => {
    expect(isPlainAddress('ann@example.com')).toBe(true);
    expect(isPlainAddress('ann+tag@sub.example.co')).toBe(true);
  });

  it('refuses lists, names, line breaks and non-addresses', () => {
    for (const bad of [
      'ann@example.com, eve@example.com',
      'ann@example.com;eve@example.com',
      'Ann <ann@example.com>',
      'ann@example.com\r\nBcc: eve@example.com',
      'ann example.com',
      'ann@@example.com',
      '',
      `${'a'.repeat(250)}@example.com`,
    ]) {
      expect(isPlainAddress(bad), bad).toBe(false);
    }
  });

  it('reads the display name and domain of a From header', () => {
    expect(displayNameOf('Tradeloom <no-reply@example.com>')).toBe('Tradeloom');
    expect(displayNameOf('"My Exchange" <no-reply@ex.io>')).toBe('My Exchange');
    expect(displayNameOf('no-reply@example.com')).toBeNull();
    expect(domainOf('Tradeloom <no-reply@example.com>')).toBe('example.com');
    expect(domainOf('no-reply@ex.io')).toBe('ex.io');
    expect(domainOf('nobody')).toBeNull();
  });
});
