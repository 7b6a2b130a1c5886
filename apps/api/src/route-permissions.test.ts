// Proves the rule "a route without a permission is a failing test": every route registered on the
// app declares config.permission, a route without one stops the app from building, and non-public
// routes fail closed (401) until access control checks them.
import { bothModes } from '@tradeloom/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRoutes } from './route-permissions.js';
import { type StartedApi, startApi } from './testing/start-api.js';

describe.each(bothModes)('route permissions on %s', (mode) => {
  let api: StartedApi;
  beforeAll(async () => {
    api = await startApi(mode, {
      mount: (app) => {
        app.get('/test/private', { config: { permission: 'wallet:read' } }, async () => ({ secret: 1 }));
      },
    });
  });
  afterAll(() => api.stop());

  it('every registered route declares a permission', () => {
    const routes = listRoutes(api.app);
    const missing = routes.filter((route) => typeof route.permission !== 'string' || route.permission === '');
    expect(missing).toEqual([]);
    const names = routes.map((route) => `${route.method} ${route.url} ${route.permission}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'GET /healthz public',
        'GET /readyz public',
        'GET /metrics public',
        'GET /api/v1/openapi.json public',
        'GET /api/v1/docs public',
        'GET /api/v1/time public',
        'GET /test/private wallet:read',
      ]),
    );
    // HEAD twins of GET routes pass through the same hook.
    expect(names).toContain('HEAD /api/v1/time public');
  });

  it('a route registered without a permission makes buildApp fail', async () => {
    await expect(
      startApi(mode, {
        test: api.test,
        engine: null,
        mount: (app) => {
          app.get('/test/forgotten', async () => ({ ok: true }));
        },
      }),
    ).rejects.toThrow('route GET /test/forgotten declares no config.permission');
  });

  it('a non-public route answers 401 UNAUTHENTICATED until access control exists', async () => {
    const response = await fetch(`${api.url}/test/private`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ code: 'UNAUTHENTICATED', message: 'Authentication required' });
  });
});
