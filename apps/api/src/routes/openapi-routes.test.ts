// Proves the OpenAPI pipeline: zod schemas become /api/v1/openapi.json, /api/v1/docs lists them in a
// page that loads nothing from elsewhere, and GET /api/v1/time answers { serverTime } as documented.
import { bothModes } from '@tradeloom/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedApi, startApi } from '../testing/start-api.js';

describe.each(bothModes)('OpenAPI and /api/v1/time on %s', (mode) => {
  let api: StartedApi;
  beforeAll(async () => {
    api = await startApi(mode);
  });
  afterAll(() => api.stop());

  it('GET /api/v1/time answers the server clock in ms', async () => {
    const before = Date.now();
    const response = await fetch(`${api.url}/api/v1/time`);
    const after = Date.now();
    expect(response.status).toBe(200);
    const body = (await response.json()) as { serverTime: number };
    expect(Object.keys(body)).toEqual(['serverTime']);
    expect(Number.isInteger(body.serverTime)).toBe(true);
    expect(body.serverTime).toBeGreaterThanOrEqual(before);
    expect(body.serverTime).toBeLessThanOrEqual(after);
  });

  it('GET /api/v1/openapi.json is generated from the zod schemas', async () => {
    const response = await fetch(`${api.url}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      paths: Record<string, Record<string, unknown> | undefined>;
    };
    expect(document).toMatchObject({ openapi: '3.0.3', info: { title: 'Tradeloom API' } });
    expect(document.paths['/api/v1/time']?.get).toMatchObject({
      summary: 'Server time',
      responses: {
        200: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: { serverTime: { type: 'integer' } },
                required: ['serverTime'],
              },
            },
          },
        },
      },
    });
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/healthz', '/readyz', '/metrics', '/api/v1/time']),
    );
    expect(document.paths['/api/v1/docs']).toBeUndefined();
  });

  it('GET /api/v1/docs is a self-contained page listing the paths', async () => {
    const response = await fetch(`${api.url}/api/v1/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('script-src');
    const html = await response.text();
    expect(html).toContain('<code>/api/v1/time</code>');
    expect(html).toContain('href="/api/v1/openapi.json"');
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\//i);
  });
});
