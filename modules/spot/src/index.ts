import { fileURLToPath } from 'node:url';
import type { Database } from '@tradeloom/db';
import { type AuditSink, type Clock, type PlatformModule, systemClock } from '@tradeloom/kernel';
import './errors.js';
import type { EngineAccountOf, SpotAssets, SpotEnginePort } from './engine-port.js';
import {
  createFavoritesService,
  type FavoritesService,
  registerFavoritesRoutes,
} from './favorites/favorites.js';
import { registerMarketDataRoutes } from './market-data/market-data-routes.js';
import { createMarketDataService, type MarketDataService } from './market-data/market-data-service.js';
import { registerMarketRoutes } from './markets/market-routes.js';
import { createMarketService, type MarketService } from './markets/market-service.js';
import { registerOrderRoutes } from './orders/order-routes.js';
import { createOrderService, type OrderService } from './orders/order-service.js';
import { spotPermissions } from './permissions.js';

export type {
  BookQueryView,
  EngineAccountOf,
  SpotAssets,
  SpotEnginePort,
  SpotEngineQuery,
} from './engine-port.js';
export { SPOT_ERRORS, type SpotErrorCode } from './errors.js';
export type { FavoritesService } from './favorites/favorites.js';
export type {
  BookView,
  CandleView,
  MarketDataService,
  PublicTrade,
  TickerView,
} from './market-data/market-data-service.js';
export {
  feePpm,
  fromLots,
  fromQuoteUnits,
  fromTicks,
  type Grid,
  marketGrid,
  padDecimals,
  toLots,
  toQuoteUnits,
  toTicks,
} from './markets/grid.js';
export type { SpotMarket } from './markets/market.js';
export {
  type CreateMarketInput,
  engineSpec,
  type MarketService,
  type MarketSettings,
} from './markets/market-service.js';
export type {
  OrderQuery,
  OrderService,
  PlacedOrder,
  PlaceOcoInput,
  PlaceOrderInput,
  TradeView,
} from './orders/order-service.js';
export type { FillView, OrderView } from './orders/order-view.js';
export { PERMISSION_SPOT_MARKETS } from './permissions.js';

export interface SpotDeps {
  database: Database;
  engine: SpotEnginePort;
  assets: SpotAssets;
  engineAccountOf: EngineAccountOf;
  audit: AuditSink;
  /** Resolves once the read model holds a command. */
  projected: (seq: number) => Promise<void>;
  clock?: Clock;
}

export interface SpotService {
  markets: MarketService;
  orders: OrderService;
  marketData: MarketDataService;
  favorites: FavoritesService;
}

/** The spot exchange: markets, orders, market data and the watchlist. */
export function createSpotModule(deps: SpotDeps): { module: PlatformModule; service: SpotService } {
  const clock = deps.clock ?? systemClock;
  const markets = createMarketService({ ...deps, clock });
  const orders = createOrderService({ ...deps, markets, clock });
  const marketData = createMarketDataService({ ...deps, markets, clock });
  const favorites = createFavoritesService({ database: deps.database, markets });
  return {
    module: {
      name: 'spot',
      migrationsDir: fileURLToPath(new URL('../migrations/', import.meta.url)),
      permissions: spotPermissions,
      routes: (app) => {
        registerMarketRoutes(app, markets);
        registerMarketDataRoutes(app, marketData);
        registerOrderRoutes(app, orders);
        registerFavoritesRoutes(app, favorites);
      },
    },
    service: { markets, orders, marketData, favorites },
  };
}
