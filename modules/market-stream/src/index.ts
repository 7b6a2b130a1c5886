// Live market data: the feed from the engine's durable results (in-process or Redis pub/sub) and
// Binance's WebSocket market streams served from it. See docs/architecture.md, "Live market data".
import type { Database } from '@tradeloom/db';
import { type Clock, DomainError, defineErrorCodes, type PlatformModule } from '@tradeloom/kernel';
import type { CandleInterval } from '@tradeloom/projection';
import { fromLots, fromTicks, padDecimals, type SpotService } from '@tradeloom/spot';
import type { MarketFeed } from './feed/feed-protocol.js';
import { localMarketFeed, type MarketDataPublisher } from './feed/publisher.js';
import { redisMarketFeed } from './feed/redis-feed.js';
import type { KlineRow, StreamStats } from './gateway/stream-hub.js';
import { registerStreamRoutes } from './gateway/stream-routes.js';
import { ListenKeyStreamHub } from './user-data/listen-key-streams.js';
import { UserDataHub, type UserSink } from './user-data/user-data-hub.js';

export type {
  FeedBook,
  FeedHandler,
  FeedLevel,
  FeedMarketUpdate,
  FeedSnapshot,
  FeedTrade,
  FeedUpdate,
  MarketFeed,
} from './feed/feed-protocol.js';
export { feedChannels } from './feed/feed-protocol.js';
export {
  type FeedSink,
  localMarketFeed,
  MarketDataPublisher,
  type PublishableHost,
} from './feed/publisher.js';
export {
  publishMarketDataToRedis,
  type RedisFeedOptions,
  type RedisMarketDataPublishing,
  redisMarketFeed,
} from './feed/redis-feed.js';
export type { StreamStats } from './gateway/stream-hub.js';
export { parseStreamName, type StreamName } from './gateway/stream-names.js';
export type { UserPayload } from './user-data/binance-payloads.js';
export type { UserSink } from './user-data/user-data-hub.js';
export type { FeedUserEvent } from './user-data/user-events.js';

defineErrorCodes({ MARKET_STREAM_UNAVAILABLE: 503 });

export interface MarketStreamDeps {
  database: Database;
  spot: SpotService;
  clock: Clock;
  /** Server mode: the Redis the engine process publishes on, and the deployment's key prefix. */
  redis?: { url: string; keyPrefix: string } | null;
  /** A client whose unsent bytes pass this is disconnected (default 4 MiB). */
  maxBufferedBytes?: number;
  /** Incoming messages per second per connection (Binance: 5). */
  maxMessagesPerSecond?: number;
  heartbeatMs?: number;
  /** The user data streams' lookups (without them no user data is streamed). */
  userData?: UserDataDeps;
}

export interface UserDataDeps {
  /** The user of a live listen key, or null (the binance module's listen keys). */
  userOfListenKey(listenKey: string): Promise<string | null>;
  /** The user's engine account number (the wallet's mapping). */
  engineAccountOf(userId: string): Promise<number>;
  /** An asset's decimals. */
  assetPrecision(asset: string): Promise<number>;
  /** How often the listen keys of open streams are checked for expiry (default 30 s). */
  listenKeyCheckMs?: number;
}

/** Users' private events (executionReport, outboundAccountPosition, balanceUpdate, listStatus). */
export interface UserDataService {
  /** Delivers the user's events, as Binance payloads, in command order, until the returned stop. */
  subscribe(userId: string, sink: UserSink): Promise<() => void>;
  /** Ends listen-key streams whose key lapsed or was closed (also runs on a timer). */
  checkListenKeys(): Promise<void>;
  stats(): { listenKeyStreams: number; subscriptions: number };
}

/** The depth snapshot that pairs with the diff streams (Binance's GET /api/v3/depth). */
export interface DepthSnapshot {
  lastUpdateId: number;
  bids: [price: string, qty: string][];
  asks: [price: string, qty: string][];
}

export interface MarketStreamService {
  /**
   * The book of `symbol` (best first, at most `limit` levels per side) from the feed's state, with the
   * same update-id counter as the diff-depth streams: what a client syncing as Binance documents needs.
   * Throws the spot module's unknown-market error, or MARKET_STREAM_UNAVAILABLE before the first sync.
   */
  depthSnapshot(symbol: string, limit: number): Promise<DepthSnapshot>;
  /**
   * Starts following the market data: the in-process publisher (embedded), else the engine process's
   * over Redis (server mode, `deps.redis`); without either the streams stay silent.
   */
  startFeed(publisher: MarketDataPublisher | null): Promise<void>;
  /** Follows another feed (tests, tools). */
  bindFeed(feed: MarketFeed): Promise<void>;
  stats(): StreamStats;
  /** Unsent bytes past which a client is disconnected (default 4 MiB; tests lower it). */
  setClientBufferLimit(bytes: number): void;
  userData: UserDataService;
}

