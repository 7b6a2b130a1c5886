import { randomBytes } from 'node:crypto';
import type { Queryable } from '@tradeloom/db';
import { newId } from '@tradeloom/kernel';
import type { IdentityContext } from './identity-context.js';
import { macOf, open } from './secret-keys.js';
import { isoOf } from './timestamps.js';
import { matchTotp } from './totp.js';

/** Recovery codes handed out at once. */
export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const RECOVERY_CHARS = 16;

/** Which proof a second-factor code turned out to be. */
export type SecondFactorKind = 'totp' | 'recovery_code';

/** The user's active TOTP factor, or null. */
export async function findActiveTotp(
  q: Queryable,
  userId: string,
): Promise<{ id: string; secretSealed: string; lastUsedStep: number | null } | null> {
  const { rows } = await q.query(
    `SELECT id, secret_sealed, last_used_step FROM user_factors
     WHERE user_id = $1 AND kind = 'totp' AND status = 'active'`,
    [userId],
  );
  const row = rows[0];
  if (row === undefined) return null;
  return {
    id: String(row.id),
    secretSealed: String(row.secret_sealed),
    lastUsedStep: row.last_used_step === null ? null : Number(row.last_used_step),
  };
}

/** The context a TOTP seed is sealed under: its factor row. */
export function sealContextOf(factorId: string): string {
  return `user_factors:${factorId}`;
}

/**
 * Checks a TOTP code (6 digits) or a recovery code and, when it is good, uses it up in the same
 * statement that checks it was not used: a TOTP time step is accepted once (the factor remembers the
 * last one), a recovery code once. Null when the code is wrong or spent.
 */
export async function useSecondFactorCode(
  context: IdentityContext,
  q: Queryable,
  userId: string,
  code: string,
): Promise<SecondFactorKind | null> {
  const compact = code.replace(/[\s-]/g, '').toLowerCase();
  const now = context.clock.nowMs();
  if (/^\d{6}$/.test(compact)) {
    const factor = await findActiveTotp(q, userId);
    if (factor === null) return null;
    const step = await matchTotp({
      secret: open(context.keys.sealKey, factor.secretSealed, sealContextOf(factor.id)),
      code: compact,
      nowMs: now,
      toleranceSteps: context.tuning.totpStepTolerance,
      afterStep: factor.lastUsedStep,
    });
    if (step === null) return null;
    const { rows } = await q.query(
      `UPDATE user_factors SET last_used_step = $2, last_used_at = $3
       WHERE id = $1 AND status = 'active' AND (last_used_step IS NULL OR last_used_step < $2) RETURNING id`,
      [factor.id, step, isoOf(now)],
    );
    return rows.length > 0 ? 'totp' : null;
  }
  if (compact.length !== RECOVERY_CHARS) return null;
  const { rows } = await q.query(
    `UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL
     RETURNING id`,
    [userId, recoveryCodeHash(context, compact), isoOf(now)],
  );
  return rows.length > 0 ? 'recovery_code' : null;
}

function recoveryCodeHash(context: IdentityContext, compact: string): string {
  return macOf(context.keys.macKey, 'recovery-code', compact);
}

/** Replaces the user's recovery codes by new ones and returns them (shown once, stored as HMACs). */
export async function replaceRecoveryCodes(
  context: IdentityContext,
  q: Queryable,
  userId: string,
): Promise<string[]> {
  await q.query('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
  const codes: string[] = [];
  const now = isoOf(context.clock.nowMs());
  for (let index = 0; index < RECOVERY_CODE_COUNT; index++) {
    const compact = randomRecoveryCode();
    codes.push(compact.match(/.{4}/g)?.join('-') ?? compact);
    await q.query('INSERT INTO recovery_codes (id, user_id, code_hash, created_at) VALUES ($1, $2, $3, $4)', [
      newId('rcv'),
      userId,
      recoveryCodeHash(context, compact),
      now,
    ]);
  }
  return codes;
}

/** How many unused recovery codes the user has left. */
export async function countRecoveryCodes(q: Queryable, userId: string): Promise<number> {
  const { rows } = await q.query(
    'SELECT count(*)::int AS left FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL',
    [userId],
  );
  return Number(rows[0]?.left ?? 0);
}

// 16 characters of a 32-letter alphabet: 80 bits, beyond guessing even with the table stolen.
function randomRecoveryCode(): string {
  const bytes = randomBytes(RECOVERY_CHARS);
  let code = '';
  for (const byte of bytes) code += RECOVERY_ALPHABET[byte & 31];
  return code;
}
