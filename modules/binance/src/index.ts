// The Binance-compatible spot API (/api/v3): Binance's paths, parameters, response shapes, error
// codes and request weights over the spot, wallet and engine services, so that Binance client
// libraries and bots work when pointed at a Tradeloom URL. See docs/api/binance-compat.md.
import { fileURLToPath } from 'node:url';
import type { Database } from '@tradeloom/db';
import type { ApiApp, Clock, PlatformModule, RateLimiter } from '@tradeloom/kernel';
import { createProjectionWaiter } from '@tradeloom/projection';
import type { SpotService } from '@tradeloom/spot';
import type { WalletService } from '@tradeloom/wallet';
import { accountRoutes } from './account/account-routes.js';
import type { BinanceContext, BinanceEnginePort, DepthSnapshotSource } from './binance-context.js';
import { REQUEST_WEIGHT_PER_MINUTE } from './market-data/exchange-info.js';
import { marketDataRoutes } from './market-data/market-data-routes.js';
import { registerBinanceRoutes, type Weight } from './support/binance-routes.js';
import { binanceResponseOf } from './support/error-mapping.js';
import { createReadYourWrites } from './support/read-your-writes.js';
import { createWeightMeter, weightExceeded } from './support/weight-meter.js';
import { orderRoutes } from './trading/order-routes.js';
import { createListenKeyService, type ListenKeyService } from './user-data-stream/listen-keys.js';
import { userDataStreamRoutes } from './user-data-stream/user-data-stream-routes.js';
import { routeTable } from './ws-api/ws-api-methods.js';
import { registerWsApiRoute } from './ws-api/ws-api-routes.js';
import type { UserDataSource, WsApiKeys } from './ws-api/ws-api-session.js';

export type { BinanceEnginePort, BinanceEngineQuery } from './binance-context.js';
export { BinanceError } from './support/binance-error.js';
export type { ListenKeyService } from './user-data-stream/listen-keys.js';
export type { UserDataSource, WsApiKeys } from './ws-api/ws-api-session.js';

export interface BinanceDeps {
  database: Database;
  spot: SpotService;
  wallet: WalletService;
  /**
   * The engine's queries: book (depth with its command seq), status, balances (account). Optional
   * only until the platform passes it: without it those endpoints answer -1000.
   */
  engine?: BinanceEnginePort;
  rateLimiter: RateLimiter | null;
  clock: Clock;
  /** REQUEST_WEIGHT per IP and minute (default Binance's 6,000). */
  weightLimitPerMinute?: number;
  /** The platform's projection waiter (else one of the module's own). */
  projected?: (seq: number, timeoutMs: number) => Promise<void>;
  /** /depth from the market-data feed, on the diff-depth streams' update ids. */
  depthSnapshot?: DepthSnapshotSource;
  /** Signature checks of the WebSocket API (/ws-api/v3); without them its signed methods answer -1000. */
  apiKeys?: WsApiKeys;
  /** The users' private events for the WebSocket API's userDataStream.subscribe. */
  userData?: UserDataSource;
}

export interface BinanceService {
  /** Listen keys of the user data stream (the market-stream module resolves them). */
  listenKeys: ListenKeyService;
}

const PREFIX = '/api/v3';

const missingEngine: BinanceEnginePort = {
  query: async () => {
    throw new Error('binance: the platform passes no engine (BinanceDeps.engine)');
  },
};

export function createBinanceModule(deps: BinanceDeps): { module: PlatformModule; service: BinanceService } {
  const listenKeys = createListenKeyService(deps.database, deps.clock);
  const meter = createWeightMeter({
    limit: deps.weightLimitPerMinute ?? REQUEST_WEIGHT_PER_MINUTE,
    rateLimiter: deps.rateLimiter,
    clock: deps.clock,
  });
  const ctx: BinanceContext = {
    database: deps.database,
    spot: deps.spot,
    wallet: deps.wallet,
    engine: deps.engine ?? missingEngine,
    clock: deps.clock,
    readYourWrites: createReadYourWrites(deps.projected ?? ownWaiter(deps.database)),
    ...(deps.depthSnapshot === undefined ? {} : { depthSnapshot: deps.depthSnapshot }),
  };

  const restRoutes = [
    ...marketDataRoutes(ctx, () => meter.limit),
    ...orderRoutes(ctx),
    ...accountRoutes(ctx),
    ...userDataStreamRoutes(deps.database, deps.clock, listenKeys),
  ];

  const routes = async (app: ApiApp) => {
    // Binance's WebSocket API: the same handlers, weights and error codes as /api/v3.
    registerWsApiRoute(app, {
      routes: routeTable(restRoutes),
      meter,
      clock: deps.clock,
      apiKeys: deps.apiKeys ?? null,
      userData: deps.userData ?? null,
      maxBufferedBytes: 4 * 1024 * 1024,
    });
    await app.register(
      async (scope) => {
        // Binance clients read `{ code, msg }`: every error of these routes, including those of the
        // platform's hooks (rate limit, API-key authentication), is answered in that shape here.
        scope.setErrorHandler((error, request, reply) => {
          const { status, body, headers } = binanceResponseOf(error, request);
          if (headers !== undefined) reply.headers(headers);
          if (status >= 500) request.log.error({ err: error }, 'request failed unexpectedly');
          else request.log.info({ code: body.code }, 'request rejected');
          return reply.status(status).send(body);
        });
        scope.setNotFoundHandler((request, reply) =>
          reply
            .status(404)
            .send({ code: -1000, msg: `Unknown endpoint: ${request.method} ${request.url.split('?')[0]}` }),
        );
        const weights = new Map<string, Weight>();
        scope.addHook('onRequest', async (request, reply) => {
          const weightOf = weights.get(`${request.method} ${request.routeOptions.url ?? ''}`) ?? 1;
          const at = request.url.indexOf('?');
          const query = new URLSearchParams(at < 0 ? '' : request.url.slice(at + 1));
          const weight = typeof weightOf === 'number' ? weightOf : weightOf(query);
          const decision = await meter.consume(request.ip, weight);
          reply.header('x-mbx-used-weight-1m', String(decision.used));
          if (!decision.allowed) throw weightExceeded(meter.limit, decision.retryAfterMs);
        });
        for (const [key, weight] of registerBinanceRoutes(scope, restRoutes)) {
          weights.set(key, weight);
        }
      },
      { prefix: PREFIX },
    );
  };

  return {
    module: {
      name: 'binance',
      migrationsDir: fileURLToPath(new URL('../migrations/', import.meta.url)),
      routes,
    },
    service: { listenKeys },
  };
}

function ownWaiter(database: Database): (seq: number, timeoutMs: number) => Promise<void> {
  const waiter = createProjectionWaiter(database);
  return (seq, timeoutMs) => waiter.waitFor(seq, timeoutMs);
}
