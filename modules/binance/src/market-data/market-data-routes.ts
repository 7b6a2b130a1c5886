// Binance's public market data endpoints: ping, time, exchangeInfo, depth, trades, historicalTrades,
// aggTrades, klines, avgPrice and the 24 h, price and book tickers.
import type { MarketDataService, SpotMarket } from '@tradeloom/spot';
import { fromLots, fromTicks } from '@tradeloom/spot';
import type { BinanceContext, EngineBook, EngineStatus } from '../binance-context.js';
import { marketOf } from '../binance-context.js';
import { BinanceError, invalidSymbol } from '../support/binance-error.js';
import type { BinanceRoute } from '../support/binance-routes.js';
import { fmt8, ratioFmt8, unitsOf } from '../support/format.js';
import type { Params } from '../support/params.js';
import { exchangeInfo } from './exchange-info.js';

type CandleInterval = Parameters<MarketDataService['candles']>[1];
const INTERVALS: readonly CandleInterval[] = [
  '1s',
  '1m',
  '3m',
  '5m',
  '15m',
  '30m',
  '1h',
  '2h',
  '4h',
  '6h',
  '8h',
  '12h',
  '1d',
  '3d',
  '1w',
  '1M',
];

/** The engine's book query answers at most this many levels a side. */
const ENGINE_DEPTH_MAX = 1000;
const tag = 'binance: market data';

function depthWeight(query: URLSearchParams): number {
  const limit = Number(query.get('limit') ?? 100);
  if (!(limit <= 100)) return limit <= 500 ? 25 : limit <= 1000 ? 50 : 250;
  return 5;
}

function symbolsWeight(one: number, few: number, many: number) {
  return (query: URLSearchParams): number => {
    if (query.has('symbol')) return one;
    const list = query.get('symbols');
    if (list === null) return many;
    const count = list.split(',').length;
    return count <= 20 ? one : count <= 100 ? few : many;
  };
}

/** The markets a ticker request names: one (`symbol`), several (`symbols`) or all. */
async function marketsOf(
  ctx: BinanceContext,
  params: Params,
): Promise<{ markets: SpotMarket[]; single: boolean }> {
  const symbol = params.symbol('optional');
  const symbols = params.symbols();
  if (symbol !== undefined && symbols !== undefined) {
    throw new BinanceError(-1128, 'Combination of optional parameters invalid.');
  }
  if (symbol !== undefined) return { markets: [await marketOf(ctx, symbol)], single: true };
  if (symbols === undefined) return { markets: await ctx.spot.markets.listMarkets(), single: false };
  const all = new Map((await ctx.spot.markets.listMarkets()).map((m) => [m.symbol, m]));
  const markets = symbols.map((s) => {
    const m = all.get(s);
    if (m === undefined) throw invalidSymbol();
    return m;
  });
  return { markets, single: false };
}

function book(ctx: BinanceContext, m: SpotMarket, depth: number): Promise<EngineBook> {
  return ctx.engine.query<EngineBook>({ query: 'book', marketId: m.id, depth });
}

const level =
  (m: SpotMarket) =>
  ([price, qty]: [number, number]): [string, string] => [fmt8(fromTicks(price, m)), fmt8(fromLots(qty, m))];

function bookTicker(m: SpotMarket, b: EngineBook) {
  const [bid] = b.bids.map(level(m));
  const [ask] = b.asks.map(level(m));
  return {
    symbol: m.symbol,
    bidPrice: bid?.[0] ?? '0.00000000',
    bidQty: bid?.[1] ?? '0.00000000',
    askPrice: ask?.[0] ?? '0.00000000',
    askQty: ask?.[1] ?? '0.00000000',
  };
}

const lastPriceOf = (m: SpotMarket, b: EngineBook) =>
  b.lastPrice === 0 ? '0.00000000' : fmt8(fromTicks(b.lastPrice, m));

const TRADE_COLUMNS = `trade_id, price_ticks, qty_lots, notional, taker_side, (extract(epoch FROM at) * 1000)::int8 AS at_ms`;

