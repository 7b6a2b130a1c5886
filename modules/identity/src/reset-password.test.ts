// Proves the password reset over real HTTP and real mail: the request answers the same for unknown
// emails; the link works once and for 30 minutes only, and only the newest one; with TOTP on the reset
// needs a code too and the next login still asks for it (2FA is never bypassed); a reset ends every
// session, lifts a lockout and locks withdrawals for 24 h.
import { bothModes } from '@tradeloom/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IdentityHarness, startIdentityHarness } from './test-harness.js';
import { createSignedInUser } from './testing.js';

const password = 'correct horse battery staple';
const newPassword = 'a brand new passphrase';

describe.each(bothModes)('password reset on %s', (mode) => {
  let h: IdentityHarness;
  beforeAll(async () => {
    h = await startIdentityHarness(mode);
  });
  afterAll(() => h.stop());

  async function resetLink(email: string): Promise<string> {
    const request = await h.browser().json('POST', '/api/v1/auth/password-reset/request', { email });
    expect(request.status).toBe(202);
    await h.mail.deliverPending();
    const mails = (await h.mailsTo(email)).filter((mail) => mail.subject === 'Reset your password');
    const last = mails.at(-1);
    if (last === undefined) throw new Error(`no reset mail to ${email}`);
    return h.tokenIn(last, '/reset-password');
  }

  it('answers the same for an unknown email and mails nothing', async () => {
    await h.identity.createUser({ email: 'known@example.com', password });
    const known = await h
      .browser()
      .json('POST', '/api/v1/auth/password-reset/request', { email: 'known@example.com' });
    const unknown = await h
      .browser()
      .json('POST', '/api/v1/auth/password-reset/request', { email: 'who@example.com' });
    expect(unknown.status).toBe(known.status);
    expect(unknown.body).toEqual(known.body);
    expect(await h.mailsTo('who@example.com')).toEqual([]);
  });

  it('resets once, ends every session, locks withdrawals and verifies the email', async () => {
    const user = await h.identity.createUser({ email: 'reset@example.com', password });
    const a = h.browser();
    const b = h.browser();
    await a.json('POST', '/api/v1/auth/login', { email: 'reset@example.com', password });
    await b.json('POST', '/api/v1/auth/login', { email: 'reset@example.com', password });
    const token = await resetLink('reset@example.com');
    expect((await h.browser().json('POST', '/api/v1/auth/password-reset/inspect', { token })).body).toEqual({
      secondFactorRequired: false,
    });
    const weak = await h.browser().json('POST', '/api/v1/auth/password-reset/complete', {
      token,
      newPassword: 'password123456',
    });
    expect(weak.body).toMatchObject({ code: 'IDENTITY_WEAK_PASSWORD' });
    const done = await h
      .browser()
      .json('POST', '/api/v1/auth/password-reset/complete', { token, newPassword });
    expect(done.status).toBe(200);
    expect((await a.json('GET', '/api/v1/auth/session')).status).toBe(401);
    expect((await b.json('GET', '/api/v1/auth/session')).status).toBe(401);
    const again = await h
      .browser()
      .json('POST', '/api/v1/auth/password-reset/complete', { token, newPassword });
    expect(again.body).toMatchObject({ code: 'IDENTITY_TOKEN_INVALID' });
    const old = await h
      .browser()
      .json('POST', '/api/v1/auth/login', { email: 'reset@example.com', password });
    expect(old.status).toBe(401);
    const fresh = await h
      .browser()
      .json('POST', '/api/v1/auth/login', { email: 'reset@example.com', password: newPassword });
    expect(fresh.body).toMatchObject({ status: 'signed_in', user: { emailVerified: true } });
    expect(await h.identity.withdrawalsLockedUntil(user.id)).toBe(h.clock.nowMs() + 24 * 3_600_000);
    const changed = await h.mailTo('reset@example.com', 'Your password was changed');
    expect(changed.text).toContain('Withdrawals are locked for 24 hours');
    const entry = (await h.access.listAudit({ action: 'identity.password.reset', target: user.id }))
      .entries[0];
    expect(entry?.after).toEqual({ endedSessions: 2, withSecondFactor: false });
  });

  it('honours only the newest link, for 30 minutes', async () => {
    await h.identity.createUser({ email: 'expiry@example.com', password });
    const first = await resetLink('expiry@example.com');
    const second = await resetLink('expiry@example.com');
    expect(second).not.toBe(first);
    expect(
      (await h.browser().json('POST', '/api/v1/auth/password-reset/complete', { token: first, newPassword }))
        .body,
    ).toMatchObject({ code: 'IDENTITY_TOKEN_INVALID' });
    h.clock.advance(30 * 60_000 + 1);
    const late = await h
      .browser()
      .json('POST', '/api/v1/auth/password-reset/complete', { token: second, newPassword });
    expect(late.body).toMatchObject({ code: 'IDENTITY_TOKEN_EXPIRED' });
  });

  it('lifts a lockout', async () => {
    await h.identity.createUser({ email: 'locked@example.com', password });
    for (let attempt = 0; attempt < 5; attempt++) {
      await h.browser().json('POST', '/api/v1/auth/login', {
        email: 'locked@example.com',
        password: `wrong guess ${attempt}!`,
      });
    }
    const locked = await h
      .browser()
      .json('POST', '/api/v1/auth/login', { email: 'locked@example.com', password });
    expect(locked.status).toBe(429);
    const token = await resetLink('locked@example.com');
    await h.browser().json('POST', '/api/v1/auth/password-reset/complete', { token, newPassword });
    const after = await h
      .browser()
      .json('POST', '/api/v1/auth/login', { email: 'locked@example.com', password: newPassword });
    expect(after.status).toBe(200);
  });

  it('never bypasses 2FA: the reset needs a code, and the next login still asks for one', async () => {
    const user = await createSignedInUser(h.api, h.identity, { totp: true, clock: h.clock, password });
    const device = user.totp?.device;
    if (device === undefined) throw new Error('no TOTP');
    const token = await resetLink(user.email);
    expect((await h.browser().json('POST', '/api/v1/auth/password-reset/inspect', { token })).body).toEqual({
      secondFactorRequired: true,
    });
    const without = await h
      .browser()
      .json('POST', '/api/v1/auth/password-reset/complete', { token, newPassword });
    expect(without.status).toBe(403);
    expect(without.body).toMatchObject({ code: 'IDENTITY_SECOND_FACTOR_REQUIRED' });
    const wrong = await h.browser().json('POST', '/api/v1/auth/password-reset/complete', {
      token,
      newPassword,
      code: '000000',
    });
    expect(wrong.body).toMatchObject({ code: 'IDENTITY_SECOND_FACTOR_INVALID' });
    // Neither attempt changed anything: the old password still works (its login asks for the code).
    const oldLogin = await h.browser().json('POST', '/api/v1/auth/login', { email: user.email, password });
    expect(oldLogin.body).toMatchObject({ status: 'second_factor_required' });

    const done = await h.browser().json('POST', '/api/v1/auth/password-reset/complete', {
      token,
      newPassword,
      code: await device.nextCode(),
    });
    expect(done.status).toBe(200);
    expect(await h.identity.hasSecondFactor(user.userId)).toBe(true);
    const next = await h
      .browser()
      .json('POST', '/api/v1/auth/login', { email: user.email, password: newPassword });
    expect(next.body).toMatchObject({ status: 'second_factor_required' });
    expect((await user.browser.json('GET', '/api/v1/auth/session')).status).toBe(401);
  });
});
