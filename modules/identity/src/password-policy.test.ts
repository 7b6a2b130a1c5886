// Proves the password rules: length 12..128 in code points, no composition rules, common and
// breached passwords (also with digits around them), repetition, sequences, the email's local part
// and the service's name are refused; long passphrases of plain words pass.
import { describe, expect, it } from 'vitest';
import { checkPassword, normalizePassword } from './password-policy.js';

describe('checkPassword', () => {
  it('accepts a passphrase with no digits, capitals or symbols', () => {
    expect(checkPassword('correct horse battery staple')).toEqual([]);
    expect(checkPassword('violet kettle on the ridge', { email: 'ann@example.com' })).toEqual([]);
  });

  it('counts code points: 12 emoji are 12 characters', () => {
    expect(checkPassword('🦊🐢🦉🐙🦀🐝🦋🐞🦔🐳🦜🦩')).toEqual([]);
    expect(checkPassword('🦊🐢🦉🐙🦀🐝🦋🐞🦔🐳🦜')).toEqual(['too_short']);
  });

  it('refuses fewer than 12 and more than 128 characters', () => {
    expect(checkPassword('glowing-fig')).toEqual(['too_short']);
    expect(checkPassword('glowing-figs')).toEqual([]);
    expect(checkPassword('w'.repeat(64) + 'x'.repeat(65))).toContain('too_long');
    expect(checkPassword(`${'abcdefgh '.repeat(14)}zz`.slice(0, 128))).not.toContain('too_long');
  });

  it('refuses listed passwords whatever their case', () => {
    expect(checkPassword('qazwsxedcrfv')).toContain('common');
    expect(checkPassword('1qaz2wsx3edc')).toContain('common');
    expect(checkPassword('1QAZ2WSX3EDC')).toContain('common');
    expect(checkPassword('Password')).toEqual(['too_short', 'common']);
  });

  it('refuses a listed password padded with digits or symbols, and digits alone', () => {
    expect(checkPassword('password2024!')).toContain('common');
    expect(checkPassword('!!iloveyou1234')).toContain('common');
    expect(checkPassword('194719471947')).toContain('common');
    expect(checkPassword('football and chips')).toEqual([]);
  });

  it('refuses repetition and straight sequences', () => {
    expect(checkPassword('zzzzzzzzzzzzzz')).toContain('repetitive');
    expect(checkPassword('xk9!xk9!xk9!xk9!')).toContain('repetitive');
    expect(checkPassword('abcdefghijklmn')).toContain('sequential');
    expect(checkPassword('nmlkjihgfedcba')).toContain('sequential');
  });

  it("refuses the email's local part and the service name", () => {
    expect(checkPassword('Margaret.Hamilton-rocks', { email: 'margaret.hamilton@example.com' })).toEqual([
      'contains_email',
    ]);
    expect(checkPassword('my tradeloom account')).toEqual(['contains_service_name']);
  });

  it('lists every rule broken', () => {
    expect(checkPassword('aaaa', { email: 'aaa@example.com' })).toEqual([
      'too_short',
      'repetitive',
      'contains_email',
    ]);
  });

  it('normalizes to NFKC so composed and decomposed forms are one password', () => {
    expect(normalizePassword('cafe\u0301 au lait!')).toBe(normalizePassword('caf\u00e9 au lait!'));
  });
});
