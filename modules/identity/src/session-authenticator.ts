import { type Authenticator, DomainError } from '@tradeloom/kernel';
import './errors.js';
import type { IdentityContext } from './identity-context.js';
import { clearedSessionCookieHeader, SESSION_COOKIE } from './session-cookie.js';
import { findSessionByToken, touchSession } from './session-store.js';

// Tokens are 43 characters; anything far longer is not ours and is not worth hashing.
const TOKEN_LENGTH_MAX = 128;

/**
 * Recognises a request by its `tl_session` cookie: null without one; 401 IDENTITY_SESSION_EXPIRED
 * (clearing the cookie) when it is unknown, revoked, idle too long, past its absolute end, or its
 * user is blocked. Activity is written at most once per `lastSeenThrottleMs`.
 */
export function createSessionAuthenticator(context: IdentityContext): Authenticator {
  return async (request) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token === undefined || token === '') return null;
    const expired = () =>
      new DomainError('IDENTITY_SESSION_EXPIRED', 'Your session has ended; sign in again', undefined, {
        'set-cookie': clearedSessionCookieHeader(context.config),
      });
    if (token.length > TOKEN_LENGTH_MAX) throw expired();
    const session = await findSessionByToken(context, token);
    const now = context.clock.nowMs();
    if (
      session === null ||
      session.userStatus !== 'active' ||
      now >= session.expiresAtMs ||
      now - session.lastSeenAtMs >= context.config.sessionIdleMs
    ) {
      throw expired();
    }
    if (now - session.lastSeenAtMs >= context.tuning.lastSeenThrottleMs) {
      await touchSession(context, session.id, now);
    }
    return { userId: session.userId, method: 'session', sessionId: session.id, csrfToken: session.csrfToken };
  };
}