export function marketDataRoutes(ctx: BinanceContext, weightLimit: () => number): BinanceRoute[] {
  return [
    {
      method: 'GET',
      url: '/ping',
      security: 'NONE',
      weight: 1,
      tag,
      summary: 'Test connectivity',
      description: 'Answers {}.',
      handler: async () => ({}),
    },
    {
      method: 'GET',
      url: '/time',
      security: 'NONE',
      weight: 1,
      tag,
      summary: 'Server time',
      description: 'The server clock in milliseconds, for the timestamp of signed requests.',
      handler: async () => ({ serverTime: ctx.clock.nowMs() }),
    },
    {
      method: 'GET',
      url: '/exchangeInfo',
      security: 'NONE',
      weight: 20,
      tag,
      summary: 'Exchange information: rate limits and symbols with their filters',
      description:
        'Parameters: symbol, or symbols (JSON array), optional; permissions, showPermissionSets and symbolStatus are accepted (every market is SPOT).',
      handler: async (params) => {
        const { markets } = await marketsOf(ctx, params);
        const status = params.oneOf(
          'symbolStatus',
          ['TRADING', 'HALT', 'BREAK'] as const,
          new BinanceError(-1130, "Invalid data sent for a parameter: 'symbolStatus'."),
        );
        const info = exchangeInfo(markets, ctx.clock.nowMs(), weightLimit());
        if (status !== undefined) {
          info.symbols = (info.symbols as { status: string }[]).filter((s) => s.status === status);
        }
        return info;
      },
    },
    {
      method: 'GET',
      url: '/depth',
      security: 'NONE',
      weight: depthWeight,
      tag,
      summary: 'Order book',
      description: `Parameters: symbol; limit (default 100, at most 5000; levels beyond ${ENGINE_DEPTH_MAX} a side are not served). lastUpdateId continues on the diff-depth streams' update ids (<symbol>@depth), so snapshot and diffs sync as Binance documents.`,
      handler: async (params) => {
        const m = await marketOf(ctx, params.symbol());
        const limit = params.limit(100, 5000);
        if (ctx.depthSnapshot !== undefined) {
          // The streams' counter, so a client can sync snapshot and diffs as Binance documents.
          const snap = await ctx.depthSnapshot(m.symbol, Math.min(limit, ENGINE_DEPTH_MAX));
          const fmtLevel = ([price, qty]: [string, string]): [string, string] => [fmt8(price), fmt8(qty)];
          return {
            lastUpdateId: snap.lastUpdateId,
            bids: snap.bids.map(fmtLevel),
            asks: snap.asks.map(fmtLevel),
          };
        }
        const [b, status] = await Promise.all([
          book(ctx, m, Math.min(limit, ENGINE_DEPTH_MAX)),
          ctx.engine.query<EngineStatus>({ query: 'status' }),
        ]);
        return {
          lastUpdateId: b.commandSeq ?? status.commandSeq,
          bids: b.bids.map(level(m)),
          asks: b.asks.map(level(m)),
        };
      },
    },
    {
      method: 'GET',
      url: '/trades',
      security: 'NONE',
      weight: 25,
      tag,
      summary: 'Recent trades',
      description: 'Parameters: symbol; limit (default 500, at most 1000).',
      handler: async (params) => {
        const m = await marketOf(ctx, params.symbol());
        const trades = await ctx.spot.marketData.recentTrades(m.symbol, params.limit(500, 1000));
        return trades.map((t) => publicTrade(t));
      },
    },
    {
      method: 'GET',
      url: '/historicalTrades',
      security: 'NONE',
      weight: 25,
      tag,
      summary: 'Older trades',
      description:
        'Parameters: symbol; limit (default 500, at most 1000); fromId (trade id to start from; default: the most recent trades).',
      handler: async (params) => {
        const m = await marketOf(ctx, params.symbol());
        const limit = params.limit(500, 1000);
        const fromId = params.long('fromId', false, { min: 0 });
        const trades = await ctx.spot.marketData.recentTrades(m.symbol, limit, fromId);
        return trades.map((t) => publicTrade(t));
      },
    },
    {
      method: 'GET',
      url: '/aggTrades',
      security: 'NONE',
      weight: 4,
      tag,
      summary: 'Aggregate trades',
      description:
        'Parameters: symbol; fromId, startTime, endTime, limit (default 500, at most 1000). Each trade is its own aggregate (a = f = l = the trade id).',
      handler: async (params) => {
        const m = await marketOf(ctx, params.symbol());
        const fromId = params.long('fromId', false, { min: 0 });
        const startTime = params.long('startTime', false, { min: 0 });
        const endTime = params.long('endTime', false, { min: 0 });
        const limit = params.limit(500, 1000);
        if (startTime !== undefined && endTime !== undefined && endTime - startTime > 3_600_000) {
          throw new BinanceError(-1127, 'Lookup interval is too big.');
        }
        const where = ['market_id = $1'];
        const values: unknown[] = [m.id];
        if (fromId !== undefined) {
          values.push(fromId);
          where.push(`trade_id >= $${values.length}`);
        }
        if (startTime !== undefined) {
          values.push(new Date(startTime).toISOString());
          where.push(`at >= $${values.length}`);
        }
        if (endTime !== undefined) {
          values.push(new Date(endTime).toISOString());
          where.push(`at <= $${values.length}`);
        }
        const ascending = fromId !== undefined || startTime !== undefined;
        const { rows } = await ctx.database.query(
          `SELECT ${TRADE_COLUMNS} FROM ledger_trades WHERE ${where.join(' AND ')}
           ORDER BY trade_id ${ascending ? 'ASC' : 'DESC'} LIMIT ${limit}`,
          values,
        );
        const aggs = rows.map((r) => ({
          a: Number(r.trade_id),
          p: fmt8(fromTicks(Number(r.price_ticks), m)),
          q: fmt8(fromLots(Number(r.qty_lots), m)),
          f: Number(r.trade_id),
          l: Number(r.trade_id),
          T: Number(r.at_ms),
          m: r.taker_side === 'SELL',
          M: true,
        }));
        return ascending ? aggs : aggs.reverse();
      },
    },
    {
      method: 'GET',
      url: '/klines',
      security: 'NONE',
      weight: 2,
      tag,
      summary: 'Kline/candlestick bars',
      description:
        'Parameters: symbol; interval (1s 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w 1M); startTime, endTime, limit (default 500, at most 1000). timeZone: only UTC (0).',
      handler: async (params) => klines(ctx, params),
    },
    {
      method: 'GET',
      url: '/uiKlines',
      security: 'NONE',
      weight: 2,
      tag,
      summary: 'Kline/candlestick bars (as /klines)',
      description: 'As /api/v3/klines.',
      handler: async (params) => klines(ctx, params),
    },
    {
      method: 'GET',
      url: '/avgPrice',
      security: 'NONE',
      weight: 2,
      tag,
      summary: 'Average price of the last 5 minutes',
      description:
        'Parameters: symbol. The volume-weighted price of the trades of the last 5 minutes; without any, the last trade price.',
      handler: async (params) => {
        const m = await marketOf(ctx, params.symbol());
        const now = ctx.clock.nowMs();
        const from = now - (now % 60_000) - 4 * 60_000;
        const { rows } = await ctx.database.query(
          `SELECT coalesce(sum(quote_volume), 0)::text AS quote, coalesce(sum(base_volume), 0)::text AS base
           FROM spot_candles WHERE market_id = $1 AND interval = '1m' AND open_time >= $2`,
          [m.id, from],
        );
        const last = await ctx.database.query(
          `SELECT price_ticks, (extract(epoch FROM at) * 1000)::int8 AS at_ms FROM ledger_trades
           WHERE market_id = $1 ORDER BY trade_id DESC LIMIT 1`,
          [m.id],
        );
        const quote = BigInt(String(rows[0]?.quote ?? '0'));
        const base = BigInt(String(rows[0]?.base ?? '0'));
        const lastTrade = last.rows[0];
        const price =
          base > 0n
            ? ratioFmt8(quote * 10n ** BigInt(m.basePrecision), base * 10n ** BigInt(m.quotePrecision))
            : lastTrade === undefined
              ? '0.00000000'
              : fmt8(fromTicks(Number(lastTrade.price_ticks), m));
        return { mins: 5, price, closeTime: lastTrade === undefined ? now : Number(lastTrade.at_ms) };
      },
    },
    {
      method: 'GET',
      url: '/ticker/24hr',
      security: 'NONE',
      weight: symbolsWeight(2, 40, 80),
      tag,
      summary: '24 hour rolling window price change statistics',
      description:
        "Parameters: symbol or symbols (JSON array), optional (all markets without); type FULL (default) or MINI. One symbol: an object; otherwise an array. prevClosePrice is the window's open price.",
      handler: async (params) => {
        const { markets, single } = await marketsOf(ctx, params);
        const type = params.oneOf(
          'type',
          ['FULL', 'MINI'] as const,
          new BinanceError(-1130, "Invalid data sent for a parameter: 'type'."),
        );
        const tickers = await tickers24h(ctx, markets, type ?? 'FULL');
        return single ? tickers[0] : tickers;
      },
    },
    {
      method: 'GET',
      url: '/ticker/price',
      security: 'NONE',
      weight: symbolsWeight(2, 4, 4),
      tag,
      summary: 'Latest price',
      description:
        'Parameters: symbol or symbols (JSON array), optional. One symbol: an object; otherwise an array.',
      handler: async (params) => {
        const { markets, single } = await marketsOf(ctx, params);
        const prices = await Promise.all(
          markets.map(async (m) => ({ symbol: m.symbol, price: lastPriceOf(m, await book(ctx, m, 1)) })),
        );
        return single ? prices[0] : prices;
      },
    },
    {
      method: 'GET',
      url: '/ticker/bookTicker',
      security: 'NONE',
      weight: symbolsWeight(2, 4, 4),
      tag,
      summary: 'Best price and quantity on the order book',
      description:
        'Parameters: symbol or symbols (JSON array), optional. One symbol: an object; otherwise an array.',
      handler: async (params) => {
        const { markets, single } = await marketsOf(ctx, params);
        const tickers = await Promise.all(markets.map(async (m) => bookTicker(m, await book(ctx, m, 1))));
        return single ? tickers[0] : tickers;
      },
    },
  ];
}

