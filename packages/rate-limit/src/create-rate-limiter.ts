import type { RateDecision, RateLimiter, RateRule } from '@tradeloom/kernel';
import { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';

/** Where a rate limiter keeps its counts. */
export interface RateLimiterOptions {
  /** `redis://…` in server mode (all processes share the counts); null keeps them in this process. */
  redisUrl: string | null;
  /** Prefixes every Redis key (and names the memory store's keys the same way). */
  keyPrefix: string;
  /** A Redis command that has not answered after this long fails (fail closed). Default 2000. */
  redisTimeoutMs?: number;
  /** Told about Redis connection errors (ioredis reports each failed reconnect). */
  onRedisError?: (error: Error) => void;
}

/** The kernel's RateLimiter, plus where it keeps its counts. */
export interface TradeloomRateLimiter extends RateLimiter {
  readonly store: 'memory' | 'redis';
}

interface CachedLimiter {
  bucket: string;
  limiter: RateLimiterAbstract;
  /** Redis only: the rule is listed in the bucket's rule set, so `reset` from any process finds it. */
  registered: boolean;
}

/**
 * A fixed-window rate limiter on rate-limiter-flexible: in memory when `redisUrl` is null (embedded
 * mode), in Redis otherwise (server mode, counts shared by every API process). Fails closed: a Redis
 * error rejects the returned promise instead of letting the request through.
 */
export function createRateLimiter(options: RateLimiterOptions): TradeloomRateLimiter {
  const redis =
    options.redisUrl === null
      ? null
      : new Redis(options.redisUrl, {
          // Answer (with an error) within about a request's patience instead of queueing for long
          // while Redis is away: one reconnect attempt per command and a hard per-command timeout.
          maxRetriesPerRequest: 1,
          commandTimeout: options.redisTimeoutMs ?? 2000,
        });
  // Without a listener ioredis prints every connection error itself; the failure still reaches the
  // caller through the rejected command.
  redis?.on('error', (error: Error) => options.onRedisError?.(error));

  const limiters = new Map<string, CachedLimiter>();
  const rulesKey = (bucket: string) => `${options.keyPrefix}:rules:${bucket}`;
  const counterPrefix = (bucket: string, rule: string) => `${options.keyPrefix}:count:${bucket}:${rule}`;
  let closed = false;

  function limiterFor(bucket: string, rule: RateRule): CachedLimiter {
    const ruleName = `${rule.points}/${rule.durationS}`;
    const cacheKey = `${bucket}\u0000${ruleName}`;
    let cached = limiters.get(cacheKey);
    if (cached === undefined) {
      const base = {
        points: rule.points,
        duration: rule.durationS,
        keyPrefix: counterPrefix(bucket, ruleName),
      };
      const limiter =
        redis === null
          ? new RateLimiterMemory(base)
          : new RateLimiterRedis({ ...base, storeClient: redis, rejectIfRedisNotReady: false });
      cached = { bucket, limiter, registered: redis === null };
      limiters.set(cacheKey, cached);
    }
    return cached;
  }

  return {
    store: redis === null ? 'memory' : 'redis',

    async consume(bucket, key, rule, points = 1): Promise<RateDecision> {
      assertOpen(closed);
      assertRule(rule, points);
      const cached = limiterFor(bucket, rule);
      if (!cached.registered && redis !== null) {
        await redis.sadd(rulesKey(bucket), `${rule.points}/${rule.durationS}`);
        cached.registered = true;
      }
      try {
        const result = await cached.limiter.consume(key, points);
        return { allowed: true, remaining: result.remainingPoints, retryAfterMs: 0 };
      } catch (refusal) {
        // rate-limiter-flexible rejects with a RateLimiterRes when the limit is reached and with an
        // Error when the store failed; only the first is an answer.
        if (!(refusal instanceof RateLimiterRes)) throw refusal;
        return { allowed: false, remaining: 0, retryAfterMs: Math.max(1, Math.ceil(refusal.msBeforeNext)) };
      }
    },

    async reset(bucket, key): Promise<void> {
      assertOpen(closed);
      if (redis === null) {
        for (const cached of limiters.values()) {
          if (cached.bucket === bucket) await cached.limiter.delete(key);
        }
        return;
      }
      // Counters are per rule; the bucket's rule set also names the rules other processes used.
      const rules = await redis.smembers(rulesKey(bucket));
      if (rules.length === 0) return;
      await redis.del(...rules.map((rule) => `${counterPrefix(bucket, rule)}:${key}`));
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      limiters.clear();
      if (redis === null) return;
      // quit() waits for Redis to answer, which a Redis that is away never does.
      if (redis.status === 'ready') await redis.quit();
      else redis.disconnect();
    },
  };
}

function assertOpen(closed: boolean): void {
  if (closed) throw new Error('rate limiter is closed');
}

function assertRule(rule: RateRule, points: number): void {
  if (!Number.isSafeInteger(rule.points) || rule.points < 1) {
    throw new RangeError(`rate rule points must be a positive integer, got ${rule.points}`);
  }
  // A zero duration would mean "never expires" to rate-limiter-flexible: a permanent ban.
  if (!Number.isSafeInteger(rule.durationS) || rule.durationS < 1) {
    throw new RangeError(`rate rule durationS must be a positive integer, got ${rule.durationS}`);
  }
  if (!Number.isSafeInteger(points) || points < 1) {
    throw new RangeError(`points to consume must be a positive integer, got ${points}`);
  }
}
