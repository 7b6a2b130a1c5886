// Proves the operations endpoints over real HTTP on both drivers: /healthz answers while the process
// lives, /readyz reports 503 naming the part (database or engine) that does not answer, and /metrics
// serves Prometheus text with a request-duration histogram labelled by method, route pattern and status.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bothModes } from '@tradeloom/db/testing';
import { EngineHost } from '@tradeloom/engine-app';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedApi, startApi } from '../testing/start-api.js';

describe.each(bothModes)('operations endpoints on %s', (mode) => {
  let api: StartedApi;
  beforeAll(async () => {
    api = await startApi(mode);
  });
  afterAll(() => api.stop());

  it('GET /healthz is 200 { status: ok }', async () => {
    const response = await fetch(`${api.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz is 200 when the database and the engine answer', async () => {
    const response = await fetch(`${api.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', checks: { database: 'ok', engine: 'ok' } });
  });

  it('GET /readyz is 503 naming the database once it is closed; /healthz stays 200', async () => {
    const own = await startApi(mode);
    try {
      await own.test.database.close();
      const response = await fetch(`${own.url}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({
        code: 'NOT_READY',
        message: 'Not ready: database',
        details: { checks: { database: 'failed', engine: 'ok' } },
      });
      expect((await fetch(`${own.url}/healthz`)).status).toBe(200);
    } finally {
      await own.stop();
    }
  });

  it('GET /readyz is 503 naming the engine when it does not answer in time', async () => {
    const stalled = { flush: () => new Promise<void>(() => {}) };
    const own = await startApi(mode, { test: api.test, engine: stalled, readyTimeoutMs: 50 });
    try {
      const response = await fetch(`${own.url}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({
        code: 'NOT_READY',
        details: { checks: { database: 'ok', engine: 'timeout' } },
      });
    } finally {
      await own.stop();
    }
  });

  it('GET /readyz is 503 naming the engine once the engine host is closed', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tl-api-closed-'));
    const host = await EngineHost.open({ dataDir, fsync: false });
    await host.close();
    const own = await startApi(mode, { test: api.test, engine: host });
    try {
      const response = await fetch(`${own.url}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({
        code: 'NOT_READY',
        details: { checks: { engine: 'failed' } },
      });
    } finally {
      await own.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('GET /readyz judges a process without an engine on its database alone', async () => {
    const own = await startApi(mode, { test: api.test, engine: null });
    try {
      const response = await fetch(`${own.url}/readyz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        status: 'ready',
        checks: { database: 'ok', engine: 'absent' },
      });
    } finally {
      await own.stop();
    }
  });

  it('exposes process metrics and per-route request durations', async () => {
    await fetch(`${api.url}/api/v1/time`);
    await fetch(`${api.url}/api/v1/time?x=1`);
    await fetch(`${api.url}/no/such/route/12345`);
    const response = await fetch(`${api.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/time",status="200"\} 2/,
    );
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} 1/,
    );
    expect(text).not.toContain('12345');
  });
});
