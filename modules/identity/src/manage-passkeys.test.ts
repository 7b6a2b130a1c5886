// Proves adding and removing passkeys over real HTTP with a software authenticator (real P-256 keys, CBOR, ES256): re-authentication first, the origin and single-use challenge enforced, the factor-change consequences (recovery codes, rotation, withdrawal lock, mail, audit), and that other users' passkeys answer 404.
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { bothModes } from '@tradeloom/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IdentityHarness, PUBLIC_URL, startIdentityHarness } from './test-harness.js';
import { addPasskey, createSignedInUser, SoftAuthenticator } from './testing.js';

type Body = Record<string, unknown>;

describe.each(bothModes)('managing passkeys on %s', (mode) => {
  let h: IdentityHarness;
  beforeAll(async () => {
    h = await startIdentityHarness(mode);
  });
  afterAll(() => h.stop());

  it('adds a passkey after re-authentication, as a factor change', async () => {
    const user = await createSignedInUser(h.api, h.identity, { clock: h.clock });
    const wrong = await user.browser.json('POST', '/api/v1/account/passkeys/registration/options', {
      currentPassword: 'not my password at all',
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body).toMatchObject({ code: 'IDENTITY_REAUTHENTICATION_REQUIRED' });

    const oldCsrf = user.browser.csrfToken;
    const authenticator = new SoftAuthenticator(PUBLIC_URL);
    const added = await addPasskey(user.browser, authenticator, { currentPassword: user.password });
    expect(added.status).toBe(200);
    expect(added.body.passkey).toMatchObject({
      label: 'Test laptop',
      aaguid: '5f1e1e7a-5d5e-4c0f-a11c-e7e57ed0a0a0',
    });
    expect(added.body.recoveryCodes).toHaveLength(10);
    expect(added.body.csrfToken).not.toBe(oldCsrf);
    // The rotated session is the one that works.
    expect((await user.browser.json('GET', '/api/v1/auth/session')).status).toBe(200);

    const listed = await user.browser.json<{ passkeys: Body[] }>('GET', '/api/v1/account/passkeys');
    expect(listed.body.passkeys).toEqual([
      expect.objectContaining({
        id: added.body.passkey.id,
        transports: ['internal', 'hybrid'],
        lastUsedAt: null,
      }),
    ]);
    expect(await h.identity.hasSecondFactor(user.userId)).toBe(true);
    expect(await h.identity.withdrawalsLockedUntil(user.userId)).toBe(h.clock.nowMs() + 24 * 3_600_000);
    const status = await user.browser.json('GET', '/api/v1/account/two-factor');
    expect(status.body).toMatchObject({ totpEnabled: false, passkeys: 1, recoveryCodesLeft: 10 });
    const mail = await h.mailTo(user.email, 'two-factor authentication changed');
    expect(mail.text).toContain('a passkey was added');
    const audit = await h.access.listAudit({ action: 'identity.passkey.add', target: user.userId });
    expect(audit.entries).toHaveLength(1);
    const stored = await h.api.test.database.query(
      'SELECT credential_id, counter FROM passkeys WHERE user_id = $1',
      [user.userId],
    );
    expect(stored.rows).toEqual([{ credential_id: [...authenticator.credentials.keys()][0], counter: 0n }]);
  });

  it('refuses a registration from another origin, and a replayed registration challenge', async () => {
    const user = await createSignedInUser(h.api, h.identity, { clock: h.clock });
    const phishing = new SoftAuthenticator('https://exchange-example.evil.test');
    const refused = await addPasskey(user.browser, phishing, { currentPassword: user.password });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({
      code: 'IDENTITY_PASSKEY_INVALID',
      details: { reason: 'verification' },
    });

    const authenticator = new SoftAuthenticator(PUBLIC_URL);
    let sent: RegistrationResponseJSON | undefined;
    const first = await addPasskey(
      user.browser,
      authenticator,
      { currentPassword: user.password },
      (response) => {
        sent = response;
        return response;
      },
    );
    expect(first.status).toBe(200);
    const replay = await user.browser.json('POST', '/api/v1/account/passkeys/registration/verify', {
      response: sent,
    });
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ code: 'IDENTITY_PASSKEY_INVALID', details: { reason: 'challenge' } });
    expect(
      (await user.browser.json<{ passkeys: Body[] }>('GET', '/api/v1/account/passkeys')).body.passkeys,
    ).toHaveLength(1);
  });

  it('removes a passkey only with the password and a second factor; the last one takes the recovery codes', async () => {
    const user = await createSignedInUser(h.api, h.identity, { clock: h.clock });
    const added = await addPasskey(user.browser, new SoftAuthenticator(PUBLIC_URL), {
      currentPassword: user.password,
    });
    const path = `/api/v1/account/passkeys/${added.body.passkey.id}`;
    const noPassword = await user.browser.json('DELETE', path, { currentPassword: 'not my password at all' });
    expect(noPassword.status).toBe(403);
    expect(noPassword.body).toMatchObject({ code: 'IDENTITY_REAUTHENTICATION_REQUIRED' });
    // The passkey is a second factor now: removing it needs one too (here a recovery code).
    const noCode = await user.browser.json('DELETE', path, { currentPassword: user.password });
    expect(noCode.status).toBe(403);
    expect(noCode.body).toMatchObject({ code: 'IDENTITY_SECOND_FACTOR_REQUIRED' });
    const removed = await user.browser.json<Body>('DELETE', path, {
      currentPassword: user.password,
      code: added.body.recoveryCodes?.[0],
    });
    expect(removed.status).toBe(200);
    expect(typeof removed.body.csrfToken).toBe('string');
    expect(
      (await user.browser.json<{ passkeys: Body[] }>('GET', '/api/v1/account/passkeys')).body.passkeys,
    ).toEqual([]);
    expect(await h.identity.hasSecondFactor(user.userId)).toBe(false);
    expect(await h.identity.withdrawalsLockedUntil(user.userId)).toBe(h.clock.nowMs() + 24 * 3_600_000);
    const codes = await h.api.test.database.query(
      'SELECT count(*)::int AS n FROM recovery_codes WHERE user_id = $1',
      [user.userId],
    );
    expect(codes.rows[0]?.n).toBe(0);
    const audit = await h.access.listAudit({ action: 'identity.passkey.remove', target: user.userId });
    expect(audit.entries).toHaveLength(1);
    const mails = await h.mailsTo(user.email);
    expect(mails.some((mail) => (mail.text ?? '').includes('a passkey was removed'))).toBe(true);
  });

  it("answers 404 for another user's passkey and leaves it in place", async () => {
    const owner = await createSignedInUser(h.api, h.identity, { clock: h.clock });
    const added = await addPasskey(owner.browser, new SoftAuthenticator(PUBLIC_URL), {
      currentPassword: owner.password,
    });
    const intruder = await createSignedInUser(h.api, h.identity, { clock: h.clock });
    const attempt = await intruder.browser.json(
      'DELETE',
      `/api/v1/account/passkeys/${added.body.passkey.id}`,
      {
        currentPassword: intruder.password,
      },
    );
    expect(attempt.status).toBe(404);
    expect(attempt.body).toMatchObject({ code: 'IDENTITY_PASSKEY_NOT_FOUND' });
    expect(
      (await intruder.browser.json<{ passkeys: Body[] }>('GET', '/api/v1/account/passkeys')).body.passkeys,
    ).toEqual([]);
    expect(
      (await owner.browser.json<{ passkeys: Body[] }>('GET', '/api/v1/account/passkeys')).body.passkeys,
    ).toHaveLength(1);
  });
});
