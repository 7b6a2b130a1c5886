import { randomBytes } from 'node:crypto';
import type { Queryable } from '@tradeloom/db';
import { DomainError } from '@tradeloom/kernel';
import './errors.js';
import type { IdentityContext } from './identity-context.js';
import { isoOf } from './timestamps.js';

/** How long a WebAuthn challenge stays usable. */
export const WEBAUTHN_CHALLENGE_TTL_MS = 5 * 60_000;

/** The ceremony a challenge was issued for; one is never accepted for another. */
export type ChallengePurpose = 'registration' | 'login' | 'second_factor';

/** Why a passkey response was refused (`details.reason` of IDENTITY_PASSKEY_INVALID). */
export type PasskeyRefusal =
  | 'malformed'
  | 'challenge'
  | 'unknown_credential'
  | 'user_handle'
  | 'verification'
  | 'counter';

/** IDENTITY_PASSKEY_INVALID with its reason. */
export function passkeyRefused(reason: PasskeyRefusal): DomainError {
  return new DomainError('IDENTITY_PASSKEY_INVALID', 'The passkey response was refused', { reason });
}

/** Stores a fresh random challenge (base64url of 32 bytes) for one ceremony. */
export async function issueChallenge(
  context: IdentityContext,
  q: Queryable,
  input: { purpose: ChallengePurpose; userId: string | null },
): Promise<{ challenge: string; bytes: Uint8Array<ArrayBuffer>; expiresAtMs: number }> {
  const bytes = new Uint8Array(randomBytes(32));
  const challenge = Buffer.from(bytes).toString('base64url');
  const now = context.clock.nowMs();
  const expiresAtMs = now + WEBAUTHN_CHALLENGE_TTL_MS;
  // Spent and expired challenges are worthless: each issue sweeps them (the expiry index keeps it cheap).
  await q.query('DELETE FROM webauthn_challenges WHERE expires_at < $1', [isoOf(now)]);
  await q.query(
    `INSERT INTO webauthn_challenges (challenge, purpose, user_id, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5)`,
    [challenge, input.purpose, input.userId, isoOf(now), isoOf(expiresAtMs)],
  );
  return { challenge, bytes, expiresAtMs };
}

/** The challenge a response's clientDataJSON carries (IDENTITY_PASSKEY_INVALID 'malformed' if none). */
export function challengeIn(clientDataJSON: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8'));
    const challenge = (parsed as { challenge?: unknown } | null)?.challenge;
    if (typeof challenge === 'string' && challenge !== '') return challenge;
  } catch {
    // Falls through to the refusal below.
  }
  throw passkeyRefused('malformed');
}

/**
 * Uses up a challenge we issued for this purpose (and user), unused and unexpired, in one conditional
 * statement: of two responses racing with one challenge, one wins. It is spent even when a later
 * check of the response fails, so a refused response cannot be retried.
 */
export async function useChallenge(
  context: IdentityContext,
  input: { challenge: string; purpose: ChallengePurpose; userId: string | null },
): Promise<void> {
  const { rows } = await context.database.query(
    `UPDATE webauthn_challenges SET used_at = $4
     WHERE challenge = $1 AND purpose = $2 AND user_id IS NOT DISTINCT FROM $3
       AND used_at IS NULL AND expires_at > $4
     RETURNING challenge`,
    [input.challenge, input.purpose, input.userId, isoOf(context.clock.nowMs())],
  );
  if (rows.length === 0) throw passkeyRefused('challenge');
}
