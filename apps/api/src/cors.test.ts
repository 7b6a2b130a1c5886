// Proves the CORS allow-list: listed origins get credentialed CORS headers and preflights, others none.
import { bothModes } from '@tradeloom/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedApi, startApi } from './testing/start-api.js';

describe.each(bothModes)('CORS on %s', (mode) => {
  let api: StartedApi;
  beforeAll(async () => {
    api = await startApi(mode, { engine: null, env: { CORS_ORIGINS: 'https://app.example.com' } });
  });
  afterAll(() => api.stop());

  it('answers a listed origin with credentialed CORS headers', async () => {
    const response = await fetch(`${api.url}/api/v1/time`, {
      headers: { origin: 'https://app.example.com' },
    });
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('gives an unlisted origin no CORS headers', async () => {
    const response = await fetch(`${api.url}/api/v1/time`, { headers: { origin: 'https://evil.example' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers preflights for listed origins with the allowed headers', async () => {
    const response = await fetch(`${api.url}/api/v1/auth/login`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-csrf-token',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-headers')).toContain('x-csrf-token');
    const refused = await fetch(`${api.url}/api/v1/auth/login`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });
});