function publicTrade(t: {
  id: number;
  price: string;
  qty: string;
  quoteQty: string;
  time: number;
  isBuyerMaker: boolean;
}) {
  return {
    id: t.id,
    price: fmt8(t.price),
    qty: fmt8(t.qty),
    quoteQty: fmt8(t.quoteQty),
    time: t.time,
    isBuyerMaker: t.isBuyerMaker,
    isBestMatch: true,
  };
}

async function klines(ctx: BinanceContext, params: Params): Promise<unknown[]> {
  const m = await marketOf(ctx, params.symbol());
  const interval = params.oneOf('interval', INTERVALS, new BinanceError(-1120, 'Invalid interval.'), true);
  const timeZone = params.string('timeZone');
  if (timeZone !== undefined && !/^(\+|-)?0{1,2}(:00)?$/.test(timeZone)) {
    throw new BinanceError(-1130, "Invalid data sent for a parameter: 'timeZone' (only UTC is served).");
  }
  const startTime = params.long('startTime', false, { min: 0 });
  const endTime = params.long('endTime', false, { min: 0 });
  const limit = params.limit(500, 1000);
  const candles = await ctx.spot.marketData.candles(m.symbol, interval ?? '1m', {
    limit,
    ...(startTime === undefined ? {} : { startTime }),
    ...(endTime === undefined ? {} : { endTime }),
  });
  return candles.map((c) => [
    c.openTime,
    fmt8(c.open),
    fmt8(c.high),
    fmt8(c.low),
    fmt8(c.close),
    fmt8(c.volume),
    c.closeTime,
    fmt8(c.quoteVolume),
    c.trades,
    fmt8(c.takerBuyBaseVolume),
    fmt8(c.takerBuyQuoteVolume),
    '0',
  ]);
}

