import type { Queryable } from '@tradeloom/db';
import { newId } from '@tradeloom/kernel';
import { deviceLabelOf } from './device-label.js';
import type { IdentityContext, RequestContext } from './identity-context.js';
import { macOf, randomToken } from './secret-keys.js';
import { isoOf, msOf, msOrNull } from './timestamps.js';

/** A session just created: the token goes into the cookie and is never stored. */
export interface NewSession {
  id: string;
  token: string;
  csrfToken: string;
  expiresAtMs: number;
}

/** A session as its owner sees it in the list. */
export interface SessionView {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  deviceLabel: string | null;
  secondFactorAt: string | null;
}

/** A live session found by its cookie token. */
export interface ActiveSession {
  id: string;
  userId: string;
  csrfToken: string;
  createdAtMs: number;
  lastSeenAtMs: number;
  expiresAtMs: number;
  secondFactorAtMs: number | null;
}

/** Why a session ended (kept on the row for the user's history and support). */
export type RevokeReason =
  | 'logout'
  | 'rotated'
  | 'replaced'
  | 'revoked_by_user'
  | 'password_changed'
  | 'password_reset'
  | 'factor_changed'
  | 'email_changed'
  | 'blocked'
  | 'operator';

/** The stored form of a session token. */
export function sessionTokenHash(context: IdentityContext, token: string): string {
  return macOf(context.keys.macKey, 'session', token);
}

/**
 * Starts a session with a fresh random token (never one the client chose: no fixation). A rotated
 * session passes the absolute end of the one it replaces, so rotation never extends it.
 */
export async function createSession(
  context: IdentityContext,
  q: Queryable,
  input: { userId: string; request: RequestContext; secondFactorAtMs: number | null; expiresAtMs?: number },
): Promise<NewSession> {
  const now = context.clock.nowMs();
  const session: NewSession = {
    id: newId('ses'),
    token: randomToken(),
    csrfToken: randomToken(),
    expiresAtMs: input.expiresAtMs ?? now + context.config.sessionAbsoluteMs,
  };
  const userAgent = input.request.userAgent?.slice(0, 512) ?? null;
  await q.query(
    `INSERT INTO sessions (id, token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at,
       ip, user_agent, device_label, second_factor_at)
     VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9, $10)`,
    [
      session.id,
      sessionTokenHash(context, session.token),
      input.userId,
      session.csrfToken,
      isoOf(now),
      isoOf(session.expiresAtMs),
      input.request.ip,
      userAgent,
      deviceLabelOf(input.request.userAgent),
      input.secondFactorAtMs === null ? null : isoOf(input.secondFactorAtMs),
    ],
  );
  return session;
}

/** The live session of a cookie token with its owner's status, or null when unknown or revoked. */
export async function findSessionByToken(
  context: IdentityContext,
  token: string,
): Promise<(ActiveSession & { userStatus: string }) | null> {
  const { rows } = await context.database.query(
    `SELECT s.id, s.user_id, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at, s.second_factor_at,
       u.status AS user_status
     FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = $1 AND s.revoked_at IS NULL`,
    [sessionTokenHash(context, token)],
  );
  const row = rows[0];
  if (row === undefined) return null;
  return { ...activeSessionOf(row), userStatus: String(row.user_status) };
}

/** The caller's live session by id (for rotation), or null. */
export async function findSessionById(q: Queryable, id: string): Promise<ActiveSession | null> {
  const { rows } = await q.query(
    `SELECT id, user_id, csrf_token, created_at, last_seen_at, expires_at, second_factor_at
     FROM sessions WHERE id = $1 AND revoked_at IS NULL`,
    [id],
  );
  return rows[0] === undefined ? null : activeSessionOf(rows[0]);
}

function activeSessionOf(row: Record<string, unknown>): ActiveSession {
  return {
    id: String(row.id),
    userId: String(row.user_id),
    csrfToken: String(row.csrf_token),
    createdAtMs: msOf(row.created_at),
    lastSeenAtMs: msOf(row.last_seen_at),
    expiresAtMs: msOf(row.expires_at),
    secondFactorAtMs: msOrNull(row.second_factor_at),
  };
}

/** Records activity on a session (callers throttle it). */
export async function touchSession(context: IdentityContext, id: string, nowMs: number): Promise<void> {
  await context.database.query('UPDATE sessions SET last_seen_at = $2 WHERE id = $1 AND revoked_at IS NULL', [
    id,
    isoOf(nowMs),
  ]);
}

/** Ends one session; returns whether it was live. */
export async function revokeSession(
  context: IdentityContext,
  q: Queryable,
  id: string,
  reason: RevokeReason,
): Promise<boolean> {
  const { rows } = await q.query(
    `UPDATE sessions SET revoked_at = $2, revoked_reason = $3 WHERE id = $1 AND revoked_at IS NULL
     RETURNING id`,
    [id, isoOf(context.clock.nowMs()), reason],
  );
  return rows.length > 0;
}

/** Ends every live session of a user, except `keepId`; returns how many ended. */
export async function revokeUserSessions(
  context: IdentityContext,
  q: Queryable,
  userId: string,
  reason: RevokeReason,
  keepId?: string,
): Promise<number> {
  const { rows } = await q.query(
    `UPDATE sessions SET revoked_at = $2, revoked_reason = $3
     WHERE user_id = $1 AND revoked_at IS NULL AND ($4::text IS NULL OR id <> $4) RETURNING id`,
    [userId, isoOf(context.clock.nowMs()), reason, keepId ?? null],
  );
  return rows.length;
}

/**
 * Replaces a session by a new one (new id, token and CSRF token; same user and absolute end), for
 * privilege changes: a token captured before the change is worthless after it.
 */
export async function rotateSession(
  context: IdentityContext,
  q: Queryable,
  sessionId: string,
  request: RequestContext,
  secondFactorAtMs?: number,
): Promise<NewSession | null> {
  const current = await findSessionById(q, sessionId);
  if (current === null) return null;
  await revokeSession(context, q, sessionId, 'rotated');
  return createSession(context, q, {
    userId: current.userId,
    request,
    secondFactorAtMs: secondFactorAtMs ?? current.secondFactorAtMs,
    expiresAtMs: current.expiresAtMs,
  });
}

/** The user's live sessions, newest activity first (expired ones are filtered by time). */
export async function listSessions(context: IdentityContext, userId: string): Promise<SessionView[]> {
  const now = context.clock.nowMs();
  const { rows } = await context.database.query(
    `SELECT id, created_at, last_seen_at, expires_at, ip, user_agent, device_label, second_factor_at
     FROM sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND last_seen_at > $3
     ORDER BY last_seen_at DESC, created_at DESC`,
    [userId, isoOf(now), isoOf(now - context.config.sessionIdleMs)],
  );
  return rows.map((row) => ({
    id: String(row.id),
    createdAt: isoOf(msOf(row.created_at)),
    lastSeenAt: isoOf(msOf(row.last_seen_at)),
    expiresAt: isoOf(msOf(row.expires_at)),
    ip: row.ip === null ? null : String(row.ip),
    userAgent: row.user_agent === null ? null : String(row.user_agent),
    deviceLabel: row.device_label === null ? null : String(row.device_label),
    secondFactorAt: row.second_factor_at === null ? null : isoOf(msOf(row.second_factor_at)),
  }));
}
