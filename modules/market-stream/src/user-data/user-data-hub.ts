// The gateway side of the user data streams, in each API process: follows the feed's user events,
// keeps those of the users with a live subscription here (listen-key streams, WebSocket API
// sessions), converts them to Binance's payloads and hands them to the subscribers, in command
// order. Subscriptions are keyed by engine account number: an event reaches only its owner's sinks.
import type { Clock } from '@tradeloom/kernel';
import type { SpotMarket, SpotService } from '@tradeloom/spot';
import type { FeedUpdate } from '../feed/feed-protocol.js';
import {
  accountPosition,
  balanceUpdate,
  executionReport,
  listStatus,
  type UserPayload,
} from './binance-payloads.js';
import type { FeedUserEvent } from './user-events.js';

/** Receives one user's events, as Binance payloads. */
export type UserSink = (event: UserPayload) => void;

export interface UserDataHubDeps {
  spot: SpotService;
  clock: Clock;
  /** The user's engine account number (the wallet module's mapping). */
  engineAccountOf(userId: string): Promise<number>;
  /** An asset's decimals. */
  assetPrecision(asset: string): Promise<number>;
}

export class UserDataHub {
  private readonly sinks = new Map<number, Set<UserSink>>();
  private readonly markets = new Map<number, SpotMarket>();
  private readonly precisions = new Map<string, number>();
  private readonly pending: FeedUserEvent[] = [];
  private draining = false;
  private closed = false;

  constructor(private readonly deps: UserDataHubDeps) {}

  /** Sinks subscribed now (all users). */
  get subscriptions(): number {
    let count = 0;
    for (const set of this.sinks.values()) count += set.size;
    return count;
  }

  /** Starts delivering the user's events to `sink`; returns how to stop. */
  async subscribe(userId: string, sink: UserSink): Promise<() => void> {
    const account = await this.deps.engineAccountOf(userId);
    let set = this.sinks.get(account);
    if (set === undefined) {
      set = new Set();
      this.sinks.set(account, set);
    }
    set.add(sink);
    return () => {
      const current = this.sinks.get(account);
      if (current === undefined) return;
      current.delete(sink);
      if (current.size === 0) this.sinks.delete(account);
    };
  }

  /** The feed's updates: the events of subscribed users are queued and delivered in order. */
  updates(batch: readonly FeedUpdate[]): void {
    if (this.sinks.size === 0) return;
    for (const update of batch) {
      const users = update.users;
      if (users === undefined) continue;
      for (const event of users) if (this.sinks.has(event.u)) this.pending.push(event);
    }
    if (this.pending.length > 0) void this.drain();
  }

  close(): void {
    this.closed = true;
    this.sinks.clear();
    this.pending.length = 0;
  }

  /**
   * Delivers the queue. Most events format at once; one naming a market or asset not loaded yet
   * waits for it (and the events behind it wait too, so each user's order is kept).
   */
  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.pending.length > 0 && !this.closed) {
        const event = this.pending[0] as FeedUserEvent;
        let payload: UserPayload | null;
        try {
          payload = this.format(event);
          if (payload === null) {
            await this.load(event);
            payload = this.format(event);
          }
        } catch {
          // A market or asset that cannot be read: that event is dropped, not the stream.
          payload = null;
        }
        this.pending.shift();
        if (payload === null) continue;
        const set = this.sinks.get(event.u);
        if (set === undefined) continue;
        for (const sink of set) sink(payload);
      }
    } finally {
      this.draining = false;
    }
  }

  /** The payload, or null when a market or asset of it is not loaded. */
  private format(event: FeedUserEvent): UserPayload | null {
    const now = this.deps.clock.nowMs();
    switch (event.k) {
      case 'o': {
        const m = this.markets.get(event.m);
        return m === undefined ? null : executionReport(event, m, now);
      }
      case 'l': {
        const m = this.markets.get(event.m);
        return m === undefined ? null : listStatus(event, m, now);
      }
      case 'b': {
        if (event.B.some(([asset]) => !this.precisions.has(asset))) return null;
        return accountPosition(event, (asset) => this.precisions.get(asset) ?? 8, now);
      }
      case 't': {
        const precision = this.precisions.get(event.a);
        return precision === undefined ? null : balanceUpdate(event, precision, now);
      }
    }
  }

  private async load(event: FeedUserEvent): Promise<void> {
    if (event.k === 'o' || event.k === 'l') {
      for (const market of await this.deps.spot.markets.listMarkets()) this.markets.set(market.id, market);
      if (!this.markets.has(event.m)) throw new Error(`market ${event.m} is not listed`);
      return;
    }
    const assets = event.k === 'b' ? event.B.map(([asset]) => asset) : [event.a];
    for (const asset of assets) {
      if (!this.precisions.has(asset)) this.precisions.set(asset, await this.deps.assetPrecision(asset));
    }
  }
}
