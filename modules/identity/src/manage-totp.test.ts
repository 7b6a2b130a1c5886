// Proves TOTP over real HTTP: enrolment (QR, seed sealed at rest) needs a verified email and the
// password; confirmation turns 2FA on, rotates the session and returns recovery codes; login then
// takes two steps; a TOTP code is accepted once only (replay refused), a recovery code once only;
// wrong codes run out the pending login; disabling needs a code; other modules' verifySecondFactor;
// the operator reset; withdrawals lock after each change.
import { bothModes } from '@tradeloom/db/testing';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from './session-cookie.js';
import { type IdentityHarness, startIdentityHarness } from './test-harness.js';
import { createSignedInUser, type TestBrowser, TotpDevice } from './testing.js';
import { totpStepAt } from './totp.js';

const password = 'correct horse battery staple';

async function login(browser: TestBrowser, email: string) {
  return browser.json<{ status: string; pendingToken: string }>('POST', '/api/v1/auth/login', {
    email,
    password,
  });
}

describe.each(bothModes)('TOTP on %s', (mode) => {
  let h: IdentityHarness;
  beforeAll(async () => {
    h = await startIdentityHarness(mode);
  });
  afterAll(() => h.stop());

  it('needs a verified email and the password to start, and seals the seed at rest', async () => {
    await h.identity.createUser({ email: 'unverified@example.com', password });
    const browser = h.browser();
    await login(browser, 'unverified@example.com');
    const refused = await browser.json('POST', '/api/v1/account/two-factor/totp/enrol', {
      currentPassword: password,
    });
    expect(refused.body).toMatchObject({ code: 'IDENTITY_EMAIL_NOT_VERIFIED' });

    const user = await h.identity.createUser({ email: 'seal@example.com', password, emailVerified: true });
    const owner = h.browser();
    await login(owner, 'seal@example.com');
    const wrong = await owner.json('POST', '/api/v1/account/two-factor/totp/enrol', {
      currentPassword: 'not my password at all',
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body).toMatchObject({ code: 'IDENTITY_REAUTHENTICATION_REQUIRED' });
    const enrol = await owner.json<{ secret: string; otpauthUri: string; qrCodeDataUrl: string }>(
      'POST',
      '/api/v1/account/two-factor/totp/enrol',
      { currentPassword: password },
    );
    expect(enrol.status).toBe(200);
    expect(enrol.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrol.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/Tradeloom:seal%40example\.com\?/);
    expect(enrol.body.otpauthUri).toContain(`secret=${enrol.body.secret}`);
    expect(enrol.body.qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
    const { rows } = await h.api.test.database.query(
      'SELECT secret_sealed FROM user_factors WHERE user_id = $1',
      [user.id],
    );
    expect(String(rows[0]?.secret_sealed)).toMatch(/^v1\./);
    expect(String(rows[0]?.secret_sealed)).not.toContain(enrol.body.secret);
    expect(await h.identity.hasSecondFactor(user.id)).toBe(false);
  });

  it('confirms: 2FA on, recovery codes, session rotated, withdrawals locked, mail sent', async () => {
    const user = await h.identity.createUser({ email: 'confirm@example.com', password, emailVerified: true });
    const browser = h.browser();
    await login(browser, 'confirm@example.com');
    const other = h.browser();
    await login(other, 'confirm@example.com');
    const before = browser.cookies.get(SESSION_COOKIE);
    const enrol = await browser.json<{ secret: string }>('POST', '/api/v1/account/two-factor/totp/enrol', {
      currentPassword: password,
    });
    const badCode = await browser.json('POST', '/api/v1/account/two-factor/totp/confirm', { code: '000000' });
    expect(badCode.body).toMatchObject({ code: 'IDENTITY_SECOND_FACTOR_INVALID' });
    const device = new TotpDevice(enrol.body.secret, h.clock);
    const confirm = await browser.json<{ recoveryCodes: string[]; csrfToken: string; endedSessions: number }>(
      'POST',
      '/api/v1/account/two-factor/totp/confirm',
      { code: await device.nextCode(), endOtherSessions: true },
    );
    expect(confirm.status).toBe(200);
    expect(confirm.body.recoveryCodes).toHaveLength(10);
    expect(new Set(confirm.body.recoveryCodes).size).toBe(10);
    expect(confirm.body.recoveryCodes[0]).toMatch(/^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/);
    expect(confirm.body.endedSessions).toBe(1);
    expect(browser.cookies.get(SESSION_COOKIE)).not.toBe(before);
    const stale = h.browser();
    stale.cookies.set(SESSION_COOKIE, before ?? '');
    expect((await stale.json('GET', '/api/v1/auth/session')).status).toBe(401);
    expect((await other.json('GET', '/api/v1/auth/session')).status).toBe(401);
    expect((await browser.json('GET', '/api/v1/auth/session')).status).toBe(200);
    expect(await h.identity.hasSecondFactor(user.id)).toBe(true);
    expect(await h.identity.withdrawalsLockedUntil(user.id)).toBe(h.clock.nowMs() + 24 * 3_600_000);
    const status = await browser.json('GET', '/api/v1/account/two-factor');
    expect(status.body).toMatchObject({ totpEnabled: true, recoveryCodesLeft: 10 });
    const mail = await h.mailTo('confirm@example.com', 'two-factor authentication changed');
    expect(mail.text).toContain('turned on');
    const { rows } = await h.api.test.database.query(
      'SELECT code_hash FROM recovery_codes WHERE user_id = $1',
      [user.id],
    );
    const stored = rows.map((row) => String(row.code_hash)).join(' ');
    for (const code of confirm.body.recoveryCodes) {
      expect(stored).not.toContain(code.replaceAll('-', ''));
    }
    const again = await browser.json('POST', '/api/v1/account/two-factor/totp/enrol', {
      currentPassword: password,
    });
    expect(again.body).toMatchObject({ code: 'IDENTITY_SECOND_FACTOR_ALREADY_ENABLED' });
  });

  it('logs in in two steps; a TOTP code works once only', async () => {
    const user = await createSignedInUser(h.api, h.identity, {
      totp: true,
      clock: h.clock,
      password,
      email: 'two@example.com',
    });
    const device = user.totp?.device;
    if (device === undefined) throw new Error('no TOTP');
    h.clock.advance(30_000);
    const first = await login(h.browser(), 'two@example.com');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      status: 'second_factor_required',
      methods: ['totp', 'recovery_code'],
    });
    expect(first.headers.getSetCookie().some((line) => line.startsWith(`${SESSION_COOKIE}=`))).toBe(false);
    const code = await device.nextCode();
    const browser = h.browser();
    const second = await browser.json('POST', '/api/v1/auth/login/second-factor', {
      pendingToken: first.body.pendingToken,
      code,
    });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({
      status: 'signed_in',
      user: { id: user.userId, twoFactorEnabled: true },
    });
    const reused = await browser.json('POST', '/api/v1/auth/login/second-factor', {
      pendingToken: first.body.pendingToken,
      code,
    });
    expect(reused.body).toMatchObject({ code: 'IDENTITY_TOKEN_INVALID' });

    // The same code with a fresh pending login: refused, it was used (replay).
    const replayLogin = await login(h.browser(), 'two@example.com');
    const replay = await h.browser().json('POST', '/api/v1/auth/login/second-factor', {
      pendingToken: replayLogin.body.pendingToken,
      code,
    });
    expect(replay.status).toBe(403);
    expect(replay.body).toMatchObject({ code: 'IDENTITY_SECOND_FACTOR_INVALID' });
    // So is the code of an earlier time step, although it is still inside the drift window.
    const earlier = await generate({ secret: device.secret, epoch: (totpStepAt(h.clock.nowMs()) - 1) * 30 });
    const earlierAnswer = await h.browser().json('POST', '/api/v1/auth/login/second-factor', {
      pendingToken: replayLogin.body.pendingToken,
      code: earlier,
    });
    expect(earlierAnswer.body).toMatchObject({ code: 'IDENTITY_SECOND_FACTOR_INVALID' });
    h.clock.advance(30_000);
    const next = await h.browser().json('POST', '/api/v1/auth/login/second-factor', {
      pendingToken: replayLogin.body.pendingToken,
      code: await device.nextCode(),
    });
    expect(next.status).toBe(200);
  });

  it('accepts each recovery code once, and kills a pending login after 5 wrong codes', async () => {
    const user = await createSignedInUser(h.api, h.identity, { totp: true, clock: h.clock, password });
    const [code] = user.totp?.recoveryCodes ?? [];
    const pending = await login(h.browser(), user.email);
    const withRecovery = await h.browser().json('POST', '/api/v1/auth/login/second-factor', {
      pendingToken: pending.body.pendingToken,
      code: code?.toUpperCase(),
    });
    expect(withRecovery.status).toBe(200);
    const pendingAgain = await login(h.browser(), user.email);
    const reused = await h.browser().json('POST', '/api/v1/auth/login/second-factor', {
      pendingToken: pendingAgain.body.pendingToken,
      code,
    });
    expect(reused.body).toMatchObject({ code: 'IDENTITY_SECOND_FACTOR_INVALID' });
    expect((await h.identity.twoFactorStatus(user.userId)).recoveryCodesLeft).toBe(9);
    const audit = await h.access.listAudit({ action: 'identity.recovery-code.use', target: user.userId });
    expect(audit.entries).toHaveLength(1);

    const doomed = await login(h.browser(), user.email);
    // 4 more wrong codes: 5 with the reused recovery code above would lock the account, so reset.
    await h.api.test.database.query('UPDATE users SET failed_auth_count = 0 WHERE id = $1', [user.userId]);
    const codes: string[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const answer = await h.browser().json<{ code: string }>('POST', '/api/v1/auth/login/second-factor', {
        pendingToken: doomed.body.pendingToken,
        code: `12345${attempt}`,
      });
      codes.push(answer.body.code);
    }
    expect(codes.slice(0, 4)).toEqual(Array(4).fill('IDENTITY_SECOND_FACTOR_INVALID'));
    expect(codes[4]).toBe('IDENTITY_ACCOUNT_LOCKED');
    // The pending login is dead now, even for the right code.
    const dead = await h.browser().json('POST', '/api/v1/auth/login/second-factor', {
      pendingToken: doomed.body.pendingToken,
      code: await user.totp?.device.nextCode(),
    });
    expect(dead.body).toMatchObject({ code: 'IDENTITY_TOKEN_INVALID' });
    h.clock.advance(15 * 60_000);
  });

  it('verifySecondFactor for other modules: once per code, errors by cause', async () => {
    const plain = await createSignedInUser(h.api, h.identity);
    await expect(h.identity.verifySecondFactor(plain.userId, '123456')).rejects.toMatchObject({
      code: 'IDENTITY_SECOND_FACTOR_NOT_ENABLED',
    });
    const user = await createSignedInUser(h.api, h.identity, { totp: true, clock: h.clock, password });
    const device = user.totp?.device;
    if (device === undefined) throw new Error('no TOTP');
    const code = await device.nextCode();
    await expect(h.identity.verifySecondFactor(user.userId, code)).resolves.toBeUndefined();
    await expect(h.identity.verifySecondFactor(user.userId, code)).rejects.toMatchObject({
      code: 'IDENTITY_SECOND_FACTOR_INVALID',
    });
    await expect(h.identity.verifySecondFactor(user.userId, '')).rejects.toMatchObject({
      code: 'IDENTITY_SECOND_FACTOR_REQUIRED',
    });
    const recovery = user.totp?.recoveryCodes[3] ?? '';
    await expect(h.identity.verifySecondFactor(user.userId, recovery)).resolves.toBeUndefined();
    await expect(h.identity.verifySecondFactor(user.userId, recovery)).rejects.toMatchObject({
      code: 'IDENTITY_SECOND_FACTOR_INVALID',
    });
  });

  it('disables with a code only, regenerates recovery codes, and the operator can reset', async () => {
    const user = await createSignedInUser(h.api, h.identity, { totp: true, clock: h.clock, password });
    const device = user.totp?.device;
    if (device === undefined) throw new Error('no TOTP');
    const browser = user.browser;
    const noCode = await browser.json('POST', '/api/v1/account/two-factor/totp/disable', {
      currentPassword: user.password,
    });
    expect(noCode.body).toMatchObject({ code: 'IDENTITY_SECOND_FACTOR_REQUIRED' });
    const regenerated = await browser.json<{ recoveryCodes: string[] }>(
      'POST',
      '/api/v1/account/two-factor/recovery-codes',
      { currentPassword: user.password, code: await device.nextCode() },
    );
    expect(regenerated.status).toBe(200);
    const oldCode = user.totp?.recoveryCodes[0] ?? '';
    await expect(h.identity.verifySecondFactor(user.userId, oldCode)).rejects.toMatchObject({
      code: 'IDENTITY_SECOND_FACTOR_INVALID',
    });
    const disabled = await browser.json('POST', '/api/v1/account/two-factor/totp/disable', {
      currentPassword: user.password,
      code: regenerated.body.recoveryCodes[0],
    });
    expect(disabled.status).toBe(200);
    expect(await h.identity.hasSecondFactor(user.userId)).toBe(false);
    expect((await login(h.browser(), user.email)).body).toMatchObject({ status: 'signed_in' });

    const reset = await createSignedInUser(h.api, h.identity, { totp: true, clock: h.clock, password });
    await h.identity.resetTwoFactor(
      reset.userId,
      'lost phone; identity checked on a video call',
      'usr_support',
    );
    expect(await h.identity.hasSecondFactor(reset.userId)).toBe(false);
    expect((await reset.browser.json('GET', '/api/v1/auth/session')).status).toBe(401);
    const entry = (await h.access.listAudit({ action: 'identity.two-factor.reset', target: reset.userId }))
      .entries[0];
    expect(entry).toMatchObject({
      actor: 'usr_support',
      after: { reason: 'lost phone; identity checked on a video call', endedSessions: 1 },
    });
    const mails = await h.mailsTo(reset.email);
    const changes = mails.map((mail) => mail.text?.match(/authentication of your account: ([a-z ]+)/)?.[1]);
    expect(changes.sort()).toEqual(['removed by support at your request', 'turned on']);
  });
});
