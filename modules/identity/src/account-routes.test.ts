// Proves the account routes over real HTTP: changing the password and the email needs the current
// password (and a code with 2FA), rotates the session and tells the owner; an email change completes
// from the new mailbox only and never reveals a taken address; the anti-phishing code shows in every
// mail; users list and end their own sessions and cannot see or end anyone else's.
import { bothModes } from '@tradeloom/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from './session-cookie.js';
import { type IdentityHarness, startIdentityHarness } from './test-harness.js';
import { createSignedInUser } from './testing.js';

const password = 'correct horse battery staple';

describe.each(bothModes)('account routes on %s', (mode) => {
  let h: IdentityHarness;
  beforeAll(async () => {
    h = await startIdentityHarness(mode);
  });
  afterAll(() => h.stop());

  it('changes the password only with the current one; rotates this session, ends the others', async () => {
    const user = await createSignedInUser(h.api, h.identity, { password });
    const elsewhere = h.browser();
    await elsewhere.json('POST', '/api/v1/auth/login', { email: user.email, password });
    const wrong = await user.browser.json('POST', '/api/v1/account/password', {
      currentPassword: 'this is not it at all',
      newPassword: 'my next long passphrase',
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body).toMatchObject({ code: 'IDENTITY_REAUTHENTICATION_REQUIRED' });
    const weak = await user.browser.json('POST', '/api/v1/account/password', {
      currentPassword: password,
      newPassword: 'qwertyuiop123',
    });
    expect(weak.body).toMatchObject({ code: 'IDENTITY_WEAK_PASSWORD' });
    const before = user.browser.cookies.get(SESSION_COOKIE);
    const changed = await user.browser.json<{ csrfToken: string; endedSessions: number }>(
      'POST',
      '/api/v1/account/password',
      { currentPassword: password, newPassword: 'my next long passphrase' },
    );
    expect(changed.status).toBe(200);
    expect(changed.body.endedSessions).toBe(1);
    expect(changed.body.csrfToken).not.toBe(user.csrfToken);
    expect(user.browser.cookies.get(SESSION_COOKIE)).not.toBe(before);
    expect((await user.browser.json('GET', '/api/v1/auth/session')).status).toBe(200);
    expect((await elsewhere.json('GET', '/api/v1/auth/session')).status).toBe(401);
    const stale = h.browser();
    stale.cookies.set(SESSION_COOKIE, before ?? '');
    expect((await stale.json('GET', '/api/v1/auth/session')).status).toBe(401);
    expect(await h.identity.withdrawalsLockedUntil(user.userId)).toBe(h.clock.nowMs() + 24 * 3_600_000);
    await h.mailTo(user.email, 'Your password was changed');
  });

  it('asks for a second factor code with 2FA on', async () => {
    const user = await createSignedInUser(h.api, h.identity, { password, totp: true, clock: h.clock });
    const noCode = await user.browser.json('POST', '/api/v1/account/password', {
      currentPassword: password,
      newPassword: 'my next long passphrase',
    });
    expect(noCode.body).toMatchObject({ code: 'IDENTITY_SECOND_FACTOR_REQUIRED' });
    const ok = await user.browser.json('POST', '/api/v1/account/password', {
      currentPassword: password,
      newPassword: 'my next long passphrase',
      code: await user.totp?.device.nextCode(),
      endOtherSessions: false,
    });
    expect(ok.status).toBe(200);
  });

  it('changes the email through the new mailbox, tells the old one, hides taken addresses', async () => {
    const user = await createSignedInUser(h.api, h.identity, { password, email: 'old@example.com' });
    await h.identity.createUser({ email: 'occupied@example.com', password });
    const taken = await user.browser.json('POST', '/api/v1/account/email', {
      currentPassword: password,
      newEmail: 'occupied@example.com',
    });
    const free = await user.browser.json('POST', '/api/v1/account/email', {
      currentPassword: password,
      newEmail: 'New@Example.com',
    });
    expect(taken.status).toBe(202);
    expect(taken.body).toEqual(free.body);
    expect(await h.mailsTo('occupied@example.com')).toEqual([]);
    const confirmMail = await h.mailTo('new@example.com', 'Confirm your new email');
    const token = h.tokenIn(confirmMail, '/confirm-email-change');
    expect((await h.identity.getUser(user.userId))?.email).toBe('old@example.com');
    const confirmed = await h.browser().json('POST', '/api/v1/auth/email-change/confirm', { token });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ user: { email: 'new@example.com', emailVerified: true } });
    const notice = await h.mailTo('old@example.com', 'Your email address was changed');
    expect(notice.text).toContain('new@example.com');
    expect(
      (await h.browser().json('POST', '/api/v1/auth/email-change/confirm', { token })).body,
    ).toMatchObject({
      code: 'IDENTITY_TOKEN_INVALID',
    });
    const login = await h
      .browser()
      .json('POST', '/api/v1/auth/login', { email: 'new@example.com', password });
    expect(login.status).toBe(200);
    const entry = (await h.access.listAudit({ action: 'identity.email.change', target: user.userId }))
      .entries[0];
    expect(entry).toMatchObject({
      before: { email: 'old@example.com' },
      after: { email: 'new@example.com' },
    });
  });

  it('sets the anti-phishing code with the password, and every mail shows it', async () => {
    const user = await createSignedInUser(h.api, h.identity, { password });
    const noPassword = await user.browser.json('PUT', '/api/v1/account/anti-phishing-code', {
      currentPassword: 'wrong wrong wrong',
      antiPhishingCode: 'Blue-Heron_7',
    });
    expect(noPassword.status).toBe(403);
    const bad = await user.browser.json('PUT', '/api/v1/account/anti-phishing-code', {
      currentPassword: password,
      antiPhishingCode: '<b>',
    });
    expect(bad.status).toBe(400);
    const set = await user.browser.json('PUT', '/api/v1/account/anti-phishing-code', {
      currentPassword: password,
      antiPhishingCode: 'Blue-Heron_7',
    });
    expect(set.body).toEqual({ antiPhishingCodeSet: true });
    expect((await user.browser.json('GET', '/api/v1/account')).body).toMatchObject({
      user: { antiPhishingCodeSet: true },
    });
    await h.browser().json('POST', '/api/v1/auth/password-reset/request', { email: user.email });
    const mail = await h.mailTo(user.email, 'Reset your password');
    expect(mail.text).toContain('Your anti-phishing code: Blue-Heron_7');
    const audit = await h.access.listAudit({
      action: 'identity.anti-phishing-code.set',
      target: user.userId,
    });
    expect(JSON.stringify(audit.entries)).not.toContain('Blue-Heron_7');
  });

  it('lists own sessions with device and IP, ends one or all others', async () => {
    const user = await createSignedInUser(h.api, h.identity, { password });
    const phone = h.browser(
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120.0.0.0 Mobile Safari/537.36',
    );
    await phone.json('POST', '/api/v1/auth/login', { email: user.email, password });
    const tablet = h.browser();
    await tablet.json('POST', '/api/v1/auth/login', { email: user.email, password });
    const list = await user.browser.json<{
      sessions: { id: string; current: boolean; deviceLabel: string; ip: string }[];
    }>('GET', '/api/v1/account/sessions');
    expect(list.body.sessions).toHaveLength(3);
    expect(list.body.sessions.filter((session) => session.current)).toHaveLength(1);
    expect(list.body.sessions.map((session) => session.deviceLabel)).toContain('Chrome on Android');
    expect(list.body.sessions.every((session) => session.ip === '127.0.0.1')).toBe(true);
    const phoneSession = (await phone.json<{ session: { id: string } }>('GET', '/api/v1/auth/session')).body
      .session.id;
    const revoked = await user.browser.json('DELETE', `/api/v1/account/sessions/${phoneSession}`);
    expect(revoked.status).toBe(200);
    expect((await phone.json('GET', '/api/v1/auth/session')).status).toBe(401);
    const others = await user.browser.json('POST', '/api/v1/account/sessions/revoke-others');
    expect(others.body).toEqual({ endedSessions: 1 });
    expect((await tablet.json('GET', '/api/v1/auth/session')).status).toBe(401);
    const own = await user.browser.json<{ session: { id: string } }>('GET', '/api/v1/auth/session');
    expect(own.status).toBe(200);
    const self = await user.browser.json('DELETE', `/api/v1/account/sessions/${own.body.session.id}`);
    expect(self.status).toBe(200);
    expect(user.browser.cookies.has(SESSION_COOKIE)).toBe(false);
  });

  it("cannot see or end another user's sessions", async () => {
    const alice = await createSignedInUser(h.api, h.identity, { password });
    const mallory = await createSignedInUser(h.api, h.identity, { password });
    const aliceSession = (
      await alice.browser.json<{ session: { id: string } }>('GET', '/api/v1/auth/session')
    ).body.session.id;
    const list = await mallory.browser.json<{ sessions: { id: string }[] }>(
      'GET',
      '/api/v1/account/sessions',
    );
    expect(list.body.sessions.map((session) => session.id)).not.toContain(aliceSession);
    for (const id of [aliceSession, 'ses_doesnotexist', aliceSession.toUpperCase()]) {
      const attempt = await mallory.browser.json('DELETE', `/api/v1/account/sessions/${id}`);
      expect(attempt.status).toBe(404);
      expect(attempt.body).toMatchObject({ code: 'IDENTITY_SESSION_NOT_FOUND' });
    }
    expect((await alice.browser.json('GET', '/api/v1/auth/session')).status).toBe(200);
    const history = await mallory.browser.json<{ events: unknown[] }>('GET', '/api/v1/account/login-history');
    expect(history.body.events).toHaveLength(1);
  });

  it('documents every identity route in the OpenAPI document, each with its permission', async () => {
    const document = (await (await fetch(`${h.api.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { summary?: string }>>;
    };
    const identityPaths = Object.keys(document.paths).filter(
      (path) => path.startsWith('/api/v1/auth') || path.startsWith('/api/v1/account'),
    );
    expect(identityPaths.length).toBeGreaterThanOrEqual(20);
    for (const path of identityPaths) {
      for (const operation of Object.values(document.paths[path] ?? {})) {
        expect(operation.summary, path).toBeTruthy();
      }
    }
    expect(document.paths['/api/v1/auth/login']?.post).toBeDefined();
    expect(document.paths['/api/v1/account/sessions/{sessionId}']?.delete).toBeDefined();
  });

  it('refuses account routes without a session', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/account'],
      ['GET', '/api/v1/account/sessions'],
      ['POST', '/api/v1/account/password'],
      ['GET', '/api/v1/account/two-factor'],
    ] as const) {
      const answer = await h.browser().json(method, path, method === 'POST' ? {} : undefined);
      expect(answer.status).toBe(401);
    }
  });
});
