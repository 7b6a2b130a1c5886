import type { Queryable } from '@tradeloom/db';
import { DomainError } from '@tradeloom/kernel';
import './errors.js';
import type { IdentityContext } from './identity-context.js';
import { macOf, randomToken } from './secret-keys.js';
import { isoOf, msOf } from './timestamps.js';

/** What a one-time token is for; a token of one purpose is never accepted for another. */
export type TokenPurpose = 'verify_email' | 'reset_password' | 'change_email' | 'pending_login';

/** A live token's row. */
export interface TokenRecord {
  userId: string;
  email: string | null;
  attempts: number;
  expiresAtMs: number;
}

function hashOf(context: IdentityContext, purpose: TokenPurpose, token: string): string {
  return macOf(context.keys.macKey, `token:${purpose}`, token);
}

/**
 * Creates a token (only its HMAC is stored) and returns it for the mail or the response. With
 * `supersede`, the user's earlier unused tokens of the purpose die: only the newest link works.
 */
export async function issueToken(
  context: IdentityContext,
  q: Queryable,
  input: { purpose: TokenPurpose; userId: string; email?: string; ttlMs: number; supersede?: boolean },
): Promise<{ token: string; expiresAtMs: number }> {
  const now = context.clock.nowMs();
  if (input.supersede === true) {
    await q.query(
      'UPDATE auth_tokens SET used_at = $3 WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL',
      [input.userId, input.purpose, isoOf(now)],
    );
  }
  const token = randomToken();
  const expiresAtMs = now + input.ttlMs;
  await q.query(
    `INSERT INTO auth_tokens (token_hash, purpose, user_id, email, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      hashOf(context, input.purpose, token),
      input.purpose,
      input.userId,
      input.email ?? null,
      isoOf(now),
      isoOf(expiresAtMs),
    ],
  );
  return { token, expiresAtMs };
}

/** The live (unused, unexpired) token's row; throws IDENTITY_TOKEN_INVALID / _EXPIRED otherwise. */
export async function readToken(
  context: IdentityContext,
  q: Queryable,
  purpose: TokenPurpose,
  token: string,
): Promise<TokenRecord> {
  const { rows } = await q.query(
    `SELECT user_id, email, attempts, expires_at, used_at FROM auth_tokens
     WHERE token_hash = $1 AND purpose = $2`,
    [hashOf(context, purpose, token), purpose],
  );
  const row = rows[0];
  if (row === undefined || row.used_at !== null) {
    throw new DomainError(
      'IDENTITY_TOKEN_INVALID',
      'This link or token is not valid (it may have been used)',
    );
  }
  const expiresAtMs = msOf(row.expires_at);
  if (expiresAtMs <= context.clock.nowMs()) {
    throw new DomainError('IDENTITY_TOKEN_EXPIRED', 'This link or token has expired; ask for a new one');
  }
  return {
    userId: String(row.user_id),
    email: row.email === null ? null : String(row.email),
    attempts: Number(row.attempts),
    expiresAtMs,
  };
}

/** Marks the token used, once: throws IDENTITY_TOKEN_INVALID / _EXPIRED when it is not live. */
export async function consumeToken(
  context: IdentityContext,
  q: Queryable,
  purpose: TokenPurpose,
  token: string,
): Promise<TokenRecord> {
  const record = await readToken(context, q, purpose, token);
  // The guard on used_at makes two concurrent consumers race for one row: one wins.
  const { rows } = await q.query(
    `UPDATE auth_tokens SET used_at = $3 WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL
     RETURNING token_hash`,
    [hashOf(context, purpose, token), purpose, isoOf(context.clock.nowMs())],
  );
  if (rows.length === 0) {
    throw new DomainError(
      'IDENTITY_TOKEN_INVALID',
      'This link or token is not valid (it may have been used)',
    );
  }
  return record;
}

/** Counts a wrong code against a pending login; at `attemptsMax` the token dies. Returns the count. */
export async function countTokenAttempt(
  context: IdentityContext,
  q: Queryable,
  purpose: TokenPurpose,
  token: string,
  attemptsMax: number,
): Promise<number> {
  const { rows } = await q.query(
    `UPDATE auth_tokens SET attempts = attempts + 1,
       used_at = CASE WHEN attempts + 1 >= $3 THEN $4::timestamptz ELSE used_at END
     WHERE token_hash = $1 AND purpose = $2 RETURNING attempts`,
    [hashOf(context, purpose, token), purpose, attemptsMax, isoOf(context.clock.nowMs())],
  );
  return Number(rows[0]?.attempts ?? attemptsMax);
}
