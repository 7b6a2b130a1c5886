import type { Clock } from '@tradeloom/kernel';

/** Default time a resolved permission set is reused before it is read again. */
export const PERMISSION_CACHE_TTL_MS = 5_000;
/** Bound of the cache; the oldest entry is dropped past it. */
export const PERMISSION_CACHE_ENTRIES_MAX = 10_000;

interface CacheEntry {
  permissions: ReadonlySet<string>;
  expiresAtMs: number;
}

/**
 * Resolved permissions per user, for a short time. Changes made in this process invalidate it at
 * once; changes made by another process are seen after at most `ttlMs`.
 */
export class PermissionCache {
  private readonly entries = new Map<string, CacheEntry>();
  // Bumped by every invalidation: a read that started before one must not store what it read.
  private generationValue = 0;

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly entriesMax: number = PERMISSION_CACHE_ENTRIES_MAX,
  ) {}

  /** The invalidation count; pass it back to `set` with what was read after taking it. */
  get generation(): number {
    return this.generationValue;
  }

  /** The cached set, or undefined when absent or expired. */
  get(userId: string): ReadonlySet<string> | undefined {
    const entry = this.entries.get(userId);
    if (entry === undefined) return undefined;
    if (entry.expiresAtMs <= this.clock.nowMs()) {
      this.entries.delete(userId);
      return undefined;
    }
    return entry.permissions;
  }

  /** Stores a set read while `generation` was current; dropped if an invalidation came since. */
  set(userId: string, permissions: ReadonlySet<string>, generation: number): void {
    if (this.ttlMs <= 0 || generation !== this.generationValue) return;
    this.entries.delete(userId);
    if (this.entries.size >= this.entriesMax) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(userId, { permissions, expiresAtMs: this.clock.nowMs() + this.ttlMs });
  }

  /** Forgets one user's set, or every set (a role's permissions changed). */
  invalidate(userId?: string): void {
    this.generationValue += 1;
    if (userId === undefined) this.entries.clear();
    else this.entries.delete(userId);
  }
}
