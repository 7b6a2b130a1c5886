// The legacy user data stream: a listen key used as a stream name (/ws/<listenKey>,
// /stream?streams=<listenKey>, or SUBSCRIBE). The stream hub is extended so that such a name, when
// it is a live key, subscribes the connection to its user's events; a key that lapses (60 minutes
// without keepalive) or is closed gets `listenKeyExpired`, and the connection is closed when that
// was its only stream. Names that are no live key stay silent, as any unknown stream name does.
import { type StreamClient, StreamHub, type StreamHubOptions } from '../gateway/stream-hub.js';
import { listenKeyExpired, type UserPayload } from './binance-payloads.js';
import type { UserDataHub } from './user-data-hub.js';

const LISTEN_KEY = /^[A-Za-z0-9]{60}$/;

export interface ListenKeyOptions {
  /** The user of a live listen key, or null (the binance module's listen keys). */
  userOfListenKey(listenKey: string): Promise<string | null>;
  /** How often the keys of open streams are checked for expiry (default 30 s). */
  checkEveryMs?: number;
}

interface Attachment {
  client: StreamClient;
  listenKey: string;
  /** Null while the key is being resolved. */
  stop: (() => void) | null;
  detached: boolean;
}

export class ListenKeyStreamHub extends StreamHub {
  private readonly attached = new Map<StreamClient, Map<string, Attachment>>();
  private checkTimer: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;
  private readonly nowMs: () => number;

  constructor(
    options: StreamHubOptions,
    private readonly userData: UserDataHub,
    private readonly keys: ListenKeyOptions,
  ) {
    super(options);
    this.nowMs = () => options.clock.nowMs();
  }

  override start(): void {
    super.start();
    this.checkTimer = setInterval(() => void this.checkListenKeys(), this.keys.checkEveryMs ?? 30_000);
    this.checkTimer.unref();
  }

  override stop(): void {
    if (this.checkTimer !== null) clearInterval(this.checkTimer);
    for (const byKey of this.attached.values()) for (const a of byKey.values()) this.detach(a);
    this.attached.clear();
    super.stop();
  }

  override subscribe(client: StreamClient, names: readonly string[]): void {
    const fresh = names.filter((name) => LISTEN_KEY.test(name) && !client.streams.has(name));
    super.subscribe(client, names);
    for (const name of fresh) void this.attach(client, name);
  }

  override unsubscribe(client: StreamClient, names: readonly string[]): void {
    super.unsubscribe(client, names);
    const byKey = this.attached.get(client);
    if (byKey === undefined) return;
    for (const name of names) {
      const a = byKey.get(name);
      if (a === undefined) continue;
      this.detach(a);
      byKey.delete(name);
    }
    if (byKey.size === 0) this.attached.delete(client);
  }

  override removeClient(client: StreamClient): void {
    const byKey = this.attached.get(client);
    if (byKey !== undefined) {
      for (const a of byKey.values()) this.detach(a);
      this.attached.delete(client);
    }
    super.removeClient(client);
  }

  /** Listen-key streams attached to their user now. */
  get listenKeyStreams(): number {
    let count = 0;
    for (const byKey of this.attached.values()) for (const a of byKey.values()) if (a.stop !== null) count++;
    return count;
  }

  /**
   * Ends the streams whose key is no longer live: each gets `listenKeyExpired`, and a connection
   * left without streams is closed. Runs on a timer; exposed for tests and tools.
   */
  checkListenKeys(): Promise<void> {
    this.checking ??= this.runCheck().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  private async runCheck(): Promise<void> {
    const byListenKey = new Map<string, Attachment[]>();
    for (const byKey of this.attached.values()) {
      for (const a of byKey.values()) {
        const list = byListenKey.get(a.listenKey) ?? [];
        list.push(a);
        byListenKey.set(a.listenKey, list);
      }
    }
    for (const [listenKey, attachments] of byListenKey) {
      let user: string | null;
      try {
        user = await this.keys.userOfListenKey(listenKey);
      } catch {
        continue; // The database may be briefly unavailable: the next check decides.
      }
      if (user !== null) continue;
      for (const a of attachments) {
        if (a.detached) continue;
        this.send(a.client, listenKey, listenKeyExpired(listenKey, this.nowMs()));
        this.unsubscribe(a.client, [listenKey]);
        if (a.client.streams.size === 0) {
          this.removeClient(a.client);
          a.client.socket.close(1000, 'listenKeyExpired');
        }
      }
    }
  }

  private async attach(client: StreamClient, listenKey: string): Promise<void> {
    let byKey = this.attached.get(client);
    if (byKey === undefined) {
      byKey = new Map();
      this.attached.set(client, byKey);
    }
    const a: Attachment = { client, listenKey, stop: null, detached: false };
    byKey.set(listenKey, a);
    try {
      const userId = await this.keys.userOfListenKey(listenKey);
      if (userId === null || a.detached) return;
      const stop = await this.userData.subscribe(userId, (event) => this.send(client, listenKey, event));
      if (a.detached) stop();
      else a.stop = stop;
    } catch {
      // Resolving failed: the stream stays silent, like a name that is no live key.
    }
  }

  private detach(a: Attachment): void {
    a.detached = true;
    a.stop?.();
    a.stop = null;
  }

  private send(client: StreamClient, listenKey: string, event: UserPayload): void {
    const raw = JSON.stringify(event);
    this.sendTo(client, client.combined ? `{"stream":${JSON.stringify(listenKey)},"data":${raw}}` : raw);
  }
}
