// Proves both replay guards: a signature is accepted once and refused while its lifetime lasts,
// forgotten afterwards (memory guard sweeps), bounded in memory, and shared between processes
// through the Redis-backed rate limiter.
import { randomUUID } from 'node:crypto';
import { DomainError, SettableClock } from '@tradeloom/kernel';
import { createRateLimiter } from '@tradeloom/rate-limit';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryReplayGuard, rateLimiterReplayGuard } from './replay-guard.js';

describe('memory replay guard', () => {
  it('refuses a key while it lives, accepts it again once expired', async () => {
    const clock = new SettableClock(1_700_000_000_000);
    const guard = createMemoryReplayGuard({ clock });
    expect(await guard.firstUse('a', 6000)).toBe(true);
    expect(await guard.firstUse('a', 6000)).toBe(false);
    expect(await guard.firstUse('b', 6000)).toBe(true);
    clock.advance(6000);
    expect(await guard.firstUse('a', 6000)).toBe(false);
    clock.advance(1);
    expect(await guard.firstUse('a', 6000)).toBe(true);
  });

  it('forgets expired keys, so its size stays bounded by what is alive', async () => {
    const clock = new SettableClock(1_700_000_000_000);
    const guard = createMemoryReplayGuard({ clock, entriesMax: 3 });
    for (const key of ['a', 'b', 'c']) expect(await guard.firstUse(key, 1000)).toBe(true);
    const full = await guard.firstUse('d', 1000).catch((error: unknown) => error);
    expect(full).toBeInstanceOf(DomainError);
    expect((full as DomainError).code).toBe('RATE_LIMITED');
    clock.advance(2500);
    // The three expired keys are swept: room again.
    for (const key of ['d', 'e', 'f']) expect(await guard.firstUse(key, 1000)).toBe(true);
  });
});

describe('replay guard over the Redis rate limiter', () => {
  const keyPrefix = `test-replay-${randomUUID()}`;
  const processes = [
    createRateLimiter({ redisUrl: 'redis://127.0.0.1:6379', keyPrefix }),
    createRateLimiter({ redisUrl: 'redis://127.0.0.1:6379', keyPrefix }),
  ];
  afterAll(async () => {
    // Each key lives as long as its window (a second or two here); reset removes them now.
    for (const key of ['sig-1', 'sig-2']) await processes[0]?.reset('api-key-signature', key);
    await Promise.all(processes.map((limiter) => limiter.close()));
    // The limiter's registry of rules outlives the counters: the test leaves no key behind.
    const redis = new Redis('redis://127.0.0.1:6379');
    const left = await redis.keys(`${keyPrefix}*`);
    if (left.length > 0) await redis.del(...left);
    redis.disconnect();
  });

  it('a signature seen by one process is a replay in another, and expires with its lifetime', async () => {
    const [first, second] = processes.map(rateLimiterReplayGuard);
    expect(await first?.firstUse('sig-1', 1000)).toBe(true);
    expect(await second?.firstUse('sig-1', 1000)).toBe(false);
    expect(await first?.firstUse('sig-1', 1000)).toBe(false);
    expect(await second?.firstUse('sig-2', 1000)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await second?.firstUse('sig-1', 1000)).toBe(true);
  });
});
