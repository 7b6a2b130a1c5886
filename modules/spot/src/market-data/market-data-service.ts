// Public market data from the engine (book) and the read model (trades, candles, 24h tickers).
import type { Database } from '@tradeloom/db';
import type { Clock } from '@tradeloom/kernel';
import { type CandleInterval, nextPeriodStart } from '@tradeloom/projection';
import type { BookQueryView, SpotEnginePort } from '../engine-port.js';
import { fromLots, fromQuoteUnits, fromTicks } from '../markets/grid.js';
import type { SpotMarket } from '../markets/market.js';
import type { MarketService } from '../markets/market-service.js';

export interface BookView {
  symbol: string;
  /** Engine command seq the book was read at. */
  bids: [price: string, qty: string][];
  asks: [price: string, qty: string][];
}

export interface PublicTrade {
  id: number;
  price: string;
  qty: string;
  quoteQty: string;
  time: number;
  isBuyerMaker: boolean;
}

export interface CandleView {
  openTime: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  closeTime: number;
  quoteVolume: string;
  trades: number;
  takerBuyBaseVolume: string;
  takerBuyQuoteVolume: string;
}

export interface TickerView {
  symbol: string;
  openPrice: string;
  highPrice: string;
  lowPrice: string;
  lastPrice: string;
  priceChange: string;
  /** Percent with 3 decimals, exact (rounded half away from zero). */
  priceChangePercent: string;
  volume: string;
  quoteVolume: string;
  openTime: number;
  closeTime: number;
  firstId: number;
  lastId: number;
  count: number;
}

export interface MarketDataService {
  book(symbol: string, depth?: number): Promise<BookView>;
  recentTrades(symbol: string, limit?: number, fromId?: number): Promise<PublicTrade[]>;
  candles(
    symbol: string,
    interval: CandleInterval,
    q: { startTime?: number; endTime?: number; limit?: number },
  ): Promise<CandleView[]>;
  /** Rolling 24 h statistics from the minute candles, for every market or one. */
  tickers(symbol?: string): Promise<TickerView[]>;
}

/** Base units of a number of lots, as a decimal of the base asset. */
function baseDecimal(units: number | bigint, m: SpotMarket): string {
  return fromQuoteUnits(units, { tickSize: m.tickSize, lotSize: m.lotSize, quotePrecision: m.basePrecision });
}

function percent(change: bigint, open: bigint): string {
  if (open === 0n) return '0.000';
  // Three decimals, half away from zero, exactly.
  const scaled = (change * 100_000n * 2n) / open;
  const rounded = scaled >= 0n ? (scaled + 1n) / 2n : (scaled - 1n) / 2n;
  const negative = rounded < 0n;
  const abs = negative ? -rounded : rounded;
  const text = abs.toString().padStart(4, '0');
  return `${negative ? '-' : ''}${text.slice(0, -3)}.${text.slice(-3)}`;
}

