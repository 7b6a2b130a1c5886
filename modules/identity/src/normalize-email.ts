import { z } from 'zod';

/**
 * The stored and compared form of an email address: trimmed and lower-cased, so `Ann@Example.com`
 * and `ann@example.com` are one account. (Mail servers may treat local parts case-sensitively;
 * none in practice does, and two accounts differing by case would be a phishing gift.)
 */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** An email address as accepted on the wire (then normalised by `normalizeEmail`). */
export const emailSchema = z.email().max(254).describe('Email address; compared case-insensitively');
