import { type Clock, DomainError, type RateLimiter } from '@tradeloom/kernel';

/**
 * Remembers accepted signatures for as long as they could be accepted again, so a captured signed
 * request cannot be sent twice (Binance itself only bounds it by the receive window).
 */
export interface ReplayGuard {
  /** Records `key` for `lifetimeMs`; false when it is already recorded (a replay). */
  firstUse(key: string, lifetimeMs: number): Promise<boolean>;
}

/** Options of the in-process replay guard. */
export interface MemoryReplayGuardOptions {
  clock: Clock;
  /** Signatures remembered at once; beyond it requests are refused (429) rather than forgotten. */
  entriesMax?: number;
}

/**
 * The in-process guard (embedded mode, one API process). Several API processes each keep their
 * own: use `rateLimiterReplayGuard` over the shared Redis store there.
 */
export function createMemoryReplayGuard(options: MemoryReplayGuardOptions): ReplayGuard {
  const entriesMax = options.entriesMax ?? 500_000;
  const expiresAtByKey = new Map<string, number>();
  // Keys grouped by the second they expire in: a sweep drops whole past seconds, without scanning
  // every key (at most recvWindowMax / 1 s + 2 groups exist at once).
  const keysBySecond = new Map<number, string[]>();
  let sweptUpToSecond = 0;

  function sweep(nowMs: number): void {
    const nowSecond = Math.floor(nowMs / 1000);
    if (nowSecond <= sweptUpToSecond) return;
    sweptUpToSecond = nowSecond;
    for (const [second, keys] of keysBySecond) {
      if (second >= nowSecond) continue;
      for (const key of keys) {
        const expiresAt = expiresAtByKey.get(key);
        if (expiresAt !== undefined && expiresAt < nowMs) expiresAtByKey.delete(key);
      }
      keysBySecond.delete(second);
    }
  }

  return {
    async firstUse(key, lifetimeMs) {
      const nowMs = options.clock.nowMs();
      sweep(nowMs);
      const known = expiresAtByKey.get(key);
      if (known !== undefined && known >= nowMs) return false;
      if (expiresAtByKey.size >= entriesMax) {
        throw new DomainError(
          'RATE_LIMITED',
          'Too many signed requests at once; retry in 1 s',
          { retryAfterS: 1 },
          {
            'retry-after': '1',
          },
        );
      }
      const expiresAt = nowMs + lifetimeMs;
      expiresAtByKey.set(key, expiresAt);
      const second = Math.floor(expiresAt / 1000);
      const group = keysBySecond.get(second);
      if (group === undefined) keysBySecond.set(second, [key]);
      else group.push(key);
      return true;
    },
  };
}

/**
 * A guard over the platform's RateLimiter (Redis in server mode, so every API process sees every
 * signature): one point per signature. It relies on the limiter's window starting at a key's first
 * use, as rate-limiter-flexible's does; the window length is rounded up to whole seconds.
 */
export function rateLimiterReplayGuard(limiter: RateLimiter): ReplayGuard {
  return {
    async firstUse(key, lifetimeMs) {
      // The lifetime derives from the signed recvWindow, so a replay lands on the same rule (and key).
      const durationS = Math.ceil(lifetimeMs / 1000);
      const decision = await limiter.consume('api-key-signature', key, { points: 1, durationS });
      return decision.allowed;
    },
  };
}
