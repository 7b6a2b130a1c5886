import type { Clock, RateDecision, RateLimiter, RateRule } from '@tradeloom/kernel';

/** Windows kept at most; past it, expired ones are dropped, then the oldest. */
const ENTRIES_MAX = 100_000;

/**
 * Fixed-window counters in this process, for when identity is given no RateLimiter (some tests, a
 * single embedded process): login throttling then still works, per process.
 */
export function createMemoryRateLimiter(clock: Clock): RateLimiter {
  const windows = new Map<string, { count: number; endsAtMs: number }>();
  return {
    async consume(bucket: string, key: string, rule: RateRule, points = 1): Promise<RateDecision> {
      const now = clock.nowMs();
      const id = `${bucket}\0${key}`;
      let window = windows.get(id);
      if (window === undefined || window.endsAtMs <= now) {
        if (windows.size >= ENTRIES_MAX) evict(windows, now);
        window = { count: 0, endsAtMs: now + rule.durationS * 1000 };
        windows.set(id, window);
      }
      window.count += points;
      const allowed = window.count <= rule.points;
      return {
        allowed,
        remaining: Math.max(0, rule.points - window.count),
        retryAfterMs: allowed ? 0 : window.endsAtMs - now,
      };
    },
    async reset(bucket: string, key: string): Promise<void> {
      windows.delete(`${bucket}\0${key}`);
    },
    async close(): Promise<void> {
      windows.clear();
    },
  };
}

function evict(windows: Map<string, { endsAtMs: number }>, now: number): void {
  for (const [id, window] of windows) if (window.endsAtMs <= now) windows.delete(id);
  // Maps iterate in insertion order: what is left first is the oldest.
  for (const id of windows.keys()) {
    if (windows.size < ENTRIES_MAX) break;
    windows.delete(id);
  }
}
