import type { Queryable } from '@tradeloom/db';
import { DomainError, newId } from '@tradeloom/kernel';
import { assertNotLocked } from './account-protection.js';
import './errors.js';
import type { IdentityContext, RequestContext } from './identity-context.js';
import { assertActive, type LoginResult, pendingSecondFactor, startSession } from './log-in.js';
import { audit } from './notify.js';
import { isUniqueViolation } from './register-user.js';
import { isoOf, isoOrNull, msOf } from './timestamps.js';
import { findUserById } from './user-repository.js';

/** Where an external identity comes from: 'siwe' or 'oidc:<provider id>'. */
export type IdentityProvider = 'siwe' | `oidc:${string}`;

/** One external identity of a user, as its owner sees it. */
export interface LinkedIdentity {
  id: string;
  provider: string;
  subject: string;
  email: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

/** The user an external identity is linked to, or null. */
export async function findIdentityOwner(
  q: Queryable,
  provider: IdentityProvider,
  subject: string,
): Promise<string | null> {
  const { rows } = await q.query('SELECT user_id FROM user_identities WHERE provider = $1 AND subject = $2', [
    provider,
    subject,
  ]);
  return rows[0] === undefined ? null : String(rows[0].user_id);
}

/**
 * Links an external identity to a user (audited). Linking the same identity to the same user again
 * is a no-op; one linked to someone else answers IDENTITY_IDENTITY_TAKEN.
 */
export async function linkIdentity(
  context: IdentityContext,
  q: Queryable,
  input: { userId: string; provider: IdentityProvider; subject: string; email: string | null; ip: string },
): Promise<void> {
  const owner = await findIdentityOwner(q, input.provider, input.subject);
  if (owner === input.userId) return;
  if (owner !== null) throw identityTaken();
  try {
    await q.query(
      `INSERT INTO user_identities (id, user_id, provider, subject, email, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [newId('uid'), input.userId, input.provider, input.subject, input.email, isoOf(context.clock.nowMs())],
    );
  } catch (error) {
    if (isUniqueViolation(error)) throw identityTaken();
    throw error;
  }
  await audit(context, q, {
    actor: input.userId,
    action: 'identity.identity.link',
    target: input.userId,
    ip: input.ip,
    after: { provider: input.provider, subject: input.subject },
  });
}

function identityTaken(): DomainError {
  return new DomainError('IDENTITY_IDENTITY_TAKEN', 'This account is already linked to another user');
}

/** The user's linked identities, oldest first. */
export async function listIdentities(context: IdentityContext, userId: string): Promise<LinkedIdentity[]> {
  const { rows } = await context.database.query(
    `SELECT id, provider, subject, email, created_at, last_used_at FROM user_identities
     WHERE user_id = $1 ORDER BY created_at, id`,
    [userId],
  );
  return rows.map((row) => ({
    id: String(row.id),
    provider: String(row.provider),
    subject: String(row.subject),
    email: row.email === null ? null : String(row.email),
    createdAt: isoOf(msOf(row.created_at)),
    lastUsedAt: isoOrNull(row.last_used_at),
  }));
}

/**
 * Ends a login proved by an external identity the same way a password login ends: refused while the
 * account is locked or blocked; with 2FA on, a pending-login token for /api/v1/auth/login/second-factor
 * (an external proof is never a second factor); otherwise a new session.
 */
export async function finishExternalLogin(
  context: IdentityContext,
  input: { userId: string; provider: IdentityProvider; subject: string; method: 'siwe' | 'oidc' },
  request: RequestContext,
  replacedSessionId: string | undefined,
): Promise<LoginResult> {
  const user = await findUserById(context.database, input.userId);
  if (user === null) throw new Error('identity: a linked identity points at a missing user');
  assertNotLocked(context, user);
  await assertActive(context, user, request, input.method);
  await context.database.query(
    'UPDATE user_identities SET last_used_at = $3 WHERE provider = $1 AND subject = $2',
    [input.provider, input.subject, isoOf(context.clock.nowMs())],
  );
  if (user.twoFactorEnabled) return pendingSecondFactor(context, user);
  return startSession(context, user.id, request, input.method, null, replacedSessionId);
}
