// The feed across processes (server mode): the engine process publishes on one Redis channel, in
// order; each API process subscribes, asks for a snapshot, and resyncs when it sees a gap.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  type FeedHandler,
  type FeedSnapshot,
  feedChannels,
  type MarketFeed,
  type WireMessage,
  wireMessageSchema,
} from './feed-protocol.js';
import { MarketDataPublisher, type PublishableHost } from './publisher.js';

export interface RedisFeedOptions {
  redisUrl: string;
  /** The deployment's REDIS_KEY_PREFIX (tests use their own). */
  keyPrefix: string;
  onError?: (error: unknown) => void;
}

/** A publisher attached to the engine host, publishing to Redis. */
export interface RedisMarketDataPublishing {
  publisher: MarketDataPublisher;
  close(): Promise<void>;
}

/**
 * Attaches a publisher to the engine host and publishes its updates on the data channel; answers
 * snapshot requests on the same channel (so a snapshot sits in order among the updates), and
 * announces itself with a snapshot at start so gateways resync when the engine restarts.
 */
export async function publishMarketDataToRedis(
  host: PublishableHost,
  options: RedisFeedOptions,
): Promise<RedisMarketDataPublishing> {
  const channels = feedChannels(options.keyPrefix);
  const run = randomUUID();
  let n = 0;
  const publisher = new MarketDataPublisher(host);
  const pub = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const sub = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const onError = options.onError ?? (() => {});
  pub.on('error', onError);
  sub.on('error', onError);
  // Publishes go out in call order on one connection: the channel keeps the publisher's order.
  const send = (message: WireMessage) => {
    pub.publish(channels.data, JSON.stringify(message)).catch(onError);
  };
  const sendSnapshot = () => {
    // snapshot() first hands the buffered updates to the sink below, so they go out before it.
    const snapshot = publisher.snapshot();
    send({ k: 's', r: run, n: ++n, snapshot });
  };
  publisher.subscribe((batch) => send({ k: 'u', r: run, n: ++n, updates: [...batch] }));
  sub.on('message', (channel) => {
    if (channel === channels.requests) sendSnapshot();
  });
  await sub.subscribe(channels.requests);
  sendSnapshot();
  return {
    publisher,
    close: async () => {
      publisher.flush();
      publisher.close();
      sub.disconnect();
      await pub.quit().catch(() => pub.disconnect());
    },
  };
}

/** The gateway's side: subscribes, syncs from a snapshot, follows the updates, resyncs on a gap. */
export function redisMarketFeed(options: RedisFeedOptions & { retryMs?: number }): MarketFeed {
  const channels = feedChannels(options.keyPrefix);
  const onError = options.onError ?? (() => {});
  let sub: Redis | null = null;
  let pub: Redis | null = null;
  let retry: NodeJS.Timeout | null = null;
  /** The publisher run and message number followed; null while waiting for a snapshot. */
  let position: { r: string; n: number } | null = null;
  return {
    start: async (handler: FeedHandler) => {
      sub = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
      pub = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
      sub.on('error', onError);
      pub.on('error', onError);
      const requestSnapshot = () => {
        pub?.publish(channels.requests, '1').catch(onError);
      };
      const lose = () => {
        position = null;
        requestSnapshot();
      };
      let firstSnapshot: (() => void) | null = null;
      const synced = new Promise<void>((resolve) => {
        firstSnapshot = resolve;
      });
      sub.on('message', (_channel: string, text: string) => {
        let message: WireMessage;
        try {
          message = wireMessageSchema.parse(JSON.parse(text));
        } catch (error) {
          onError(error);
          return;
        }
        if (message.k === 's') {
          // Any snapshot (whoever asked) is a valid state to start from; in sequence it changes nothing.
          if (position !== null && position.r === message.r && position.n + 1 === message.n) {
            position.n = message.n;
            return;
          }
          position = { r: message.r, n: message.n };
          handler.snapshot(message.snapshot as FeedSnapshot);
          firstSnapshot?.();
          firstSnapshot = null;
          return;
        }
        if (position === null) return;
        if (position.r !== message.r || position.n + 1 !== message.n) {
          lose();
          return;
        }
        position.n = message.n;
        handler.updates(message.updates);
      });
      // After a reconnect messages may have been missed: start over from a snapshot.
      sub.on('ready', () => {
        if (position !== null) lose();
      });
      await sub.subscribe(channels.data);
      requestSnapshot();
      // Until a publisher answers (the engine process may start later), ask again now and then.
      retry = setInterval(() => {
        if (position === null) requestSnapshot();
      }, options.retryMs ?? 1_000);
      retry.unref();
      await Promise.race([synced, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    },
    close: async () => {
      if (retry !== null) clearInterval(retry);
      sub?.disconnect();
      pub?.disconnect();
    },
  };
}