export function createMarketStreamModule(deps: MarketStreamDeps): {
  module: PlatformModule;
  service: MarketStreamService;
} {
  const { database, spot, clock } = deps;
  const readKline = async (marketId: number, interval: CandleInterval): Promise<KlineRow | null> => {
    const { rows } = await database.query(
      `SELECT open_time::text, open_ticks::text, high_ticks::text, low_ticks::text, close_ticks::text,
         base_volume::text, quote_volume::text, taker_buy_base_volume::text, taker_buy_quote_volume::text,
         trades, first_trade_id::text, last_trade_id::text
       FROM spot_candles WHERE market_id = $1 AND interval = $2 ORDER BY open_time DESC LIMIT 1`,
      [marketId, interval],
    );
    const r = rows[0];
    if (r === undefined) return null;
    return {
      openTime: Number(r.open_time),
      open: Number(r.open_ticks),
      high: Number(r.high_ticks),
      low: Number(r.low_ticks),
      close: Number(r.close_ticks),
      baseVolume: BigInt(String(r.base_volume)),
      quoteVolume: BigInt(String(r.quote_volume)),
      takerBuyBase: BigInt(String(r.taker_buy_base_volume)),
      takerBuyQuote: BigInt(String(r.taker_buy_quote_volume)),
      trades: Number(r.trades),
      firstTradeId: Number(r.first_trade_id),
      lastTradeId: Number(r.last_trade_id),
    };
  };
  const lookups = deps.userData;
  const userData = new UserDataHub({
    spot,
    clock,
    engineAccountOf: (userId) =>
      lookups === undefined
        ? Promise.reject(new Error('market-stream: no user data lookups'))
        : lookups.engineAccountOf(userId),
    assetPrecision: (asset) =>
      lookups === undefined
        ? Promise.reject(new Error('market-stream: no user data lookups'))
        : lookups.assetPrecision(asset),
  });
  const hub = new ListenKeyStreamHub(
    {
      spot,
      clock,
      readKline,
      ...(deps.maxBufferedBytes === undefined ? {} : { maxBufferedBytes: deps.maxBufferedBytes }),
      ...(deps.heartbeatMs === undefined ? {} : { heartbeatMs: deps.heartbeatMs }),
    },
    userData,
    {
      userOfListenKey: (key) =>
        lookups === undefined ? Promise.resolve(null) : lookups.userOfListenKey(key),
      ...(lookups?.listenKeyCheckMs === undefined ? {} : { checkEveryMs: lookups.listenKeyCheckMs }),
    },
  );
  let feed: MarketFeed | null = null;
  let publisher: MarketDataPublisher | null = null;
  const bindFeed = async (next: MarketFeed) => {
    if (feed !== null) throw new Error('market-stream: a feed is already bound');
    feed = next;
    hub.start();
    // One ordered feed: the market data to the stream hub, the users' events to the user data hub.
    await next.start({
      snapshot: (snapshot) => hub.snapshot(snapshot),
      updates: (batch) => {
        hub.updates(batch);
        userData.updates(batch);
      },
    });
  };
  const service: MarketStreamService = {
    async depthSnapshot(symbol, limit) {
      const market = await spot.markets.market(symbol);
      const depth = (await hub.whenSynced(2_000)) ? hub.depth(market.id, limit) : null;
      if (depth === null) {
        throw new DomainError('MARKET_STREAM_UNAVAILABLE', 'Market data is not available yet; retry shortly');
      }
      const side = (levels: [number, number][]) =>
        levels.map(([p, q]): [string, string] => [
          padDecimals(fromTicks(p, market)),
          padDecimals(fromLots(q, market)),
        ]);
      // Formatted as the diff streams are (Binance's at least 8 decimals), so levels match by string.
      return { lastUpdateId: depth.lastUpdateId, bids: side(depth.bids), asks: side(depth.asks) };
    },
    async startFeed(local) {
      if (local !== null) {
        publisher = local;
        await bindFeed(localMarketFeed(local));
      } else if (deps.redis != null) {
        await bindFeed(
          redisMarketFeed({
            redisUrl: deps.redis.url,
            keyPrefix: deps.redis.keyPrefix,
            onError: (error) => process.stderr.write(`market-stream feed: ${String(error)}\n`),
          }),
        );
      }
    },
    bindFeed,
    stats: () => hub.stats(),
    setClientBufferLimit: (bytes) => {
      hub.maxBufferedBytes = bytes;
    },
    userData: {
      subscribe: (userId, sink) => userData.subscribe(userId, sink),
      checkListenKeys: () => hub.checkListenKeys(),
      stats: () => ({ listenKeyStreams: hub.listenKeyStreams, subscriptions: userData.subscriptions }),
    },
  };
  return {
    module: {
      name: 'market-stream',
      routes: (app) => {
        registerStreamRoutes(app, hub, {
          ...(deps.maxMessagesPerSecond === undefined
            ? {}
            : { maxMessagesPerSecond: deps.maxMessagesPerSecond }),
        });
      },
      close: async () => {
        hub.stop();
        userData.close();
        await feed?.close();
        publisher?.close();
      },
    },
    service,
  };
}
