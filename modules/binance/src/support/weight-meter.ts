// Binance's REQUEST_WEIGHT limit: every /api/v3 request costs a weight (its documented one), counted
// per IP in one-minute windows; the used weight is reported in X-MBX-USED-WEIGHT-1M and a request
// past the limit is refused with 429 / -1003. Shared through the platform's rate limiter (Redis in
// server mode) when there is one, else counted in this process.
import type { Clock, RateLimiter } from '@tradeloom/kernel';
import { BinanceError } from './binance-error.js';

export interface WeightDecision {
  used: number;
  allowed: boolean;
  retryAfterMs: number;
}

export interface WeightMeter {
  readonly limit: number;
  consume(ip: string, weight: number): Promise<WeightDecision>;
}

const WINDOW_MS = 60_000;

export function createWeightMeter(options: {
  limit: number;
  rateLimiter: RateLimiter | null;
  clock: Clock;
}): WeightMeter {
  const { limit, rateLimiter, clock } = options;
  if (rateLimiter !== null) {
    return {
      limit,
      async consume(ip, weight) {
        const decision = await rateLimiter.consume(
          'binance-weight',
          ip,
          { points: limit, durationS: 60 },
          weight,
        );
        return {
          used: decision.allowed ? limit - decision.remaining : limit,
          allowed: decision.allowed,
          retryAfterMs: decision.retryAfterMs,
        };
      },
    };
  }
  // Windows start on the minute, as Binance's do; the whole map is dropped when a new one starts.
  let window = -1;
  let used = new Map<string, number>();
  return {
    limit,
    async consume(ip, weight) {
      const now = clock.nowMs();
      const current = Math.floor(now / WINDOW_MS);
      if (current !== window) {
        window = current;
        used = new Map();
      }
      const total = (used.get(ip) ?? 0) + weight;
      used.set(ip, total);
      return { used: total, allowed: total <= limit, retryAfterMs: (current + 1) * WINDOW_MS - now };
    },
  };
}

export function weightExceeded(limit: number, retryAfterMs: number): BinanceError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new BinanceError(
    -1003,
    `Too much request weight used; current limit is ${limit} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.`,
    429,
    { 'retry-after': String(seconds) },
  );
}
