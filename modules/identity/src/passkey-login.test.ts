// Proves passkey sign-in over real HTTP with a software authenticator (real ES256 assertions): passwordless login with a discoverable credential (session, history, audit), the passkey as the second login step, and refusal of another origin, a replayed challenge, a counter that went backwards (audited as a cloned authenticator) and a response without user verification.
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { bothModes } from '@tradeloom/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from './session-cookie.js';
import { type IdentityHarness, PUBLIC_URL, startIdentityHarness } from './test-harness.js';
import {
  addPasskey,
  type CeremonyOverrides,
  createSignedInUser,
  SoftAuthenticator,
  type TestBrowser,
} from './testing.js';

type Body = Record<string, unknown>;

describe.each(bothModes)('passkey sign-in on %s', (mode) => {
  let h: IdentityHarness;
  beforeAll(async () => {
    h = await startIdentityHarness(mode);
  });
  afterAll(() => h.stop());

  async function userWithPasskey() {
    const user = await createSignedInUser(h.api, h.identity, { clock: h.clock });
    const authenticator = new SoftAuthenticator(PUBLIC_URL);
    const added = await addPasskey(user.browser, authenticator, { currentPassword: user.password });
    expect(added.status).toBe(200);
    return { user, authenticator, recoveryCodes: added.body.recoveryCodes ?? [] };
  }

  async function passwordless(
    browser: TestBrowser,
    authenticator: SoftAuthenticator,
    overrides?: CeremonyOverrides,
  ) {
    const options = await browser.json<PublicKeyCredentialRequestOptionsJSON>(
      'POST',
      '/api/v1/auth/passkey/options',
    );
    expect(options.status).toBe(200);
    expect(options.body).toMatchObject({ rpId: 'exchange.example.com', userVerification: 'required' });
    const response = authenticator.authenticate(options.body, overrides);
    return {
      response,
      answer: await browser.json<Body>('POST', '/api/v1/auth/passkey/verify', { response }),
    };
  }

  it('signs in without a password with a discoverable passkey', async () => {
    const { user, authenticator } = await userWithPasskey();
    const browser = h.browser();
    const { answer } = await passwordless(browser, authenticator);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      status: 'signed_in',
      user: { id: user.userId, twoFactorEnabled: true },
    });
    expect(browser.cookies.get(SESSION_COOKIE)).toBeDefined();
    expect((await browser.json<Body>('GET', '/api/v1/auth/session')).body).toMatchObject({
      user: { id: user.userId },
    });
    const history = await browser.json<{ events: Body[] }>('GET', '/api/v1/account/login-history');
    expect(history.body.events[0]).toMatchObject({ outcome: 'success', method: 'passkey' });
    const audit = await h.access.listAudit({ action: 'identity.login', target: user.userId });
    expect(audit.entries.map((entry) => (entry.after as Body | null)?.method)).toContain('passkey');
    const listed = await browser.json<{ passkeys: Body[] }>('GET', '/api/v1/account/passkeys');
    expect(listed.body.passkeys[0]?.lastUsedAt).toBe(new Date(h.clock.nowMs()).toISOString());
  });

  it('takes a passkey as the second login step after the password', async () => {
    const { user, authenticator } = await userWithPasskey();
    const browser = h.browser();
    const login = await browser.json<{ status: string; pendingToken: string; methods: string[] }>(
      'POST',
      '/api/v1/auth/login',
      { email: user.email, password: user.password },
    );
    expect(login.body).toMatchObject({
      status: 'second_factor_required',
      methods: ['passkey', 'recovery_code'],
    });
    const options = await browser.json<PublicKeyCredentialRequestOptionsJSON>(
      'POST',
      '/api/v1/auth/login/second-factor/passkey/options',
      { pendingToken: login.body.pendingToken },
    );
    expect(options.status).toBe(200);
    expect(options.body.allowCredentials?.map((descriptor) => descriptor.id)).toEqual([
      ...authenticator.credentials.keys(),
    ]);
    // Another challenge (a passwordless one) is not accepted for this step.
    const foreign = await browser.json<PublicKeyCredentialRequestOptionsJSON>(
      'POST',
      '/api/v1/auth/passkey/options',
    );
    const wrongPurpose = await browser.json('POST', '/api/v1/auth/login/second-factor/passkey/verify', {
      pendingToken: login.body.pendingToken,
      response: authenticator.authenticate(foreign.body),
    });
    expect(wrongPurpose.body).toMatchObject({
      code: 'IDENTITY_PASSKEY_INVALID',
      details: { reason: 'challenge' },
    });
    const signedIn = await browser.json<Body>('POST', '/api/v1/auth/login/second-factor/passkey/verify', {
      pendingToken: login.body.pendingToken,
      response: authenticator.authenticate(options.body, { withoutUserVerification: true }),
    });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toMatchObject({ status: 'signed_in', user: { id: user.userId } });
    // The pending login is spent.
    const again = await browser.json('POST', '/api/v1/auth/login/second-factor/passkey/options', {
      pendingToken: login.body.pendingToken,
    });
    expect(again.body).toMatchObject({ code: 'IDENTITY_TOKEN_INVALID' });
    const history = await browser.json<{ events: Body[] }>('GET', '/api/v1/account/login-history');
    expect(history.body.events[0]).toMatchObject({ outcome: 'success', method: 'passkey' });
  });

  it('refuses a response made for another origin', async () => {
    const { authenticator } = await userWithPasskey();
    const browser = h.browser();
    const { answer } = await passwordless(browser, authenticator, {
      origin: 'https://exchange.example.com.evil.test',
    });
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({
      code: 'IDENTITY_PASSKEY_INVALID',
      details: { reason: 'verification' },
    });
    expect(browser.cookies.get(SESSION_COOKIE)).toBeUndefined();
  });

  it('refuses a replayed response: each challenge works once', async () => {
    const { authenticator } = await userWithPasskey();
    const { response, answer } = await passwordless(h.browser(), authenticator);
    expect(answer.status).toBe(200);
    const replay = await h.browser().json('POST', '/api/v1/auth/passkey/verify', { response });
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ code: 'IDENTITY_PASSKEY_INVALID', details: { reason: 'challenge' } });
    // A challenge past its 5 minutes is refused the same way.
    const options = await h
      .browser()
      .json<PublicKeyCredentialRequestOptionsJSON>('POST', '/api/v1/auth/passkey/options');
    h.clock.advance(5 * 60_000 + 1);
    const late = await h.browser().json('POST', '/api/v1/auth/passkey/verify', {
      response: authenticator.authenticate(options.body),
    });
    expect(late.body).toMatchObject({ code: 'IDENTITY_PASSKEY_INVALID', details: { reason: 'challenge' } });
  });

  it('refuses a signature counter that went backwards (a cloned authenticator) and audits it', async () => {
    const { user, authenticator } = await userWithPasskey();
    expect((await passwordless(h.browser(), authenticator, { counter: 7 })).answer.status).toBe(200);
    const clone = await passwordless(h.browser(), authenticator, { counter: 7 });
    expect(clone.answer.status).toBe(401);
    expect(clone.answer.body).toMatchObject({
      code: 'IDENTITY_PASSKEY_INVALID',
      details: { reason: 'counter' },
    });
    const lower = await passwordless(h.browser(), authenticator, { counter: 3 });
    expect(lower.answer.body).toMatchObject({ details: { reason: 'counter' } });
    const audit = await h.access.listAudit({
      action: 'identity.passkey.counter-regression',
      target: user.userId,
    });
    expect(audit.entries).toHaveLength(2);
    expect(audit.entries.map((entry) => (entry.after as Body).presentedCounter).sort()).toEqual([3, 7]);
    // The real authenticator, counting on, still works.
    expect((await passwordless(h.browser(), authenticator)).answer.status).toBe(200);
  });

  it('refuses a passwordless response without user verification, and an unknown credential', async () => {
    const { authenticator } = await userWithPasskey();
    const noUv = await passwordless(h.browser(), authenticator, { withoutUserVerification: true });
    expect(noUv.answer.body).toMatchObject({
      code: 'IDENTITY_PASSKEY_INVALID',
      details: { reason: 'verification' },
    });
    const stranger = new SoftAuthenticator(PUBLIC_URL);
    stranger.register({
      challenge: 'AAAA',
      rp: { name: 'Tradeloom', id: 'exchange.example.com' },
      user: { id: 'dXNyX25vYm9keQ', name: 'nobody', displayName: 'nobody' },
      pubKeyCredParams: [{ alg: -7, type: 'public-key' }],
    });
    const unknown = await passwordless(h.browser(), stranger);
    expect(unknown.answer.body).toMatchObject({
      code: 'IDENTITY_PASSKEY_INVALID',
      details: { reason: 'unknown_credential' },
    });
  });
});
