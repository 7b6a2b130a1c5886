// Spot markets: operators define them in decimals; the service derives the engine's integer grid,
// registers the market in the engine, and keeps the engine in step with every change (audited).
import type { Database } from '@tradeloom/db';
import type { MarketFilters, MarketSpec, MarketStatus } from '@tradeloom/engine';
import { type AuditSink, type Clock, DomainError } from '@tradeloom/kernel';
import '../errors.js';
import type { SpotAssets, SpotEnginePort } from '../engine-port.js';
import { feePpm, marketGrid, toLots, toQuoteUnits, toTicks } from './grid.js';
import type { SpotMarket } from './market.js';
import * as repo from './market-repository.js';

export interface MarketSettings {
  minPrice?: string;
  maxPrice?: string;
  minQty?: string;
  maxQty?: string;
  minNotional?: string;
  priceBandBps?: number;
  maxNumOrders?: number;
  maxNumStopOrders?: number;
  makerFee?: string;
  takerFee?: string;
  status?: MarketStatus;
  sortOrder?: number;
}

export interface CreateMarketInput extends MarketSettings {
  base: string;
  quote: string;
  tickSize: string;
  lotSize: string;
  /** Default base+quote. */
  symbol?: string;
}

export interface MarketService {
  createMarket(
    input: CreateMarketInput,
    actor: string,
    options?: { adoptExisting?: boolean },
  ): Promise<SpotMarket>;
  updateMarket(symbol: string, input: MarketSettings, actor: string): Promise<SpotMarket>;
  /** The market, or SPOT_MARKET_NOT_FOUND (served from a short cache: order placement asks per order). */
  market(symbol: string): Promise<SpotMarket>;
  marketById(id: number): Promise<SpotMarket | null>;
  listMarkets(): Promise<SpotMarket[]>;
}

const CACHE_TTL_MS = 1_000;

/** The engine's filters of a market (integers on its grid). */
export function engineFilters(m: SpotMarket): MarketFilters {
  return {
    minPrice: toTicks(m.minPrice, m, 'minPrice'),
    maxPrice: toTicks(m.maxPrice, m, 'maxPrice'),
    minQty: toLots(m.minQty, m, 'minQty'),
    maxQty: toLots(m.maxQty, m, 'maxQty'),
    minNotional: m.minNotional === '0' ? 0 : toQuoteUnits(m.minNotional, m, 'minNotional'),
    priceBandBps: m.priceBandBps,
    maxNumOrders: m.maxNumOrders,
    maxNumStopOrders: m.maxNumStopOrders,
  };
}

export function engineSpec(m: SpotMarket): MarketSpec {
  return {
    id: m.id,
    symbol: m.symbol,
    base: m.base,
    quote: m.quote,
    lotUnits: m.lotUnits,
    tickQuoteUnits: m.tickQuoteUnits,
    filters: engineFilters(m),
    fees: { makerPpm: feePpm(m.makerFee, 'makerFee'), takerPpm: feePpm(m.takerFee, 'takerFee') },
    status: m.status,
  };
}

function check(m: SpotMarket): MarketSpec {
  const spec = engineSpec(m);
  const f = spec.filters;
  if (f.minPrice > f.maxPrice)
    throw new DomainError('SPOT_MARKET_GRID_INVALID', 'minPrice is above maxPrice');
  if (f.minQty > f.maxQty) throw new DomainError('SPOT_MARKET_GRID_INVALID', 'minQty is above maxQty');
  // The engine multiplies price x quantity x tickQuoteUnits in safe integers: keep the worst case inside.
  if (f.maxPrice * f.maxQty * m.tickQuoteUnits > Number.MAX_SAFE_INTEGER) {
    throw new DomainError(
      'SPOT_MARKET_GRID_INVALID',
      'maxPrice x maxQty is beyond what the ledger can hold in quote units: lower one of them',
    );
  }
  return spec;
}