export function createMarketDataService(deps: {
  database: Database;
  engine: SpotEnginePort;
  markets: MarketService;
  clock: Clock;
}): MarketDataService {
  const { database: db, engine, markets, clock } = deps;
  return {
    async book(symbol, depth = 100) {
      const m = await markets.market(symbol);
      const book = await engine.query<BookQueryView>({
        query: 'book',
        marketId: m.id,
        depth: Math.min(Math.max(depth, 1), 5000),
      });
      const side = (levels: [number, number][]) =>
        levels.map(([price, qty]): [string, string] => [fromTicks(price, m), fromLots(qty, m)]);
      return { symbol: m.symbol, bids: side(book.bids), asks: side(book.asks) };
    },

    async recentTrades(symbol, limit = 500, fromId) {
      const m = await markets.market(symbol);
      const n = Math.min(Math.max(limit, 1), 1000);
      const { rows } =
        fromId === undefined
          ? await db.query(
              `SELECT trade_id, price_ticks, qty_lots, notional, taker_side, (extract(epoch FROM at) * 1000)::int8 AS at_ms
               FROM ledger_trades WHERE market_id = $1 ORDER BY trade_id DESC LIMIT ${n}`,
              [m.id],
            )
          : await db.query(
              `SELECT trade_id, price_ticks, qty_lots, notional, taker_side, (extract(epoch FROM at) * 1000)::int8 AS at_ms
               FROM ledger_trades WHERE market_id = $1 AND trade_id >= $2 ORDER BY trade_id ASC LIMIT ${n}`,
              [m.id, fromId],
            );
      const trades = rows.map(
        (r): PublicTrade => ({
          id: Number(r.trade_id),
          price: fromTicks(Number(r.price_ticks), m),
          qty: fromLots(Number(r.qty_lots), m),
          quoteQty: fromQuoteUnits(Number(r.notional), m),
          time: Number(r.at_ms),
          isBuyerMaker: r.taker_side === 'SELL',
        }),
      );
      return fromId === undefined ? trades.reverse() : trades;
    },

    async candles(symbol, interval, q) {
      const m = await markets.market(symbol);
      const n = Math.min(Math.max(q.limit ?? 500, 1), 1000);
      const params: unknown[] = [m.id, interval];
      const where = ['market_id = $1', 'interval = $2'];
      if (q.startTime !== undefined) {
        params.push(q.startTime);
        where.push(`open_time >= $${params.length}`);
      }
      if (q.endTime !== undefined) {
        params.push(q.endTime);
        where.push(`open_time <= $${params.length}`);
      }
      const ascending = q.startTime !== undefined;
      const { rows } = await db.query(
        `SELECT * FROM spot_candles WHERE ${where.join(' AND ')} ORDER BY open_time ${ascending ? 'ASC' : 'DESC'} LIMIT ${n}`,
        params,
      );
      const candles = rows.map((r): CandleView => {
        const openTime = Number(r.open_time);
        return {
          openTime,
          open: fromTicks(Number(r.open_ticks), m),
          high: fromTicks(Number(r.high_ticks), m),
          low: fromTicks(Number(r.low_ticks), m),
          close: fromTicks(Number(r.close_ticks), m),
          volume: baseDecimal(BigInt(String(r.base_volume)), m),
          closeTime: nextPeriodStart(interval, openTime) - 1,
          quoteVolume: fromQuoteUnits(BigInt(String(r.quote_volume)), m),
          trades: Number(r.trades),
          takerBuyBaseVolume: baseDecimal(BigInt(String(r.taker_buy_base_volume)), m),
          takerBuyQuoteVolume: fromQuoteUnits(BigInt(String(r.taker_buy_quote_volume)), m),
        };
      });
      return ascending ? candles : candles.reverse();
    },

    async tickers(symbol) {
      const list = symbol === undefined ? await markets.listMarkets() : [await markets.market(symbol)];
      const now = clock.nowMs();
      const from = now - 24 * 3_600_000;
      const { rows } = await db.query(
        `SELECT market_id,
           (array_agg(open_ticks ORDER BY open_time ASC))[1]::text AS open,
           (array_agg(close_ticks ORDER BY open_time DESC))[1]::text AS close,
           max(high_ticks)::text AS high, min(low_ticks)::text AS low,
           sum(base_volume)::text AS base, sum(quote_volume)::text AS quote, sum(trades)::int AS count,
           min(first_trade_id)::text AS first_id, max(last_trade_id)::text AS last_id
         FROM spot_candles WHERE interval = '1m' AND open_time >= $1 AND market_id = ANY($2::int4[])
         GROUP BY market_id`,
        [from - (from % 60_000), list.map((m) => m.id)],
      );
      const byMarket = new Map(rows.map((r) => [Number(r.market_id), r]));
      return list.map((m): TickerView => {
        const r = byMarket.get(m.id);
        if (r === undefined) {
          return {
            symbol: m.symbol,
            openPrice: '0',
            highPrice: '0',
            lowPrice: '0',
            lastPrice: '0',
            priceChange: '0',
            priceChangePercent: '0.000',
            volume: '0',
            quoteVolume: fromQuoteUnits(0, m),
            openTime: from,
            closeTime: now,
            firstId: -1,
            lastId: -1,
            count: 0,
          };
        }
        const open = BigInt(String(r.open));
        const close = BigInt(String(r.close));
        const change = close - open;
        return {
          symbol: m.symbol,
          openPrice: fromTicks(Number(open), m),
          highPrice: fromTicks(Number(r.high), m),
          lowPrice: fromTicks(Number(r.low), m),
          lastPrice: fromTicks(Number(close), m),
          priceChange: (change < 0n ? '-' : '') + fromTicks(Number(change < 0n ? -change : change), m),
          priceChangePercent: percent(change, open),
          volume: baseDecimal(BigInt(String(r.base)), m),
          quoteVolume: fromQuoteUnits(BigInt(String(r.quote)), m),
          openTime: from,
          closeTime: now,
          firstId: Number(r.first_id),
          lastId: Number(r.last_id),
          count: Number(r.count),
        };
      });
    },
  };
}
