// Proves the rate limiter counts, refuses, expires, resets and shares counts alike in memory and in real Redis.
import { randomUUID } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import type { RateRule } from '@tradeloom/kernel';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createRateLimiter, type TradeloomRateLimiter } from './create-rate-limiter.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const keyPrefix = `test-rl-${randomUUID()}`;
const admin = new Redis(REDIS_URL);

afterAll(async () => {
  await deleteKeys(`${keyPrefix}:*`);
  expect(await admin.keys(`${keyPrefix}:*`)).toEqual([]);
  await admin.quit();
});

async function deleteKeys(pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) await admin.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(['memory', 'redis'] as const)('rate limiter in %s', (store) => {
  const opened: TradeloomRateLimiter[] = [];
  function open(): TradeloomRateLimiter {
    const limiter = createRateLimiter({ redisUrl: store === 'redis' ? REDIS_URL : null, keyPrefix });
    opened.push(limiter);
    return limiter;
  }
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((limiter) => limiter.close()));
  });
  // Each test uses its own bucket so the shared Redis prefix cannot leak counts between tests.
  const bucket = () => `${store}-${randomUUID()}`;

  it('uses the store the mode asks for', () => {
    expect(open().store).toBe(store);
  });

  it('allows `points` per window, counting down, then refuses with a retry delay inside the window', async () => {
    const limiter = open();
    const b = bucket();
    const rule: RateRule = { points: 3, durationS: 60 };
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await limiter.consume(b, '10.0.0.1', rule));
    expect(answers.slice(0, 3)).toEqual([
      { allowed: true, remaining: 2, retryAfterMs: 0 },
      { allowed: true, remaining: 1, retryAfterMs: 0 },
      { allowed: true, remaining: 0, retryAfterMs: 0 },
    ]);
    const refused = answers[3]!;
    expect(refused.allowed).toBe(false);
    expect(refused.remaining).toBe(0);
    expect(refused.retryAfterMs).toBeGreaterThan(55_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
    // Refusals keep refusing; they never throw.
    expect((await limiter.consume(b, '10.0.0.1', rule)).allowed).toBe(false);
  });

  it('counts keys and buckets separately', async () => {
    const limiter = open();
    const [b1, b2] = [bucket(), bucket()];
    const rule: RateRule = { points: 1, durationS: 60 };
    expect((await limiter.consume(b1, 'a', rule)).allowed).toBe(true);
    expect((await limiter.consume(b1, 'a', rule)).allowed).toBe(false);
    expect((await limiter.consume(b1, 'b', rule)).allowed).toBe(true);
    expect((await limiter.consume(b2, 'a', rule)).allowed).toBe(true);
  });

  it('consumes several points at once and refuses a cost larger than what is left', async () => {
    const limiter = open();
    const b = bucket();
    const rule: RateRule = { points: 10, durationS: 60 };
    expect(await limiter.consume(b, 'k', rule, 7)).toEqual({ allowed: true, remaining: 3, retryAfterMs: 0 });
    expect((await limiter.consume(b, 'k', rule, 4)).allowed).toBe(false);
    expect((await limiter.consume(bucket(), 'k', rule, 11)).allowed).toBe(false);
  });

  it('opens a new window once the old one expired', async () => {
    const limiter = open();
    const b = bucket();
    const rule: RateRule = { points: 2, durationS: 1 };
    await limiter.consume(b, 'k', rule);
    await limiter.consume(b, 'k', rule);
    const refused = await limiter.consume(b, 'k', rule);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(1000);
    await sleep(refused.retryAfterMs + 100);
    expect(await limiter.consume(b, 'k', rule)).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
  });

  it('reset forgets a key (under every rule of the bucket) and leaves other keys alone', async () => {
    const limiter = open();
    const b = bucket();
    const strict: RateRule = { points: 1, durationS: 60 };
    const loose: RateRule = { points: 5, durationS: 300 };
    await limiter.consume(b, 'victim', strict);
    await limiter.consume(b, 'victim', loose);
    await limiter.consume(b, 'other', strict);
    expect((await limiter.consume(b, 'victim', strict)).allowed).toBe(false);

    await limiter.reset(b, 'victim');
    expect(await limiter.consume(b, 'victim', strict)).toEqual({
      allowed: true,
      remaining: 0,
      retryAfterMs: 0,
    });
    expect((await limiter.consume(b, 'victim', loose)).remaining).toBe(4);
    expect((await limiter.consume(b, 'other', strict)).allowed).toBe(false);
    // Resetting a key or bucket that never counted anything is harmless.
    await limiter.reset(bucket(), 'nobody');
  });

  it('rejects malformed rules as programmer errors', async () => {
    const limiter = open();
    await expect(limiter.consume(bucket(), 'k', { points: 0, durationS: 60 })).rejects.toThrow(RangeError);
    await expect(limiter.consume(bucket(), 'k', { points: 5, durationS: 0 })).rejects.toThrow(RangeError);
    await expect(limiter.consume(bucket(), 'k', { points: 5, durationS: 1.5 })).rejects.toThrow(RangeError);
    await expect(limiter.consume(bucket(), 'k', { points: 5, durationS: 60 }, 0)).rejects.toThrow(RangeError);
  });

  it('refuses to work after close', async () => {
    const limiter = open();
    await limiter.close();
    await expect(limiter.consume(bucket(), 'k', { points: 1, durationS: 1 })).rejects.toThrow(/closed/);
    await limiter.close();
  });
});

