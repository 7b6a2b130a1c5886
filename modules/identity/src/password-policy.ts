import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Passwords shorter than this are refused (OWASP ASVS 2.1.1: at least 12 characters). */
export const PASSWORD_LENGTH_MIN = 12;
/** Longer ones are refused too (ASVS 2.1.2 allows a cap of 128): argon2 time stays bounded. */
export const PASSWORD_LENGTH_MAX = 128;

/** Why a password was refused; a client shows one message per reason. */
export type PasswordRuleViolation =
  | 'too_short'
  | 'too_long'
  | 'common'
  | 'repetitive'
  | 'sequential'
  | 'contains_email'
  | 'contains_service_name';

const commonPasswordsPath = fileURLToPath(new URL('../assets/common-passwords.txt', import.meta.url));
let commonPasswords: ReadonlySet<string> | undefined;

function commonPasswordSet(): ReadonlySet<string> {
  commonPasswords ??= new Set(
    readFileSync(commonPasswordsPath, 'utf8')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#!')),
  );
  return commonPasswords;
}

/**
 * The form a password is hashed and checked in: Unicode NFKC (NIST SP 800-63B 5.1.1.2), so the same
 * password typed on two keyboards that encode it differently is the same password.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/**
 * The rules a new password breaks (empty: acceptable). Length in Unicode code points; no composition
 * rules (ASVS 2.1.9). Refused: the most common breached passwords, the same with only digits or
 * symbols around them ("iloveyou2024!"), one short run repeated, a straight keyboard-order sequence,
 * the email's local part and the service's name (ASVS 2.1.7, NIST "context-specific words").
 */
export function checkPassword(password: string, context: { email?: string } = {}): PasswordRuleViolation[] {
  const normalized = normalizePassword(password);
  const length = [...normalized].length;
  const reasons: PasswordRuleViolation[] = [];
  if (length < PASSWORD_LENGTH_MIN) reasons.push('too_short');
  if (length > PASSWORD_LENGTH_MAX) reasons.push('too_long');
  const lower = normalized.toLowerCase();
  if (isCommon(lower)) reasons.push('common');
  if (/^(.{1,4})\1+$/su.test(lower)) reasons.push('repetitive');
  if (isSequential(lower)) reasons.push('sequential');
  const localPart = context.email?.split('@')[0]?.toLowerCase() ?? '';
  if (localPart.length >= 3 && lower.includes(localPart)) reasons.push('contains_email');
  if (lower.includes('tradeloom')) reasons.push('contains_service_name');
  return reasons;
}

// ASCII digits, punctuation, symbols and white space (emoji are a password's substance, not padding).
const leadingPadding = /^[\d\s\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]+/;
const trailingPadding = /[\d\s\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]+$/;

function isCommon(lower: string): boolean {
  const list = commonPasswordSet();
  if (list.has(lower)) return true;
  // ASCII digits, symbols and spaces around a listed password add little: "password2024!" is "password".
  const core = lower.replace(leadingPadding, '').replace(trailingPadding, '');
  return core === '' || list.has(core);
}

function isSequential(lower: string): boolean {
  const codes = [...lower].map((char) => char.codePointAt(0) ?? 0);
  const step = (codes[1] ?? 0) - (codes[0] ?? 0);
  if (step !== 1 && step !== -1) return false;
  return codes.every((code, index) => index === 0 || code - (codes[index - 1] ?? 0) === step);
}
