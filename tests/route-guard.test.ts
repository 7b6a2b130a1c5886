// Every route of the assembled platform is guarded as it declares: each non-public route refuses an
// anonymous caller (401), each permission route refuses a signed-in user without that permission
// (403), routes without an API-key scope refuse API keys, and one user cannot reach another's objects.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listRoutes, type RunningPlatform, startPlatform } from '@tradeloom/api';
import { signRequest } from '@tradeloom/api-keys/testing';
import { loadConfig } from '@tradeloom/config';
import { createSignedInUser, type SignedInUser } from '@tradeloom/identity/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('route guards of the assembled platform', () => {
  let dir: string;
  let running: RunningPlatform;
  let alice: SignedInUser;
  let bob: SignedInUser;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tl-guard-'));
    running = await startPlatform({
      config: loadConfig({ DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }),
      // This test calls every route many times on purpose; rate limits have their own tests.
      rateLimiter: null,
    });
    const api = { url: running.address };
    alice = await createSignedInUser(api, running.platform.identity, { totp: true });
    bob = await createSignedInUser(api, running.platform.identity, { totp: true });
  });
  afterAll(async () => {
    await running?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const guarded = () =>
    listRoutes(running.app).filter(
      (route) => route.permission !== 'public' && route.method !== 'HEAD' && route.method !== 'OPTIONS',
    );
  const pathOf = (url: string) => url.replace(/:(\w+)/g, 'zzz_$1');
  const call = (path: string, method: string, headers: Record<string, string> = {}) =>
    fetch(`${running.address}${path}`, {
      method,
      headers:
        method === 'GET' || method === 'DELETE'
          ? headers
          : { ...headers, 'content-type': 'application/json' },
      ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{}' }),
    });

  it('lists a permission for every route, and guards many', () => {
    const routes = listRoutes(running.app);
    expect(routes.every((route) => typeof route.permission === 'string' && route.permission !== '')).toBe(
      true,
    );
    expect(guarded().length).toBeGreaterThan(20);
  });

  it('refuses every non-public route to an anonymous caller with 401', async () => {
    const open: string[] = [];
    for (const route of guarded()) {
      const response = await call(pathOf(route.url), route.method);
      if (response.status !== 401) open.push(`${route.method} ${route.url} -> ${response.status}`);
    }
    expect(open).toEqual([]);
  });

  it('refuses every permission route to a plain user with 403', async () => {
    const allowed: string[] = [];
    for (const route of guarded().filter((r) => r.permission !== 'authenticated')) {
      const response = await alice.fetch(pathOf(route.url), {
        method: route.method,
        ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { body: '{}' }),
      });
      if (response.status !== 403) allowed.push(`${route.method} ${route.url} -> ${response.status}`);
    }
    expect(allowed).toEqual([]);
  });

  it('refuses API keys on routes that declare no API-key scope', async () => {
    const created = await alice.browser.json<{ key: { apiKey: string }; secret: string }>(
      'POST',
      '/api/v1/account/api-keys',
      { label: 'guard', type: 'HMAC', scopes: ['read'], twoFactorCode: await alice.totp!.device.nextCode() },
    );
    expect(created.status).toBe(201);
    const noScope = guarded().filter((route) => route.apiKeyScope === null && route.method === 'GET');
    expect(noScope.length).toBeGreaterThan(3);
    const passed: string[] = [];
    for (const route of noScope) {
      const signed = signRequest({ apiKey: created.body.key.apiKey, secret: created.body.secret });
      const response = await fetch(signed.urlFor(`${running.address}${pathOf(route.url)}`), {
        headers: signed.headers,
      });
      const body = (await response.json()) as { code?: string };
      if (response.status !== 403 || body.code !== 'API_KEY_SCOPE_MISSING') {
        passed.push(`${route.method} ${route.url} -> ${response.status} ${body.code}`);
      }
    }
    expect(passed).toEqual([]);
  });

  it("never lets one user see or change another user's sessions or keys", async () => {
    const bobSessions = await bob.browser.json<{ sessions: { id: string }[] }>(
      'GET',
      '/api/v1/account/sessions',
    );
    expect(bobSessions.status).toBe(200);
    const bobSession = bobSessions.body.sessions[0]?.id;
    expect(bobSession).toMatch(/^ses_/);
    const revoke = await alice.fetch(`/api/v1/account/sessions/${bobSession}`, { method: 'DELETE' });
    expect(revoke.status).toBe(404);
    expect((await bob.browser.json('GET', '/api/v1/auth/session')).status).toBe(200);

    const key = await bob.browser.json<{ key: { id: string } }>('POST', '/api/v1/account/api-keys', {
      label: 'bob',
      type: 'HMAC',
      scopes: ['read'],
      twoFactorCode: await bob.totp!.device.nextCode(),
    });
    expect(key.status).toBe(201);
    expect(
      (await alice.fetch(`/api/v1/account/api-keys/${key.body.key.id}`, { method: 'DELETE' })).status,
    ).toBe(404);
    const aliceKeys = await alice.browser.json<{ keys: { id: string }[] }>('GET', '/api/v1/account/api-keys');
    expect(aliceKeys.body.keys.map((k) => k.id)).not.toContain(key.body.key.id);
  });
});
