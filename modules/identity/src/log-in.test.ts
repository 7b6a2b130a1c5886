// Proves login and sessions over real HTTP: the cookie's attributes, a fresh session id on login
// (a planted cookie is never adopted), CSRF refusal without the header, idle and absolute timeouts on
// a moved clock, logout, lockout after repeated failures with Retry-After and a mail, the same
// answers for unknown emails, per-IP throttling, new-device mails and the login history.
import { bothModes } from '@tradeloom/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from './session-cookie.js';
import { type IdentityHarness, startIdentityHarness } from './test-harness.js';
import type { TestBrowser } from './testing.js';

const password = 'correct horse battery staple';

async function signIn(browser: TestBrowser, email: string, secret = password) {
  return browser.json<Record<string, unknown>>('POST', '/api/v1/auth/login', { email, password: secret });
}

describe.each(bothModes)('login and sessions on %s', (mode) => {
  let h: IdentityHarness;
  beforeAll(async () => {
    h = await startIdentityHarness(mode, { sessionIdleMs: 30 * 60_000, sessionAbsoluteMs: 12 * 3_600_000 });
  });
  afterAll(() => h.stop());

  it('signs in with an httpOnly, Secure, SameSite=Lax cookie and answers the session', async () => {
    const user = await h.identity.createUser({ email: 'cookie@example.com', password, emailVerified: true });
    const browser = h.browser();
    const login = await signIn(browser, 'Cookie@Example.com');
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({
      status: 'signed_in',
      user: { id: user.id, email: 'cookie@example.com' },
    });
    const setCookie =
      login.headers.getSetCookie().find((line) => line.startsWith(`${SESSION_COOKIE}=`)) ?? '';
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; Secure/);
    expect(setCookie).toMatch(/; SameSite=Lax/);
    expect(setCookie).toMatch(/; Path=\//);
    const session = await browser.json('GET', '/api/v1/auth/session');
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({
      user: { id: user.id },
      csrfToken: login.body.csrfToken,
      expiresAt: login.body.expiresAt,
    });
    expect(Date.parse(String(login.body.expiresAt)) - h.clock.nowMs()).toBe(12 * 3_600_000);
  });

  it('wrong password and unknown email answer the same', async () => {
    await h.identity.createUser({ email: 'same@example.com', password });
    const wrong = await signIn(h.browser(), 'same@example.com', 'not the password at all');
    const unknown = await signIn(h.browser(), 'nobody-here@example.com', 'not the password at all');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body).toEqual({ code: 'IDENTITY_INVALID_CREDENTIALS', message: 'Wrong email or password' });
  });

  it('never adopts a cookie from before login (no session fixation)', async () => {
    await h.identity.createUser({ email: 'fixation@example.com', password });
    const browser = h.browser();
    browser.cookies.set(SESSION_COOKIE, 'planted-by-an-attacker-0123456789abcdefghij');
    const planted = browser.cookieHeader();
    // A public route still answers with a stale cookie, and the login replaces it.
    const login = await signIn(browser, 'fixation@example.com');
    expect(login.status).toBe(200);
    const after = browser.cookies.get(SESSION_COOKIE);
    expect(after).toBeDefined();
    expect(`${SESSION_COOKIE}=${after}`).not.toBe(planted);
    const attacker = h.browser();
    attacker.cookies.set(SESSION_COOKIE, 'planted-by-an-attacker-0123456789abcdefghij');
    expect((await attacker.json('GET', '/api/v1/auth/session')).body).toMatchObject({
      code: 'IDENTITY_SESSION_EXPIRED',
    });

    // A valid session of someone else is ended, not reused, when this browser signs in again.
    const first = browser.cookies.get(SESSION_COOKIE);
    await h.identity.createUser({ email: 'fixation2@example.com', password });
    const second = await signIn(browser, 'fixation2@example.com');
    expect(second.status).toBe(200);
    expect(browser.cookies.get(SESSION_COOKIE)).not.toBe(first);
    const old = h.browser();
    old.cookies.set(SESSION_COOKIE, first ?? '');
    expect((await old.json('GET', '/api/v1/auth/session')).status).toBe(401);
  });

  it('refuses a cross-site form post to login (no login CSRF through form bodies)', async () => {
    await h.identity.createUser({ email: 'form@example.com', password });
    const response = await fetch(`${h.api.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: new URLSearchParams({ email: 'form@example.com', password }).toString(),
    });
    expect(response.status).toBe(415);
    expect(response.headers.getSetCookie()).toEqual([]);
    const text = await fetch(`${h.api.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ email: 'form@example.com', password }),
    });
    expect(text.status).toBe(415);
  });

  it('refuses unsafe requests of a cookie session without the CSRF header', async () => {
    await h.identity.createUser({ email: 'csrf@example.com', password });
    const browser = h.browser();
    await signIn(browser, 'csrf@example.com');
    const token = browser.csrfToken;
    browser.csrfToken = null;
    const missing = await browser.json('POST', '/api/v1/account/sessions/revoke-others');
    expect(missing.status).toBe(403);
    expect(missing.body).toMatchObject({ code: 'CSRF_TOKEN_INVALID' });
    browser.csrfToken = 'x'.repeat(43);
    expect((await browser.json('POST', '/api/v1/auth/logout')).status).toBe(403);
    browser.csrfToken = token;
    expect((await browser.json('POST', '/api/v1/account/sessions/revoke-others')).status).toBe(200);
  });

  it('ends a session after the idle timeout, and after the absolute timeout despite activity', async () => {
    await h.identity.createUser({ email: 'idle@example.com', password });
    const idle = h.browser();
    await signIn(idle, 'idle@example.com');
    h.clock.advance(29 * 60_000);
    expect((await idle.json('GET', '/api/v1/auth/session')).status).toBe(200);
    h.clock.advance(29 * 60_000);
    expect((await idle.json('GET', '/api/v1/auth/session')).status).toBe(200);
    h.clock.advance(30 * 60_000 + 1);
    const expired = await idle.json('GET', '/api/v1/auth/session');
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ code: 'IDENTITY_SESSION_EXPIRED' });
    expect(expired.headers.getSetCookie().join()).toMatch(new RegExp(`${SESSION_COOKIE}=;`));

    const busy = h.browser();
    await signIn(busy, 'idle@example.com');
    for (let hour = 0; hour < 12 * 4 - 1; hour++) {
      h.clock.advance(15 * 60_000);
      expect((await busy.json('GET', '/api/v1/auth/session')).status).toBe(200);
    }
    h.clock.advance(15 * 60_000);
    expect((await busy.json('GET', '/api/v1/auth/session')).body).toMatchObject({
      code: 'IDENTITY_SESSION_EXPIRED',
    });
  });

  it('logs out: the cookie is dropped and the session is dead server-side', async () => {
    await h.identity.createUser({ email: 'bye@example.com', password });
    const browser = h.browser();
    await signIn(browser, 'bye@example.com');
    const token = browser.cookies.get(SESSION_COOKIE) ?? '';
    const logout = await browser.json('POST', '/api/v1/auth/logout');
    expect(logout.status).toBe(200);
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
    const replay = h.browser();
    replay.cookies.set(SESSION_COOKIE, token);
    expect((await replay.json('GET', '/api/v1/auth/session')).status).toBe(401);
  });

  it('locks an account after 5 failures (Retry-After, mail), even for the right password', async () => {
    const user = await h.identity.createUser({ email: 'brute@example.com', password, emailVerified: true });
    const answers: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      answers.push((await signIn(h.browser(), 'brute@example.com', `guess number ${attempt} here`)).status);
    }
    expect(answers).toEqual([401, 401, 401, 401]);
    const fifth = await signIn(h.browser(), 'brute@example.com', 'guess number 5 here');
    expect(fifth.status).toBe(429);
    expect(fifth.body).toMatchObject({ code: 'IDENTITY_ACCOUNT_LOCKED', details: { retryAfterS: 900 } });
    expect(fifth.headers.get('retry-after')).toBe('900');
    const right = await signIn(h.browser(), 'brute@example.com');
    expect(right.status).toBe(429);
    expect(right.body).toMatchObject({ code: 'IDENTITY_ACCOUNT_LOCKED' });
    const mail = await h.mailTo('brute@example.com', 'temporarily locked');
    expect(mail.text).toContain('127.0.0.1');
    h.clock.advance(10 * 60_000);
    expect(Number((await signIn(h.browser(), 'brute@example.com')).headers.get('retry-after'))).toBe(300);
    h.clock.advance(5 * 60_000);
    expect((await signIn(h.browser(), 'brute@example.com')).status).toBe(200);
    const locked = await h.access.listAudit({ action: 'identity.account.locked', target: user.id });
    expect(locked.entries).toHaveLength(1);
    const history = await h.browser().json('GET', '/api/v1/account/login-history');
    expect(history.status).toBe(401);
  });

  it('an unknown email answers like a locked account after as many failures', async () => {
    const statuses: string[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      const answer = await signIn(h.browser(), 'ghost@example.com', `guess number ${attempt} here`);
      statuses.push(String((answer.body as { code: string }).code));
    }
    expect(statuses).toEqual([
      'IDENTITY_INVALID_CREDENTIALS',
      'IDENTITY_INVALID_CREDENTIALS',
      'IDENTITY_INVALID_CREDENTIALS',
      'IDENTITY_INVALID_CREDENTIALS',
      'IDENTITY_ACCOUNT_LOCKED',
      'IDENTITY_ACCOUNT_LOCKED',
    ]);
  });

  it('mails a login from a new device, records the history, and the owner reads it', async () => {
    const user = await h.identity.createUser({ email: 'device@example.com', password, emailVerified: true });
    const laptop = h.browser();
    await signIn(laptop, 'device@example.com');
    await signIn(laptop, 'device@example.com');
    expect((await h.mailsTo('device@example.com')).length).toBe(0);
    await signIn(h.browser(), 'device@example.com', 'a wrong password here');
    const phone = h.browser(
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1',
    );
    await signIn(phone, 'device@example.com');
    const mail = await h.mailTo('device@example.com', 'New sign-in');
    expect(mail.text).toContain('Safari on iOS');
    const history = await phone.json<{ events: { outcome: string; deviceLabel: string }[] }>(
      'GET',
      '/api/v1/account/login-history',
    );
    expect(history.body.events.map((event) => event.outcome)).toEqual([
      'success',
      'wrong_password',
      'success',
      'success',
    ]);
    expect(history.body.events[0]?.deviceLabel).toBe('Safari on iOS');
    const audit = await h.access.listAudit({ action: 'identity.login', target: user.id });
    expect(audit.entries).toHaveLength(3);
  });

  it('refuses a blocked user only once the password is right, and ends their sessions', async () => {
    const user = await h.identity.createUser({ email: 'blocked@example.com', password });
    const browser = h.browser();
    await signIn(browser, 'blocked@example.com');
    await h.identity.setUserStatus(user.id, 'blocked', 'fraud review', 'usr_admin');
    expect((await browser.json('GET', '/api/v1/auth/session')).status).toBe(401);
    expect((await signIn(h.browser(), 'blocked@example.com', 'some wrong password')).body).toMatchObject({
      code: 'IDENTITY_INVALID_CREDENTIALS',
    });
    expect((await signIn(h.browser(), 'blocked@example.com')).body).toMatchObject({
      code: 'IDENTITY_ACCOUNT_BLOCKED',
    });
  });
});

describe.each(bothModes)('per-IP login throttle on %s', (mode) => {
  let h: IdentityHarness;
  beforeAll(async () => {
    h = await startIdentityHarness(mode, { tuning: { ipLoginAttemptsMax: 3, ipLoginWindowS: 60 } });
  });
  afterAll(() => h.stop());

  it('refuses the address after its attempts, whatever the account, with Retry-After', async () => {
    await h.identity.createUser({ email: 'ip@example.com', password });
    for (const email of ['a@example.com', 'b@example.com', 'ip@example.com']) {
      expect((await signIn(h.browser(), email)).status).not.toBe(429);
    }
    const refused = await signIn(h.browser(), 'ip@example.com');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'IDENTITY_LOGIN_THROTTLED' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
