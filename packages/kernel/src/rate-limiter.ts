/** One limit: at most `points` per `durationS` seconds per key. */
export interface RateRule {
  points: number;
  durationS: number;
}

/** What consuming from a bucket answered. */
export interface RateDecision {
  allowed: boolean;
  /** Points left in the window after this request (0 when refused). */
  remaining: number;
  /** When refused: how long until one point is available again. */
  retryAfterMs: number;
}

/**
 * Counts requests per (bucket, key) in fixed windows; memory in embedded mode, Redis in server mode
 * (so all API processes share the counts). The rate-limit package implements it.
 */
export interface RateLimiter {
  consume(bucket: string, key: string, rule: RateRule, points?: number): Promise<RateDecision>;
  /** Forgets a key's count (a successful login clears its failures). */
  reset(bucket: string, key: string): Promise<void>;
  close(): Promise<void>;
}
