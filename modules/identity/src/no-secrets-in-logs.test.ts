// Proves that no secret of a full identity run reaches the logs or the audit log: passwords, emailed
// tokens, session cookies, CSRF tokens, pending-login tokens, the TOTP seed and codes, recovery codes
// and the device cookie are collected while driving every flow over HTTP, then searched for in the
// captured log text (at debug level) and in every audit entry.
import { bothModes } from '@tradeloom/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVICE_COOKIE, SESSION_COOKIE } from './session-cookie.js';
import { type IdentityHarness, startIdentityHarness } from './test-harness.js';
import { TotpDevice } from './testing.js';

describe.each(bothModes)('secrets stay out of logs on %s', (mode) => {
  let h: IdentityHarness;
  beforeAll(async () => {
    h = await startIdentityHarness(mode, { logLevel: 'debug' });
  });
  afterAll(() => h.stop());

  it('drives every flow and finds none of its secrets in the logs or the audit log', async () => {
    const secrets = new Set<string>();
    const keep = (value: unknown): string => {
      if (typeof value !== 'string' || value.length < 6) throw new Error(`not a secret: ${String(value)}`);
      secrets.add(value);
      return value;
    };
    const email = 'secretive@example.com';
    const password = keep('first secret passphrase');
    const browser = h.browser();
    await browser.json('POST', '/api/v1/auth/register', { email, password });
    await browser.json('POST', '/api/v1/auth/register', {
      email,
      password: keep('second try of a passphrase'),
    });
    const verifyToken = keep(h.tokenIn(await h.mailTo(email, 'Confirm your email'), '/verify-email'));
    await browser.json('POST', '/api/v1/auth/verify-email', { token: verifyToken });
    await browser.json('POST', '/api/v1/auth/login', { email, password: keep('a wrong passphrase here') });
    const login = await browser.json<{ csrfToken: string }>('POST', '/api/v1/auth/login', {
      email,
      password,
    });
    keep(login.body.csrfToken);
    keep(browser.cookies.get(SESSION_COOKIE));
    keep(browser.cookies.get(DEVICE_COOKIE));

    const enrol = await browser.json<{ secret: string; otpauthUri: string }>(
      'POST',
      '/api/v1/account/two-factor/totp/enrol',
      {
        currentPassword: password,
      },
    );
    keep(enrol.body.secret);
    const device = new TotpDevice(enrol.body.secret, h.clock);
    const confirmCode = keep(await device.nextCode());
    const confirm = await browser.json<{ recoveryCodes: string[]; csrfToken: string }>(
      'POST',
      '/api/v1/account/two-factor/totp/confirm',
      { code: confirmCode },
    );
    for (const code of confirm.body.recoveryCodes) keep(code);
    keep(confirm.body.csrfToken);
    keep(browser.cookies.get(SESSION_COOKIE));

    h.clock.advance(30_000);
    const second = h.browser();
    const pending = await second.json<{ pendingToken: string }>('POST', '/api/v1/auth/login', {
      email,
      password,
    });
    keep(pending.body.pendingToken);
    await second.json('POST', '/api/v1/auth/login/second-factor', {
      pendingToken: pending.body.pendingToken,
      code: keep('999999'),
    });
    const totpCode = keep(await device.nextCode());
    await second.json('POST', '/api/v1/auth/login/second-factor', {
      pendingToken: pending.body.pendingToken,
      code: totpCode,
    });
    keep(second.cookies.get(SESSION_COOKIE));

    const newPassword = keep('second secret passphrase');
    h.clock.advance(30_000);
    await browser.json('POST', '/api/v1/account/password', {
      currentPassword: password,
      newPassword,
      code: keep(await device.nextCode()),
    });
    keep(browser.cookies.get(SESSION_COOKIE));
    await browser.json('PUT', '/api/v1/account/anti-phishing-code', {
      currentPassword: newPassword,
      code: confirm.body.recoveryCodes[0],
      antiPhishingCode: keep('Quiet-Otter-42'),
    });
    await browser.json('POST', '/api/v1/account/email', {
      currentPassword: newPassword,
      code: confirm.body.recoveryCodes[1],
      newEmail: 'secretive2@example.com',
    });
    const changeToken = keep(
      h.tokenIn(await h.mailTo('secretive2@example.com', 'Confirm your new'), '/confirm-email-change'),
    );
    await h.browser().json('POST', '/api/v1/auth/email-change/confirm', { token: changeToken });

    await h
      .browser()
      .json('POST', '/api/v1/auth/password-reset/request', { email: 'secretive2@example.com' });
    const resetToken = keep(
      h.tokenIn(await h.mailTo('secretive2@example.com', 'Reset your password'), '/reset-password'),
    );
    await h.browser().json('POST', '/api/v1/auth/password-reset/inspect', { token: resetToken });
    h.clock.advance(30_000);
    const reset = await h.browser().json('POST', '/api/v1/auth/password-reset/complete', {
      token: resetToken,
      newPassword: keep('third secret passphrase'),
      code: keep(await device.nextCode()),
    });
    expect(reset.status).toBe(200);

    const logText = h.api.logText();
    expect(logText.length).toBeGreaterThan(1000);
    expect(logText).toContain('/api/v1/auth/login');
    const audit = JSON.stringify((await h.access.listAudit({ limit: 200 })).entries);
    expect(audit).toContain('identity.password.reset');
    for (const secret of secrets) {
      // A 6-digit code may occur inside a timestamp or duration: only a whole number counts.
      const pattern = /^\d+$/.test(secret) ? new RegExp(`(?<![\\d.])${secret}(?![\\d.])`) : null;
      if (pattern === null) {
        expect(logText, 'log text').not.toContain(secret);
        expect(audit, 'audit log').not.toContain(secret);
      } else {
        expect(logText, 'log text').not.toMatch(pattern);
        expect(audit, 'audit log').not.toMatch(pattern);
      }
    }
    expect(secrets.size).toBeGreaterThan(20);
  });
});
