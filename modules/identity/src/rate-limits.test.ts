// Proves identity's limits on the real rate limiter (memory in embedded mode, Redis in server mode):
// the login route's per-IP limit answers 429 with Retry-After, and in server mode two identity
// instances (two API processes) share the per-IP login budget through Redis.
import { randomBytes, randomUUID } from 'node:crypto';
import type { DatabaseKind } from '@tradeloom/db';
import { bothModes } from '@tradeloom/db/testing';
import { systemClock } from '@tradeloom/kernel';
import { createRateLimiter, type TradeloomRateLimiter } from '@tradeloom/rate-limit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentityModule } from './index.js';
import { type IdentityHarness, PUBLIC_URL, startIdentityHarness } from './test-harness.js';

const REDIS_URL = process.env.TRADELOOM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const password = 'correct horse battery staple';

describe.each(bothModes)('rate limits on %s', (mode: DatabaseKind) => {
  const keyPrefix = `test-identity-${randomUUID()}`;
  const redisUrl = mode === 'postgres' ? REDIS_URL : null;
  const secretKey = randomBytes(32);
  const limiters: TradeloomRateLimiter[] = [];
  const open = () => {
    const limiter = createRateLimiter({ redisUrl, keyPrefix });
    limiters.push(limiter);
    return limiter;
  };
  let h: IdentityHarness;
  let shared: TradeloomRateLimiter;
  beforeAll(async () => {
    shared = open();
    h = await startIdentityHarness(mode, {
      rateLimiter: shared,
      pipelineRateLimiter: open(),
      secretKey,
      tuning: { ipLoginAttemptsMax: 30 },
    });
  });
  afterAll(async () => {
    await h.stop();
    for (const limiter of limiters) await limiter.close();
    if (redisUrl !== null) {
      const admin = new Redis(redisUrl);
      const keys = await admin.keys(`${keyPrefix}:*`);
      if (keys.length > 0) await admin.del(...keys);
      await admin.quit();
    }
  });

  it('answers 429 RATE_LIMITED with Retry-After past 20 logins a minute from one address', async () => {
    await h.identity.createUser({ email: 'burst@example.com', password });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 21; attempt++) {
      statuses.push(
        (await h.browser().json('POST', '/api/v1/auth/login', { email: 'burst@example.com', password }))
          .status,
      );
    }
    expect(statuses.slice(0, 20).every((status) => status === 200)).toBe(true);
    const refused = await h
      .browser()
      .json('POST', '/api/v1/auth/login', { email: 'burst@example.com', password });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it.runIf(mode === 'postgres')('shares the per-IP login budget between two API processes', async () => {
    // A second identity instance over the same tables and Redis, as a second API process would be.
    const other = createIdentityModule({
      database: h.api.test.database,
      clock: systemClock,
      config: {
        publicUrl: PUBLIC_URL,
        cookieSecure: true,
        sessionIdleMs: 1_800_000,
        sessionAbsoluteMs: 43_200_000,
      },
      mail: h.mail,
      audit: h.access.audit,
      rateLimiter: open(),
      secretKey,
      tuning: { ipLoginAttemptsMax: 30 },
    });
    const ip = '203.0.113.9';
    for (let attempt = 0; attempt < 30; attempt++) {
      await other.service
        .logIn({ email: 'nobody@example.com', password: `guess ${attempt} xx` }, { ip })
        .catch(() => {});
    }
    // The first instance's counter is the same one: the 31st attempt from that address is refused.
    await expect(h.identity.logIn({ email: 'burst@example.com', password }, { ip })).rejects.toMatchObject({
      code: 'IDENTITY_LOGIN_THROTTLED',
    });
    await expect(
      h.identity.logIn({ email: 'burst@example.com', password }, { ip: '203.0.113.10' }),
    ).resolves.toMatchObject({
      status: 'signed_in',
    });
  });
});
