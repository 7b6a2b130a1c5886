import type { ApiKeyScope, Clock } from '@tradeloom/kernel';
import type { IpAllowListMatcher } from './ip-allow-list.js';
import type { SignatureVerifier } from './signature-verifier.js';

/** A key ready to check requests: its verifier and allow-list built once, not per request. */
export interface LoadedKey {
  id: string;
  userId: string;
  apiKey: string;
  scopes: readonly ApiKeyScope[];
  expiresAtMs: number | null;
  revoked: boolean;
  allows: IpAllowListMatcher;
  /** Null for revoked keys: their secret is never decrypted. */
  verify: SignatureVerifier | null;
  /** What the row says (updated as this process records uses), for throttling those writes. */
  lastUsedAtMs: number | null;
  lastUsedIp: string | null;
}

interface Entry {
  loadedAtMs: number;
  key: Promise<LoadedKey | null>;
}

/**
 * Keys by X-MBX-APIKEY, kept `ttlMs` so a signed request costs no database read (and no
 * decryption) most of the time. A revocation in this process drops the entry at once; another
 * API process notices within `ttlMs`. Concurrent misses share one load; unknown keys are cached
 * too, so one made-up key cannot make every request read the database.
 */
export class KeyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly load: (apiKey: string) => Promise<LoadedKey | null>,
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly entriesMax: number,
  ) {}

  /** The key, from the cache when fresh. */
  get(apiKey: string): Promise<LoadedKey | null> {
    const nowMs = this.clock.nowMs();
    const cached = this.entries.get(apiKey);
    if (cached !== undefined && nowMs - cached.loadedAtMs < this.ttlMs) return cached.key;
    if (cached !== undefined) this.entries.delete(apiKey);
    const key = this.load(apiKey);
    const entry: Entry = { loadedAtMs: nowMs, key };
    // A failed load is not remembered: the next request tries again.
    key.catch(() => {
      if (this.entries.get(apiKey) === entry) this.entries.delete(apiKey);
    });
    if (this.ttlMs > 0) {
      // Map order is insertion order: the first entry is the oldest.
      if (this.entries.size >= this.entriesMax) {
        const oldest = this.entries.keys().next();
        if (oldest.done !== true) this.entries.delete(oldest.value);
      }
      this.entries.set(apiKey, entry);
    }
    return key;
  }

  /** Drops a key (revoked here), so this process never serves it stale. */
  forget(apiKey: string): void {
    this.entries.delete(apiKey);
  }
}
