import type { IdentityContext } from './identity-context.js';
import { isoOf } from './timestamps.js';

/** How long spent rows are kept after they stop mattering (support looks at recent history). */
export interface PurgePolicy {
  /** Used or expired one-time tokens (links, pending logins). */
  tokensKeepMs: number;
  /** Revoked or expired sessions (the session list only shows live ones). */
  sessionsKeepMs: number;
  /** Login history shown to users. */
  loginEventsKeepMs: number;
}

/** A week of spent tokens, 30 days of ended sessions, a year of login history. */
export const defaultPurgePolicy: PurgePolicy = {
  tokensKeepMs: 7 * 24 * 3_600_000,
  sessionsKeepMs: 30 * 24 * 3_600_000,
  loginEventsKeepMs: 365 * 24 * 3_600_000,
};

/** What one purge removed. */
export interface PurgeCounts {
  tokens: number;
  sessions: number;
  loginEvents: number;
}

/**
 * Deletes spent rows past their keep time, so the token, session and history tables do not grow
 * without bound; a worker job runs it (e.g. hourly). Idempotent and safe beside live traffic.
 */
export async function purgeExpired(
  context: IdentityContext,
  policy: PurgePolicy = defaultPurgePolicy,
): Promise<PurgeCounts> {
  const now = context.clock.nowMs();
  const tokenCutoff = isoOf(now - policy.tokensKeepMs);
  const sessionCutoff = isoOf(now - policy.sessionsKeepMs);
  const tokens = await context.database.query(
    `DELETE FROM auth_tokens WHERE expires_at < $1 OR used_at < $1 RETURNING token_hash`,
    [tokenCutoff],
  );
  const sessions = await context.database.query(
    `DELETE FROM sessions WHERE expires_at < $1 OR revoked_at < $1 OR last_seen_at < $1 RETURNING id`,
    [sessionCutoff],
  );
  const events = await context.database.query('DELETE FROM login_events WHERE created_at < $1 RETURNING id', [
    isoOf(now - policy.loginEventsKeepMs),
  ]);
  return { tokens: tokens.rows.length, sessions: sessions.rows.length, loginEvents: events.rows.length };
}
