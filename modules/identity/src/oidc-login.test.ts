// Proves OpenID Connect login against a real oidc-provider on a real port: the authorization-code flow with PKCE creates a session (new account, then the same account again), links an existing account only when the provider verified the email, asks for the TOTP step, and refuses a state mismatch, a replayed callback and an unknown provider.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bothModes } from '@tradeloom/db/testing';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from './session-cookie.js';
import { type IdentityHarness, PUBLIC_URL, startIdentityHarness } from './test-harness.js';
import { createSignedInUser, type TestBrowser } from './testing.js';

interface Person {
  email: string;
  email_verified: boolean;
}

/** A real OpenID provider whose login step signs in as `next.accountId` and grants what was asked. */
async function startProvider(clientSecret: string) {
  const people = new Map<string, Person>();
  const next = { accountId: '' };
  const server: Server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'tradeloom',
        client_secret: clientSecret,
        redirect_uris: [`${PUBLIC_URL}/api/v1/auth/oidc/local/callback`],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['test-cookie-key-0123456789'] },
    findAccount: (_ctx: unknown, accountId: string) => {
      const person = people.get(accountId);
      return person === undefined ? undefined : { accountId, claims: () => ({ sub: accountId, ...person }) };
    },
  });
  const handle = provider.callback();
  server.on('request', (request, response) => {
    if (request.url?.startsWith('/interaction/') !== true) return handle(request, response);
    void (async () => {
      const details = await provider.interactionDetails(request, response);
      const grant = new provider.Grant({
        accountId: next.accountId,
        clientId: String(details.params.client_id),
      });
      grant.addOIDCScope('openid email profile');
      const grantId = await grant.save();
      await provider.interactionFinished(request, response, {
        login: { accountId: next.accountId },
        consent: { grantId },
      });
    })().catch((error: unknown) => {
      response.statusCode = 500;
      response.end(String(error));
    });
  });
  return {
    issuer,
    people,
    next,
    close: async () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe.each(bothModes)('OpenID Connect login on %s', (mode) => {
  let h: IdentityHarness;
  let op: Awaited<ReturnType<typeof startProvider>>;
  beforeAll(async () => {
    const clientSecret = 'client-secret-0123456789abcdef';
    op = await startProvider(clientSecret);
    h = await startIdentityHarness(mode, {
      oidcProviders: [
        { id: 'local', issuer: op.issuer, clientId: 'tradeloom', clientSecret, label: 'Local test provider' },
      ],
    });
  });
  afterAll(async () => {
    await h.stop();
    await op.close();
  });

  /** Starts the flow in `browser`, lets the provider sign in as `accountId`, returns the callback URL. */
  async function authorize(browser: TestBrowser, accountId: string): Promise<URL> {
    op.next.accountId = accountId;
    const start = await browser.fetch('/api/v1/auth/oidc/local/start', { redirect: 'manual' });
    expect(start.status).toBe(302);
    let location = start.headers.get('location') ?? '';
    expect(location.startsWith(`${op.issuer}/`)).toBe(true);
    const authorization = new URL(location);
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization.searchParams.get('nonce')).toBeTruthy();
    const jar = new Map<string, string>();
    for (let hop = 0; hop < 10; hop += 1) {
      if (location.startsWith(PUBLIC_URL)) return new URL(location);
      const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
      const response = await fetch(location, {
        redirect: 'manual',
        headers: cookie === '' ? {} : { cookie },
      });
      for (const line of response.headers.getSetCookie()) {
        const [pair = ''] = line.split(';');
        const at = pair.indexOf('=');
        jar.set(pair.slice(0, at), pair.slice(at + 1));
      }
      const next = response.headers.get('location');
      if (next === null) throw new Error(`provider stopped at ${response.status}: ${await response.text()}`);
      location = new URL(next, location).href;
    }
    throw new Error('too many redirects');
  }

  /** Calls the API's callback with the path and query the provider redirected to. */
  function callback(browser: TestBrowser, url: URL) {
    return browser.fetch(`${url.pathname}${url.search}`, { redirect: 'manual' });
  }

  it('lists the configured providers without secrets', async () => {
    const answer = await h.browser().json('GET', '/api/v1/auth/oidc/providers');
    expect(answer.body).toEqual({
      providers: [{ id: 'local', label: 'Local test provider', startUrl: '/api/v1/auth/oidc/local/start' }],
    });
  });

  it('creates an account on first login and signs the same account in again', async () => {
    op.people.set('alice-sub', { email: 'Alice@Example.com', email_verified: true });
    const browser = h.browser();
    const back = await callback(browser, await authorize(browser, 'alice-sub'));
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(`${PUBLIC_URL}/`);
    const session = await browser.json<{ user: { id: string; email: string; emailVerified: boolean } }>(
      'GET',
      '/api/v1/auth/session',
    );
    expect(session.status).toBe(200);
    expect(session.body.user).toMatchObject({ email: 'alice@example.com', emailVerified: true });
    const identities = await browser.json<{ identities: unknown[] }>('GET', '/api/v1/account/identities');
    expect(identities.body.identities).toMatchObject([{ provider: 'oidc:local', subject: 'alice-sub' }]);

    const again = h.browser();
    expect((await callback(again, await authorize(again, 'alice-sub'))).status).toBe(303);
    const second = await again.json<{ user: { id: string } }>('GET', '/api/v1/auth/session');
    expect(second.body.user.id).toBe(session.body.user.id);
    const audit = await h.access.listAudit({ action: 'identity.login', target: session.body.user.id });
    expect(audit.entries.map((entry) => (entry.after as { method?: string } | null)?.method)).toEqual([
      'oidc',
      'oidc',
    ]);
  });

  it('links an existing account only when the provider verified the email', async () => {
    const owner = await h.identity.createUser({
      email: 'bob@example.com',
      password: 'correct horse battery staple',
      emailVerified: true,
    });
    op.people.set('bob-unverified', { email: 'bob@example.com', email_verified: false });
    const refused = h.browser();
    const answer = await callback(refused, await authorize(refused, 'bob-unverified'));
    expect(answer.headers.get('location')).toBe(`${PUBLIC_URL}/login?error=IDENTITY_OIDC_EMAIL_UNVERIFIED`);
    expect(refused.cookies.get(SESSION_COOKIE)).toBeUndefined();

    op.people.set('bob-verified', { email: 'bob@example.com', email_verified: true });
    const browser = h.browser();
    expect((await callback(browser, await authorize(browser, 'bob-verified'))).status).toBe(303);
    const session = await browser.json<{ user: { id: string } }>('GET', '/api/v1/auth/session');
    expect(session.body.user.id).toBe(owner.id);
  });

  it('refuses a state mismatch, a replayed callback and an unknown provider', async () => {
    op.people.set('carol-sub', { email: 'carol@example.com', email_verified: true });
    const victim = h.browser();
    const url = await authorize(victim, 'carol-sub');
    // Another browser (no state cookie, as in login CSRF) cannot use the callback.
    const attacker = h.browser();
    const noCookie = await callback(attacker, url);
    expect(noCookie.headers.get('location')).toBe(`${PUBLIC_URL}/login?error=IDENTITY_OIDC_FAILED`);
    expect(attacker.cookies.get(SESSION_COOKIE)).toBeUndefined();
    // The right cookie with another state in the query is refused too.
    const tampered = new URL(url);
    tampered.searchParams.set('state', 'another-state-value');
    expect((await callback(victim, tampered)).headers.get('location')).toBe(
      `${PUBLIC_URL}/login?error=IDENTITY_OIDC_FAILED`,
    );
    expect(victim.cookies.get(SESSION_COOKIE)).toBeUndefined();

    const fresh = h.browser();
    const good = await authorize(fresh, 'carol-sub');
    const state = fresh.cookies.get('tl_oidc_state') ?? '';
    expect((await callback(fresh, good)).headers.get('location')).toBe(`${PUBLIC_URL}/`);
    const replay = h.browser();
    replay.cookies.set('tl_oidc_state', state);
    expect((await callback(replay, good)).headers.get('location')).toBe(
      `${PUBLIC_URL}/login?error=IDENTITY_OIDC_FAILED`,
    );

    const unknown = await h.browser().fetch('/api/v1/auth/oidc/nope/start', { redirect: 'manual' });
    expect(unknown.status).toBe(404);
  });

  it('asks for the TOTP step when the account has 2FA', async () => {
    const user = await createSignedInUser(h.api, h.identity, { totp: true, clock: h.clock });
    op.people.set('dave-sub', { email: user.email, email_verified: true });
    const browser = h.browser();
    const answer = await callback(browser, await authorize(browser, 'dave-sub'));
    const location = answer.headers.get('location') ?? '';
    expect(location.startsWith(`${PUBLIC_URL}/login#pendingToken=`)).toBe(true);
    expect(browser.cookies.get(SESSION_COOKIE)).toBeUndefined();
    const pendingToken = decodeURIComponent(location.split('#pendingToken=')[1] ?? '');
    h.clock.advance(30_000);
    const second = await browser.json('POST', '/api/v1/auth/login/second-factor', {
      pendingToken,
      code: await user.totp?.device.nextCode(),
    });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ status: 'signed_in', user: { id: user.userId } });
  });
});
