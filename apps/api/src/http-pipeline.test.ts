// Proves the request pipeline every route shares, over real HTTP on both drivers: one error shape
// { code, message, details? } (404, malformed JSON, validation, DomainError, unexpected 500 with its
// text hidden), request ids (echoed, replaced when malformed, logged), security headers on every
// response, and logs that never hold a bearer token, cookie or password.
import { bothModes } from '@tradeloom/db/testing';
import type { ApiApp } from '@tradeloom/kernel';
import { DomainError } from '@tradeloom/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiContentSecurityPolicy } from './security-headers.js';
import { type StartedApi, startApi } from './testing/start-api.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const secrets = [
  's3cret',
  'pa55-w0rd!',
  'sess-cookie-value',
  'nested-token-value',
  'key-abc',
  'query-token-value',
];

function mountTestRoutes(app: ApiApp): void {
  app.post(
    '/test/echo',
    {
      config: { permission: 'public' },
      schema: {
        body: z.object({ name: z.string().min(2), age: z.number().int() }),
        querystring: z.object({ verbose: z.enum(['yes', 'no']).optional() }),
      },
    },
    async (request) => ({ hello: request.body.name }),
  );
  app.get('/test/domain-error', { config: { permission: 'public' } }, async () => {
    throw new DomainError('CONFLICT', 'Already exists', { id: 'ord_1' });
  });
  app.get('/test/crash', { config: { permission: 'public' } }, async () => {
    throw new Error('connection to db failed: password hunter2');
  });
  app.get(
    '/test/bad-response',
    { config: { permission: 'public' }, schema: { response: { 200: z.object({ n: z.number() }) } } },
    // Deliberately wrong at run time: the serializer must refuse it as an internal error.
    async () => JSON.parse('{"n":"not a number"}') as { n: number },
  );
  app.post(
    '/test/login',
    {
      config: { permission: 'public' },
      schema: { body: z.object({ email: z.string(), password: z.string() }) },
    },
    async (request, reply) => {
      // What a careless handler might do; redaction must hold anyway.
      request.log.info({ headers: request.headers, body: request.body }, 'login attempt');
      request.log.info({ req: { headers: request.headers } }, 'as a req object');
      request.log.info({ user: { profile: { apiKey: 'key-abc', token: 'nested-token-value' } } }, 'deep');
      reply.header('set-cookie', 'session=sess-cookie-value; HttpOnly');
      return { ok: true };
    },
  );
}

function postJson(url: string, body: string): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
}