describe('rate limiter on Redis shared by several processes', () => {
  const limiters: TradeloomRateLimiter[] = [];
  afterEach(async () => {
    await Promise.all(limiters.splice(0).map((limiter) => limiter.close()));
  });
  function open(url = REDIS_URL, redisTimeoutMs?: number): TradeloomRateLimiter {
    const limiter = createRateLimiter({
      redisUrl: url,
      keyPrefix,
      onRedisError: () => {},
      ...(redisTimeoutMs === undefined ? {} : { redisTimeoutMs }),
    });
    limiters.push(limiter);
    return limiter;
  }

  it('two limiter instances see the same counts and the same resets', async () => {
    const [first, second] = [open(), open()];
    const b = `shared-${randomUUID()}`;
    const rule: RateRule = { points: 4, durationS: 60 };
    expect((await first.consume(b, 'u', rule)).remaining).toBe(3);
    expect((await second.consume(b, 'u', rule)).remaining).toBe(2);
    expect((await first.consume(b, 'u', rule, 2)).remaining).toBe(0);
    expect((await second.consume(b, 'u', rule)).allowed).toBe(false);

    await first.reset(b, 'u');
    expect((await second.consume(b, 'u', rule)).remaining).toBe(3);
  });

  it('reset in one process clears a rule only another process used', async () => {
    const [first, second] = [open(), open()];
    const b = `shared-${randomUUID()}`;
    const onlySecond: RateRule = { points: 2, durationS: 120 };
    await second.consume(b, 'u', onlySecond);
    await second.consume(b, 'u', onlySecond);
    expect((await second.consume(b, 'u', onlySecond)).allowed).toBe(false);
    await first.reset(b, 'u');
    expect((await second.consume(b, 'u', onlySecond)).allowed).toBe(true);
  });

  it('keeps every key under the prefix and expires counters with the window', async () => {
    const limiter = open();
    const b = `ttl-${randomUUID()}`;
    await limiter.consume(b, 'u', { points: 5, durationS: 30 });
    const keys = await admin.keys(`${keyPrefix}:*${b}*`);
    expect(keys.sort()).toEqual([`${keyPrefix}:count:${b}:5/30:u`, `${keyPrefix}:rules:${b}`]);
    const ttlMs = await admin.pttl(`${keyPrefix}:count:${b}:5/30:u`);
    expect(ttlMs).toBeGreaterThan(25_000);
    expect(ttlMs).toBeLessThanOrEqual(30_000);
  });

  it('fails closed: an unreachable Redis throws instead of allowing the request', async () => {
    const limiter = open('redis://127.0.0.1:1', 500);
    const started = Date.now();
    await expect(limiter.consume('any', 'k', { points: 100, durationS: 60 })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('fails closed within redisTimeoutMs when Redis accepts the connection but never answers', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    try {
      const limiter = open(`redis://127.0.0.1:${address.port}`, 300);
      const started = Date.now();
      await expect(limiter.consume('any', 'k', { points: 100, durationS: 60 })).rejects.toThrow(/timed out/i);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
