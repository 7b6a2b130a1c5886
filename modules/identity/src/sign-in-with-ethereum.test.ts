// Proves Sign-In with Ethereum over real HTTP with real secp256k1 signatures (viem): linking a wallet, signing in (session, audit, history), the TOTP step, and refusal of replayed nonces, wrong domain/uri/chain, expired messages, tampered signatures and messages, unlinked and taken wallets.
import { bothModes } from '@tradeloom/db/testing';
import { generatePrivateKey, type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts';
import { createSiweMessage } from 'viem/siwe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from './session-cookie.js';
import { type IdentityHarness, PUBLIC_URL, startIdentityHarness } from './test-harness.js';
import { createSignedInUser, type TestBrowser } from './testing.js';

type Body = Record<string, unknown>;
const host = new URL(PUBLIC_URL).host;

describe.each(bothModes)('Sign-In with Ethereum on %s', (mode) => {
  let h: IdentityHarness;
  beforeAll(async () => {
    h = await startIdentityHarness(mode);
  });
  afterAll(() => h.stop());

  /** A nonce from the API and a message over it signed by `wallet` (fields overridable). */
  async function signedMessage(
    wallet: PrivateKeyAccount,
    browser: TestBrowser,
    overrides: Partial<Parameters<typeof createSiweMessage>[0]> = {},
  ): Promise<{ message: string; signature: string }> {
    const nonce = await browser.json<{ nonce: string; domain: string; uri: string; chainIds: number[] }>(
      'GET',
      '/api/v1/auth/siwe/nonce',
    );
    expect(nonce.status).toBe(200);
    expect(nonce.body).toMatchObject({ domain: host, uri: PUBLIC_URL, chainIds: [1] });
    const message = createSiweMessage({
      address: wallet.address,
      chainId: 1,
      domain: nonce.body.domain,
      uri: nonce.body.uri,
      nonce: nonce.body.nonce,
      version: '1',
      statement: 'Sign in to Tradeloom',
      issuedAt: new Date(h.clock.nowMs()),
      ...overrides,
    });
    return { message, signature: await wallet.signMessage({ message }) };
  }

  async function linkedUser(options: { totp?: boolean } = {}) {
    const user = await createSignedInUser(h.api, h.identity, { clock: h.clock, ...options });
    const wallet = privateKeyToAccount(generatePrivateKey());
    const proof = await signedMessage(wallet, user.browser);
    const body: Body = { ...proof, currentPassword: user.password };
    if (options.totp === true) body.code = await user.totp?.device.nextCode();
    const link = await user.browser.json<Body>('POST', '/api/v1/account/identities/siwe', body);
    expect(link.status).toBe(200);
    expect(link.body).toEqual({ address: wallet.address });
    return { user, wallet };
  }

  it('links a wallet with the password, then signs in with it alone', async () => {
    const { user, wallet } = await linkedUser();
    const listed = await user.browser.json<{ identities: Body[] }>('GET', '/api/v1/account/identities');
    expect(listed.body.identities).toMatchObject([
      { provider: 'siwe', subject: wallet.address, email: null },
    ]);

    const browser = h.browser();
    const login = await browser.json<Body>(
      'POST',
      '/api/v1/auth/siwe/verify',
      await signedMessage(wallet, browser),
    );
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ status: 'signed_in', user: { id: user.userId, email: user.email } });
    expect(browser.cookies.get(SESSION_COOKIE)).toBeDefined();
    const session = await browser.json<Body>('GET', '/api/v1/auth/session');
    expect(session.body).toMatchObject({ user: { id: user.userId }, csrfToken: login.body.csrfToken });

    const audit = await h.access.listAudit({ action: 'identity.login', target: user.userId });
    expect(audit.entries.map((entry) => (entry.after as Body | null)?.method)).toContain('siwe');
    const linkAudit = await h.access.listAudit({ action: 'identity.identity.link', target: user.userId });
    expect(linkAudit.entries).toHaveLength(1);
    const history = await browser.json<{ events: Body[] }>('GET', '/api/v1/account/login-history');
    expect(history.body.events[0]).toMatchObject({ outcome: 'success', method: 'siwe' });
  });

  it('refuses a replayed nonce', async () => {
    const { wallet } = await linkedUser();
    const browser = h.browser();
    const proof = await signedMessage(wallet, browser);
    expect((await browser.json('POST', '/api/v1/auth/siwe/verify', proof)).status).toBe(200);
    const replay = await h.browser().json('POST', '/api/v1/auth/siwe/verify', proof);
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ code: 'IDENTITY_SIWE_INVALID', details: { reason: 'nonce' } });
    // A nonce the server never issued is refused the same way.
    const invented = await signedMessage(wallet, browser, { nonce: 'abcdef0123456789abcdef0123456789' });
    expect((await browser.json('POST', '/api/v1/auth/siwe/verify', invented)).body).toMatchObject({
      details: { reason: 'nonce' },
    });
  });

  it('refuses a message for another domain, origin or chain', async () => {
    const { wallet } = await linkedUser();
    const browser = h.browser();
    const cases: [Partial<Parameters<typeof createSiweMessage>[0]>, string][] = [
      [{ domain: 'exchange.example.com.evil.test' }, 'domain'],
      [{ uri: 'https://evil.test/login' }, 'uri'],
      [{ chainId: 137 }, 'chain'],
    ];
    for (const [overrides, reason] of cases) {
      const answer = await browser.json(
        'POST',
        '/api/v1/auth/siwe/verify',
        await signedMessage(wallet, browser, overrides),
      );
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ code: 'IDENTITY_SIWE_INVALID', details: { reason } });
    }
  });

  it('refuses an expired message and an expired nonce', async () => {
    const { wallet } = await linkedUser();
    const browser = h.browser();
    const expired = await signedMessage(wallet, browser, {
      expirationTime: new Date(h.clock.nowMs() - 1_000),
    });
    expect((await browser.json('POST', '/api/v1/auth/siwe/verify', expired)).body).toMatchObject({
      code: 'IDENTITY_SIWE_INVALID',
      details: { reason: 'expired' },
    });
    const stale = await signedMessage(wallet, browser);
    h.clock.advance(10 * 60_000 + 1);
    expect((await browser.json('POST', '/api/v1/auth/siwe/verify', stale)).body).toMatchObject({
      code: 'IDENTITY_SIWE_INVALID',
      details: { reason: 'nonce' },
    });
  });

  it('refuses a tampered signature, a tampered message and another key’s signature', async () => {
    const { wallet } = await linkedUser();
    const browser = h.browser();
    const proof = await signedMessage(wallet, browser);
    const flipped = `${proof.signature.slice(0, 10)}${proof.signature[10] === 'a' ? 'b' : 'a'}${proof.signature.slice(11)}`;
    const answer = await browser.json('POST', '/api/v1/auth/siwe/verify', { ...proof, signature: flipped });
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ code: 'IDENTITY_SIWE_INVALID', details: { reason: 'signature' } });

    const second = await signedMessage(wallet, browser);
    const edited = second.message.replace('Sign in to Tradeloom', 'Sign in to Tradeloon');
    expect(
      (await browser.json('POST', '/api/v1/auth/siwe/verify', { ...second, message: edited })).body,
    ).toMatchObject({
      details: { reason: 'signature' },
    });

    const third = await signedMessage(wallet, browser);
    const impostor = privateKeyToAccount(generatePrivateKey());
    const forged = await impostor.signMessage({ message: third.message });
    expect(
      (await browser.json('POST', '/api/v1/auth/siwe/verify', { ...third, signature: forged })).body,
    ).toMatchObject({
      details: { reason: 'signature' },
    });
    expect(browser.cookies.get(SESSION_COOKIE)).toBeUndefined();
  });

  it('refuses a wallet linked to nobody, and linking a wallet another account has', async () => {
    const stranger = privateKeyToAccount(generatePrivateKey());
    const browser = h.browser();
    const answer = await browser.json(
      'POST',
      '/api/v1/auth/siwe/verify',
      await signedMessage(stranger, browser),
    );
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ code: 'IDENTITY_IDENTITY_NOT_LINKED' });

    const { wallet } = await linkedUser();
    const other = await createSignedInUser(h.api, h.identity, { clock: h.clock });
    const take = await other.browser.json('POST', '/api/v1/account/identities/siwe', {
      ...(await signedMessage(wallet, other.browser)),
      currentPassword: other.password,
    });
    expect(take.status).toBe(409);
    expect(take.body).toMatchObject({ code: 'IDENTITY_IDENTITY_TAKEN' });
    const wrongPassword = await other.browser.json('POST', '/api/v1/account/identities/siwe', {
      ...(await signedMessage(stranger, other.browser)),
      currentPassword: 'not the password at all',
    });
    expect(wrongPassword.body).toMatchObject({ code: 'IDENTITY_REAUTHENTICATION_REQUIRED' });
  });

  it('asks for the TOTP step when the account has 2FA', async () => {
    const { user, wallet } = await linkedUser({ totp: true });
    const browser = h.browser();
    const first = await browser.json<Body>(
      'POST',
      '/api/v1/auth/siwe/verify',
      await signedMessage(wallet, browser),
    );
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'second_factor_required' });
    expect(browser.cookies.get(SESSION_COOKIE)).toBeUndefined();
    h.clock.advance(30_000);
    const second = await browser.json<Body>('POST', '/api/v1/auth/login/second-factor', {
      pendingToken: first.body.pendingToken,
      code: await user.totp?.device.nextCode(),
    });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ status: 'signed_in', user: { id: user.userId } });
  });
});