async function tickers24h(
  ctx: BinanceContext,
  markets: readonly SpotMarket[],
  type: 'FULL' | 'MINI',
): Promise<Record<string, unknown>[]> {
  if (markets.length === 0) return [];
  const stats = new Map(
    (await ctx.spot.marketData.tickers(markets.length === 1 ? markets[0]?.symbol : undefined)).map((t) => [
      t.symbol,
      t,
    ]),
  );
  const lastTrades = await ctx.database.query(
    `SELECT DISTINCT ON (market_id) market_id, qty_lots FROM ledger_trades
     WHERE market_id = ANY($1::int4[]) ORDER BY market_id, trade_id DESC`,
    [markets.map((m) => m.id)],
  );
  const lastQty = new Map(lastTrades.rows.map((r) => [Number(r.market_id), Number(r.qty_lots)]));
  return Promise.all(
    markets.map(async (m) => {
      const t = stats.get(m.symbol);
      if (t === undefined) throw invalidSymbol();
      const b = await book(ctx, m, 1);
      const mini = {
        symbol: m.symbol,
        openPrice: fmt8(t.openPrice),
        highPrice: fmt8(t.highPrice),
        lowPrice: fmt8(t.lowPrice),
        lastPrice: t.count === 0 ? lastPriceOf(m, b) : fmt8(t.lastPrice),
        volume: fmt8(t.volume),
        quoteVolume: fmt8(t.quoteVolume),
        openTime: t.openTime,
        closeTime: t.closeTime,
        firstId: t.firstId,
        lastId: t.lastId,
        count: t.count,
      };
      if (type === 'MINI') return mini;
      const volume = unitsOf(t.volume, m.basePrecision);
      const quoteVolume = unitsOf(t.quoteVolume, m.quotePrecision);
      const top = bookTicker(m, b);
      const qty = lastQty.get(m.id);
      return {
        symbol: m.symbol,
        priceChange: fmt8(t.priceChange),
        priceChangePercent: t.priceChangePercent,
        weightedAvgPrice: ratioFmt8(
          quoteVolume * 10n ** BigInt(m.basePrecision),
          volume * 10n ** BigInt(m.quotePrecision),
        ),
        prevClosePrice: mini.openPrice,
        lastPrice: mini.lastPrice,
        lastQty: qty === undefined ? '0.00000000' : fmt8(fromLots(qty, m)),
        bidPrice: top.bidPrice,
        bidQty: top.bidQty,
        askPrice: top.askPrice,
        askQty: top.askQty,
        openPrice: mini.openPrice,
        highPrice: mini.highPrice,
        lowPrice: mini.lowPrice,
        volume: mini.volume,
        quoteVolume: mini.quoteVolume,
        openTime: mini.openTime,
        closeTime: mini.closeTime,
        firstId: mini.firstId,
        lastId: mini.lastId,
        count: mini.count,
      };
    }),
  );
}