describe.each(bothModes)('request pipeline on %s', (mode) => {
  let api: StartedApi;
  beforeAll(async () => {
    api = await startApi(mode, { mount: mountTestRoutes });
  });
  afterAll(() => api.stop());

  describe('error shape', () => {
    it('a valid request passes', async () => {
      const response = await postJson(`${api.url}/test/echo`, '{"name":"Ada","age":36}');
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ hello: 'Ada' });
    });

    it('an unknown route is 404 NOT_FOUND', async () => {
      const response = await fetch(`${api.url}/nope?x=1`);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ code: 'NOT_FOUND', message: 'No route GET /nope' });
    });

    it('a known path with another method is 404 NOT_FOUND too', async () => {
      const response = await fetch(`${api.url}/test/echo`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' });
    });

    it('malformed JSON is 400 INVALID_JSON', async () => {
      const response = await postJson(`${api.url}/test/echo`, '{"name": "Ada",');
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        code: 'INVALID_JSON',
        message: 'The request body is not valid JSON',
      });
    });

    it('an empty JSON body is 400 INVALID_JSON', async () => {
      const response = await postJson(`${api.url}/test/echo`, '');
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'INVALID_JSON' });
    });

    it('a body failing its schema is 400 VALIDATION_FAILED with every issue, without the values', async () => {
      const response = await postJson(`${api.url}/test/echo`, '{"name":"A","age":"x-secret-value"}');
      expect(response.status).toBe(400);
      const body = await response.json();
      expect(body).toEqual({
        code: 'VALIDATION_FAILED',
        message: 'Invalid request body',
        details: {
          issues: [
            { location: 'body', path: 'name', code: 'too_small', message: expect.any(String) },
            { location: 'body', path: 'age', code: 'invalid_type', message: expect.any(String) },
          ],
        },
      });
      expect(JSON.stringify(body)).not.toContain('x-secret-value');
    });

    it('a query string failing its schema is 400 VALIDATION_FAILED located in the querystring', async () => {
      const response = await fetch(`${api.url}/test/echo?verbose=maybe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"name":"Ada","age":1}',
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { issues: [{ location: 'querystring', path: 'verbose' }] },
      });
    });

    it('an unsupported content-type is 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      const response = await fetch(`${api.url}/test/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/xml' },
        body: '<a/>',
      });
      expect(response.status).toBe(415);
      expect(await response.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    });

    it('a thrown DomainError answers its code, status from the table, and details', async () => {
      const response = await fetch(`${api.url}/test/domain-error`);
      expect(response.status).toBe(409);
      expect(await response.json()).toEqual({
        code: 'CONFLICT',
        message: 'Already exists',
        details: { id: 'ord_1' },
      });
    });

    it('an unexpected throw is 500 INTERNAL without its text, which is logged instead', async () => {
      const response = await fetch(`${api.url}/test/crash`, { headers: { 'x-request-id': 'crash-1' } });
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ code: 'INTERNAL', message: 'Internal server error' });
      expect(text).not.toContain('hunter2');
      const logged = api.logs.find((line) => line.requestId === 'crash-1' && line.level === 50);
      expect(logged).toMatchObject({
        msg: 'request failed unexpectedly',
        err: { message: expect.stringContaining('connection to db failed') },
      });
    });

    it('a response that breaks its own schema is 500 INTERNAL', async () => {
      const response = await fetch(`${api.url}/test/bad-response`);
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ code: 'INTERNAL', message: 'Internal server error' });
    });
  });

  describe('request ids', () => {
    it('echoes a valid incoming id and logs the request under it', async () => {
      const response = await fetch(`${api.url}/healthz`, { headers: { 'x-request-id': 'lb-7f3a.9_x' } });
      expect(response.headers.get('x-request-id')).toBe('lb-7f3a.9_x');
      const lines = api.logs.filter((line) => line.requestId === 'lb-7f3a.9_x');
      expect(lines.map((line) => line.msg)).toEqual(['incoming request', 'request completed']);
    });

    it('replaces a malformed id with a fresh one', async () => {
      for (const bad of ['x'.repeat(65), 'bad id', 'a/b']) {
        const response = await fetch(`${api.url}/healthz`, { headers: { 'x-request-id': bad } });
        const id = response.headers.get('x-request-id');
        expect(id).toMatch(uuid);
        expect(api.logText()).not.toContain(bad);
      }
    });

    it('generates distinct ids when none is sent', async () => {
      const [a, b] = await Promise.all([fetch(`${api.url}/healthz`), fetch(`${api.url}/healthz`)]);
      expect(a.headers.get('x-request-id')).toMatch(uuid);
      expect(b.headers.get('x-request-id')).toMatch(uuid);
      expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
    });

    it('carries the id on error responses', async () => {
      const response = await fetch(`${api.url}/missing`, { headers: { 'x-request-id': 'req-404' } });
      expect(response.status).toBe(404);
      expect(response.headers.get('x-request-id')).toBe('req-404');
    });
  });

  describe('security headers', () => {
    it.each(['/api/v1/time', '/healthz', '/metrics', '/nowhere'])('on %s', async (path) => {
      const response = await fetch(`${api.url}${path}`);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('content-security-policy')).toBe(apiContentSecurityPolicy);
    });
  });

  describe('log redaction', () => {
    it('never writes the bearer token, cookie, password or nested secrets', async () => {
      const response = await fetch(`${api.url}/test/login?token=query-token-value`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer s3cret',
          cookie: 'session=sess-cookie-value',
          'content-type': 'application/json',
          'x-request-id': 'redact-1',
        },
        body: JSON.stringify({ email: 'ada@example.com', password: 'pa55-w0rd!' }),
      });
      expect(response.status).toBe(200);
      const text = api.logText();
      for (const secret of secrets) expect(text).not.toContain(secret);

      const lines = api.logs.filter((line) => line.requestId === 'redact-1');
      const attempt = lines.find((line) => line.msg === 'login attempt');
      // The line was written, with the harmless fields intact: redaction, not silence.
      expect(attempt).toMatchObject({
        headers: { authorization: '[REDACTED]', cookie: '[REDACTED]', 'content-type': 'application/json' },
        body: { email: 'ada@example.com', password: '[REDACTED]' },
      });
      expect(lines.find((line) => line.msg === 'deep')).toMatchObject({
        user: { profile: { apiKey: '[REDACTED]', token: '[REDACTED]' } },
      });
      expect(lines.find((line) => line.msg === 'incoming request')).toMatchObject({
        req: { method: 'POST', url: '/test/login?token=%5BREDACTED%5D' },
      });
    });
  });
});