export function createMarketService(deps: {
  database: Database;
  engine: SpotEnginePort;
  assets: SpotAssets;
  audit: AuditSink;
  clock: Clock;
}): MarketService {
  const { database: db, engine, audit, clock } = deps;
  let cache: { at: number; bySymbol: Map<string, SpotMarket>; byId: Map<number, SpotMarket> } | null = null;

  const load = async () => {
    if (cache !== null && clock.nowMs() - cache.at < CACHE_TTL_MS) return cache;
    const markets = await repo.listMarkets(db);
    cache = {
      at: clock.nowMs(),
      bySymbol: new Map(markets.map((m) => [m.symbol, m])),
      byId: new Map(markets.map((m) => [m.id, m])),
    };
    return cache;
  };

  const apply = (m: SpotMarket, input: MarketSettings): SpotMarket => ({
    ...m,
    ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
  });

  return {
    async createMarket(input, actor, options = {}) {
      const [base, quote] = await Promise.all([input.base, input.quote].map((c) => deps.assets.getAsset(c)));
      if (base === undefined || quote === undefined)
        throw new DomainError('SPOT_ASSET_NOT_FOUND', 'Unknown asset');
      if (base.code === quote.code)
        throw new DomainError('SPOT_MARKET_GRID_INVALID', 'base and quote must differ');
      const grid = marketGrid({
        basePrecision: base.precision,
        quotePrecision: quote.precision,
        tickSize: input.tickSize,
        lotSize: input.lotSize,
      });
      const market = await db.transaction(async (tx) => {
        // One market id at a time: the id is the engine's, so it must not be taken twice.
        await tx.query('LOCK TABLE spot_markets IN EXCLUSIVE MODE');
        const draft: SpotMarket = apply(
          {
            id: await repo.nextMarketId(tx),
            symbol: input.symbol ?? `${base.code}${quote.code}`,
            base: base.code,
            quote: quote.code,
            basePrecision: base.precision,
            quotePrecision: quote.precision,
            tickSize: input.tickSize,
            lotSize: input.lotSize,
            ...grid,
            minPrice: input.tickSize,
            maxPrice: input.tickSize,
            minQty: input.lotSize,
            maxQty: input.lotSize,
            minNotional: '0',
            priceBandBps: 0,
            maxNumOrders: 200,
            maxNumStopOrders: 10,
            makerFee: '0.001',
            takerFee: '0.001',
            status: 'TRADING',
            sortOrder: 0,
          },
          input,
        );
        const spec = check(draft);
        if (!(await repo.insertMarket(tx, draft))) {
          throw new DomainError('SPOT_MARKET_EXISTS', `Market ${draft.symbol} exists`);
        }
        const result = await engine.submit({ type: 'addMarket', ts: clock.nowMs(), market: spec });
        if (!result.ok && !(options.adoptExisting === true && result.code === 'MARKET_EXISTS')) {
          throw new DomainError(
            'SPOT_MARKET_GRID_INVALID',
            `The engine refused the market: ${result.message}`,
            {
              engineCode: result.code,
            },
          );
        }
        if (!result.ok) {
          // The engine's journal outlived the database (a demo reset): bring its settings in line.
          await engine.submit({
            type: 'updateMarket',
            ts: clock.nowMs(),
            marketId: spec.id,
            filters: spec.filters,
            fees: spec.fees,
            status: spec.status,
          });
        }
        await audit.record(
          { actor, action: 'spot.market.create', target: `market:${draft.symbol}`, after: draft },
          tx,
        );
        return draft;
      });
      cache = null;
      return market;
    },

    async updateMarket(symbol, input, actor) {
      const market = await db.transaction(async (tx) => {
        const before = await repo.findMarket(tx, symbol, true);
        if (before === null) throw new DomainError('SPOT_MARKET_NOT_FOUND', `No market ${symbol}`);
        const after = apply(before, input);
        const spec = check(after);
        const result = await engine.submit({
          type: 'updateMarket',
          ts: clock.nowMs(),
          marketId: after.id,
          filters: spec.filters,
          fees: spec.fees,
          status: spec.status,
        });
        if (!result.ok) {
          throw new DomainError(
            'SPOT_MARKET_GRID_INVALID',
            `The engine refused the change: ${result.message}`,
            {
              engineCode: result.code,
            },
          );
        }
        await repo.updateMarket(tx, after);
        await audit.record(
          { actor, action: 'spot.market.update', target: `market:${symbol}`, before, after },
          tx,
        );
        return after;
      });
      cache = null;
      return market;
    },

    async market(symbol) {
      const m = (await load()).bySymbol.get(symbol);
      if (m === undefined) throw new DomainError('SPOT_MARKET_NOT_FOUND', `No market ${symbol}`);
      return m;
    },

    async marketById(id) {
      return (await load()).byId.get(id) ?? null;
    },

    async listMarkets() {
      return [...(await load()).bySymbol.values()].sort(
        (a, b) => a.sortOrder - b.sortOrder || (a.symbol < b.symbol ? -1 : 1),
      );
    },
  };
}
