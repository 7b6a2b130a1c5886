import type {} from '@fastify/cookie';
import type { FastifyReply } from 'fastify';
import type { IdentityConfig } from './identity-options.js';

/** The session cookie: a random token; the server keeps only its HMAC. */
export const SESSION_COOKIE = 'tl_session';
/** A random id of the browser, to tell known devices from new ones (login notifications). */
export const DEVICE_COOKIE = 'tl_device';

// Browsers cap cookie lifetimes at 400 days.
const DEVICE_COOKIE_MAX_AGE_S = 400 * 24 * 3600;

/**
 * SameSite=Lax, not Strict: a Strict cookie is not sent on the top-level navigation that follows a
 * link from an email or another site, so the portal would render signed out on arrival. Unsafe
 * requests are protected by the X-CSRF-Token check, and Lax keeps the cookie off cross-site
 * subresource and form POST requests anyway.
 */
export function setSessionCookie(
  reply: FastifyReply,
  config: IdentityConfig,
  token: string,
  expiresAtMs: number,
): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    secure: config.cookieSecure,
    sameSite: 'lax',
    expires: new Date(expiresAtMs),
  });
}

/** Tells the browser to drop the session cookie. */
export function clearSessionCookie(reply: FastifyReply, config: IdentityConfig): void {
  reply.clearCookie(SESSION_COOKIE, {
    path: '/',
    httpOnly: true,
    secure: config.cookieSecure,
    sameSite: 'lax',
  });
}

/** The header value that drops the session cookie, for error answers that carry headers. */
export function clearedSessionCookieHeader(config: IdentityConfig): string {
  const secure = config.cookieSecure ? '; Secure' : '';
  return `${SESSION_COOKIE}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax${secure}`;
}

/** Sets (or refreshes) the device cookie. */
export function setDeviceCookie(reply: FastifyReply, config: IdentityConfig, token: string): void {
  reply.setCookie(DEVICE_COOKIE, token, {
    path: '/',
    httpOnly: true,
    secure: config.cookieSecure,
    sameSite: 'lax',
    maxAge: DEVICE_COOKIE_MAX_AGE_S,
  });
}
