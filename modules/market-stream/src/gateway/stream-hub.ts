// The gateway of one API process: follows the feed (books by market, with their update ids), and
// fans the Binance stream payloads out to the WebSocket clients subscribed to each stream name.
// Every payload is serialised once per stream, whatever the number of clients.
import type { Clock } from '@tradeloom/kernel';
import { CANDLE_INTERVALS, type CandleInterval, nextPeriodStart, periodStart } from '@tradeloom/projection';
import {
  fromLots as gridLots,
  fromTicks as gridTicks,
  padDecimals,
  type SpotMarket,
  type SpotService,
  type TickerView,
} from '@tradeloom/spot';

// Binance writes every price and quantity with at least 8 decimals, on the streams as in REST.
const fromTicks = (ticks: number, m: SpotMarket): string => padDecimals(gridTicks(ticks, m));
const fromLots = (lots: number, m: SpotMarket): string => padDecimals(gridLots(lots, m));

import type { WebSocket } from 'ws';
import type { FeedHandler, FeedLevel, FeedSnapshot, FeedTrade, FeedUpdate } from '../feed/feed-protocol.js';
import { LevelBook } from '../feed/level-book.js';
import { divideDecimals } from './decimal.js';
import { parseStreamName } from './stream-names.js';

export interface StreamClient {
  readonly socket: WebSocket;
  /** Payloads wrapped as {"stream","data"} (/stream connections, or SET_PROPERTY combined). */
  combined: boolean;
  readonly streams: Set<string>;
  alive: boolean;
}

export interface StreamHubOptions {
  spot: SpotService;
  clock: Clock;
  /** Reads the current kline of a market and interval from the read model. */
  readKline: (marketId: number, interval: CandleInterval) => Promise<KlineRow | null>;
  /** A client whose unsent bytes pass this is disconnected (it would hold memory and stall nothing else). */
  maxBufferedBytes?: number;
  heartbeatMs?: number;
}

export interface KlineRow {
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  baseVolume: bigint;
  quoteVolume: bigint;
  takerBuyBase: bigint;
  takerBuyQuote: bigint;
  trades: number;
  firstTradeId: number;
  lastTradeId: number;
}

export interface StreamStats {
  clients: number;
  /** Clients disconnected because their send buffer passed the bound. */
  slowClientsDropped: number;
  messagesSent: number;
  synced: boolean;
}

/** Diffs of one market merged over a window: U of the first, u of the last, each level's last quantity. */
interface DiffWindow {
  U: number;
  u: number;
  bids: Map<number, number>;
  asks: Map<number, number>;
}

interface MarketLive {
  market: SpotMarket;
  lower: string;
  fast: DiffWindow | null;
  slow: DiffWindow | null;
  changedFast: boolean;
  changedSlow: boolean;
  lastBest: string;
  lastTradeQty: number;
}

const PARTIAL_LEVELS = [5, 10, 20] as const;

export class StreamHub implements FeedHandler {
  private readonly books = new Map<number, LevelBook>();
  private readonly live = new Map<number, MarketLive>();
  private readonly bySymbol = new Map<string, SpotMarket>();
  readonly clients = new Set<StreamClient>();
  private readonly subs = new Map<string, Set<StreamClient>>();
  private readonly timers: NodeJS.Timeout[] = [];
  maxBufferedBytes: number;
  private slowClientsDropped = 0;
  private messagesSent = 0;
  private synced = false;
  private refreshing: Promise<void> = Promise.resolve();
  private tickerBusy = false;
  private lastTickerSignature = new Map<number, string>();
  private readonly klinePeriods = new Map<string, number>();
  private syncWaiters: (() => void)[] = [];

  constructor(private readonly options: StreamHubOptions) {
    this.maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  }

  /** Timers: 100 ms and 1 s windows, and the heartbeat. */
  start(): void {
    const every = (ms: number, run: () => void) => {
      const timer = setInterval(run, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(100, () => this.flushDepth(true));
    every(1_000, () => {
      this.flushDepth(false);
      void this.pushTickers();
      void this.pushKlines();
    });
    every(this.options.heartbeatMs ?? 20_000, () => this.heartbeat());
  }

  stop(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    for (const client of this.clients) client.socket.terminate();
    this.clients.clear();
    this.subs.clear();
  }

  stats(): StreamStats {
    return {
      clients: this.clients.size,
      slowClientsDropped: this.slowClientsDropped,
      messagesSent: this.messagesSent,
      synced: this.synced,
    };
  }

  /** Resolves once the first snapshot is in (or after `timeoutMs`). */
  whenSynced(timeoutMs = 5_000): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.synced), timeoutMs);
      this.syncWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** The book of a market from the feed's state: the same counter the diff streams carry. */
  depth(
    marketId: number,
    limit: number,
  ): { lastUpdateId: number; bids: FeedLevel[]; asks: FeedLevel[] } | null {
    const book = this.books.get(marketId);
    if (book === undefined) return this.synced ? { lastUpdateId: 0, bids: [], asks: [] } : null;
    return book.snapshot(limit);
  }

  // --- feed --------------------------------------------------------------------------------------

  snapshot(snapshot: FeedSnapshot): void {
    this.books.clear();
    for (const book of snapshot.books) this.books.set(book.marketId, LevelBook.from(book));
    // Windows spanning the gap would claim continuity they do not have: clients see U jump and resync.
    for (const live of this.live.values()) {
      live.fast = null;
      live.slow = null;
      live.changedFast = true;
      live.changedSlow = true;
    }
    this.synced = true;
    for (const waiter of this.syncWaiters.splice(0)) waiter();
    void this.refreshMarkets();
  }

  updates(batch: readonly FeedUpdate[]): void {
    // A market not known yet (just created): its symbol and grid are loaded first, and the batches
    // wait, in order, so that no trade or diff of it is skipped.
    if (this.waiting.length > 0 || batch.some((u) => u.markets.some((m) => !this.live.has(m.marketId)))) {
      this.waiting.push(batch);
      if (this.waiting.length === 1) {
        void this.refreshMarkets().then(() => {
          const waiting = this.waiting.splice(0);
          for (const queued of waiting) this.apply(queued);
        });
      }
      return;
    }
    this.apply(batch);
  }

  private readonly waiting: (readonly FeedUpdate[])[] = [];

  private apply(batch: readonly FeedUpdate[]): void {
    for (const update of batch) {
      for (const m of update.markets) {
        let book = this.books.get(m.marketId);
        if (m.U !== 0) {
          if (book === undefined) {
            // A market created after the snapshot: empty until this update.
            book = new LevelBook(m.marketId, m.U - 1);
            this.books.set(m.marketId, book);
          }
          for (const [price, qty] of m.bids) book.bids.set(price, qty);
          for (const [price, qty] of m.asks) book.asks.set(price, qty);
          book.lastUpdateId = m.u;
        }
        // Still unknown after a refresh: a market the spot module does not list; its data is not streamed.
        const live = this.live.get(m.marketId);
        if (live === undefined) continue;
        if (m.U !== 0 && book !== undefined) this.onBookChange(live, book, m.U, m.u, m.bids, m.asks);
        for (const trade of m.trades) this.onTrade(live, trade);
      }
    }
  }

  /** Reloads the markets; a call during a reload queues another (it may be for a market created since). */
  private refreshMarkets(): Promise<void> {
    const load = () =>
      this.options.spot.markets.listMarkets().then((markets) => {
        for (const market of markets) {
          const lower = market.symbol.toLowerCase();
          this.bySymbol.set(lower, market);
          const live = this.live.get(market.id);
          if (live === undefined) {
            this.live.set(market.id, {
              market,
              lower,
              fast: null,
              slow: null,
              changedFast: true,
              changedSlow: true,
              lastBest: '',
              lastTradeQty: 0,
            });
          } else live.market = market;
        }
      });
    const next = this.refreshing.then(load, load).catch(() => {});
    this.refreshing = next;
    return next;
  }

  private onBookChange(
    live: MarketLive,
    book: LevelBook,
    U: number,
    u: number,
    bids: FeedLevel[],
    asks: FeedLevel[],
  ): void {
    live.changedFast = true;
    live.changedSlow = true;
    const merge = (window: DiffWindow | null, stream: string): DiffWindow | null => {
      if (!this.subs.has(stream)) return null;
      const w = window ?? { U, u, bids: new Map(), asks: new Map() };
      w.u = u;
      for (const [price, qty] of bids) w.bids.set(price, qty);
      for (const [price, qty] of asks) w.asks.set(price, qty);
      return w;
    };
    live.fast = merge(live.fast, `${live.lower}@depth@100ms`);
    live.slow = merge(live.slow, `${live.lower}@depth`) ?? merge(live.slow, `${live.lower}@depth@1000ms`);
    // Best bid and ask, in real time, when they change.
    const bid = book.bids.best();
    const ask = book.asks.best();
    const best = `${bid?.[0]}:${bid?.[1]}:${ask?.[0]}:${ask?.[1]}`;
    if (best !== live.lastBest) {
      live.lastBest = best;
      const m = live.market;
      const stream = `${live.lower}@bookTicker`;
      if (this.subs.has(stream) || this.subs.has('!bookTicker')) {
        const data = {
          u: book.lastUpdateId,
          s: m.symbol,
          b: bid === null ? '0.00000000' : fromTicks(bid[0], m),
          B: bid === null ? '0.00000000' : fromLots(bid[1], m),
          a: ask === null ? '0.00000000' : fromTicks(ask[0], m),
          A: ask === null ? '0.00000000' : fromLots(ask[1], m),
        };
        this.deliver(stream, data);
        this.deliver('!bookTicker', data);
      }
    }
  }

  private onTrade(live: MarketLive, trade: FeedTrade): void {
    live.lastTradeQty = trade.qty;
    const m = live.market;
    const tradeStream = `${live.lower}@trade`;
    const aggStream = `${live.lower}@aggTrade`;
    const hasTrade = this.subs.has(tradeStream);
    const hasAgg = this.subs.has(aggStream);
    if (!hasTrade && !hasAgg) return;
    const p = fromTicks(trade.price, m);
    const q = fromLots(trade.qty, m);
    const now = this.options.clock.nowMs();
    if (hasTrade) {
      this.deliver(tradeStream, {
        e: 'trade',
        E: now,
        s: m.symbol,
        t: trade.id,
        p,
        q,
        T: trade.time,
        m: trade.buyerMaker,
        M: true,
      });
    }
    if (hasAgg) {
      // One aggregate per trade (the engine's trade ids double as aggregate ids).
      this.deliver(aggStream, {
        e: 'aggTrade',
        E: now,
        s: m.symbol,
        a: trade.id,
        p,
        q,
        f: trade.id,
        l: trade.id,
        T: trade.time,
        m: trade.buyerMaker,
        M: true,
      });
    }
  }

  // --- timed streams -----------------------------------------------------------------------------

  private flushDepth(fast: boolean): void {
    const now = this.options.clock.nowMs();
    for (const live of this.live.values()) {
      const m = live.market;
      const window = fast ? live.fast : live.slow;
      if (window !== null) {
        const levels = (map: Map<number, number>) =>
          [...map].map(([price, qty]) => [fromTicks(price, m), fromLots(qty, m)]);
        const data = {
          e: 'depthUpdate',
          E: now,
          s: m.symbol,
          U: window.U,
          u: window.u,
          b: levels(window.bids),
          a: levels(window.asks),
        };
        if (fast) {
          live.fast = null;
          this.deliver(`${live.lower}@depth@100ms`, data);
        } else {
          live.slow = null;
          this.deliver(`${live.lower}@depth`, data);
          this.deliver(`${live.lower}@depth@1000ms`, data);
        }
      }
      const changed = fast ? live.changedFast : live.changedSlow;
      const book = this.books.get(m.id);
      if (book === undefined) continue;
      for (const levels of PARTIAL_LEVELS) {
        const names = fast
          ? [`${live.lower}@depth${levels}@100ms`]
          : [`${live.lower}@depth${levels}`, `${live.lower}@depth${levels}@1000ms`];
        for (const name of names) {
          const set = this.subs.get(name);
          if (set === undefined) continue;
          // Partial books are pushed when the book changed, and to clients that just subscribed.
          const fresh = fast ? this.freshFast : this.fresh;
          const targets = changed ? [...set] : [...set].filter((c) => fresh.has(c));
          if (targets.length === 0) continue;
          const top = book.snapshot(levels);
          const side = (list: FeedLevel[]) => list.map(([p, q]) => [fromTicks(p, m), fromLots(q, m)]);
          this.deliverTo(targets, name, {
            lastUpdateId: top.lastUpdateId,
            bids: side(top.bids),
            asks: side(top.asks),
          });
        }
      }
      if (fast) live.changedFast = false;
      else live.changedSlow = false;
    }
    if (!fast) this.fresh.clear();
    else this.freshFast.clear();
  }

  /** Clients subscribed since the last 1 s (and 100 ms) push: they get the partial books unchanged. */
  private readonly fresh = new Set<StreamClient>();
  private readonly freshFast = new Set<StreamClient>();

  private hasAny(prefixOrNames: (name: string) => boolean): boolean {
    for (const name of this.subs.keys()) if (prefixOrNames(name)) return true;
    return false;
  }

  private async pushTickers(): Promise<void> {
    if (this.tickerBusy) return;
    const wanted = this.hasAny(
      (name) =>
        name === '!ticker@arr' ||
        name === '!miniTicker@arr' ||
        name.endsWith('@ticker') ||
        name.endsWith('@24hrTicker') ||
        name.endsWith('@miniTicker'),
    );
    if (!wanted) return;
    this.tickerBusy = true;
    try {
      const tickers = await this.options.spot.marketData.tickers();
      const now = this.options.clock.nowMs();
      const full: object[] = [];
      const mini: object[] = [];
      for (const t of tickers) {
        const market = this.bySymbol.get(t.symbol.toLowerCase());
        if (market === undefined) continue;
        const lower = market.symbol.toLowerCase();
        const ticker = this.tickerPayload(t, market, now);
        const miniTicker = {
          e: '24hrMiniTicker',
          E: now,
          s: t.symbol,
          c: padDecimals(t.lastPrice),
          o: padDecimals(t.openPrice),
          h: padDecimals(t.highPrice),
          l: padDecimals(t.lowPrice),
          v: padDecimals(t.volume),
          q: padDecimals(t.quoteVolume),
        };
        this.deliver(`${lower}@ticker`, ticker);
        this.deliver(`${lower}@24hrTicker`, ticker);
        this.deliver(`${lower}@miniTicker`, miniTicker);
        // The array streams carry the tickers that changed since the last push.
        const signature = `${t.count}:${t.lastId}:${t.openPrice}:${t.firstId}`;
        if (this.lastTickerSignature.get(market.id) !== signature) {
          this.lastTickerSignature.set(market.id, signature);
          full.push(ticker);
          mini.push(miniTicker);
        }
      }
      if (full.length > 0) this.deliver('!ticker@arr', full);
      if (mini.length > 0) this.deliver('!miniTicker@arr', mini);
    } catch {
      // The read model may be briefly unavailable: the next second tries again.
    } finally {
      this.tickerBusy = false;
    }
  }

  private tickerPayload(t: TickerView, m: SpotMarket, now: number): object {
    const book = this.books.get(m.id);
    const bid = book?.bids.best() ?? null;
    const ask = book?.asks.best() ?? null;
    const live = this.live.get(m.id);
    const tickDecimals = m.tickSize.includes('.') ? m.tickSize.length - m.tickSize.indexOf('.') - 1 : 0;
    return {
      e: '24hrTicker',
      E: now,
      s: t.symbol,
      p: padDecimals(t.priceChange),
      P: t.priceChangePercent,
      w: padDecimals(divideDecimals(t.quoteVolume, t.volume, Math.max(tickDecimals, 8))),
      // The price of the last trade before the window is not kept: the window's open price stands in.
      x: padDecimals(t.openPrice),
      c: padDecimals(t.lastPrice),
      Q: live === undefined || live.lastTradeQty === 0 ? '0.00000000' : fromLots(live.lastTradeQty, m),
      b: bid === null ? '0.00000000' : fromTicks(bid[0], m),
      B: bid === null ? '0.00000000' : fromLots(bid[1], m),
      a: ask === null ? '0.00000000' : fromTicks(ask[0], m),
      A: ask === null ? '0.00000000' : fromLots(ask[1], m),
      o: padDecimals(t.openPrice),
      h: padDecimals(t.highPrice),
      l: padDecimals(t.lowPrice),
      v: padDecimals(t.volume),
      q: padDecimals(t.quoteVolume),
      O: t.openTime,
      C: t.closeTime,
      F: t.firstId,
      L: t.lastId,
      n: t.count,
    };
  }

  private async pushKlines(): Promise<void> {
    const wanted: { name: string; market: SpotMarket; interval: CandleInterval }[] = [];
    for (const name of this.subs.keys()) {
      const parsed = parseStreamName(name);
      if (parsed?.kind !== 'kline') continue;
      const market = this.bySymbol.get(parsed.symbol);
      if (market !== undefined) wanted.push({ name, market, interval: parsed.interval });
    }
    const now = this.options.clock.nowMs();
    for (const { name, market, interval } of wanted) {
      try {
        const current = periodStart(interval, now);
        const previous = this.klinePeriods.get(name);
        // A period just ended: its final state once, marked closed.
        if (previous !== undefined && previous < current) {
          const row = await this.options.readKline(market.id, interval);
          const closed = row !== null && row.openTime === previous ? row : null;
          if (closed !== null) this.deliver(name, this.klinePayload(market, interval, closed, true, now));
        }
        this.klinePeriods.set(name, current);
        const row = await this.options.readKline(market.id, interval);
        const kline: KlineRow =
          row !== null && row.openTime === current
            ? row
            : {
                openTime: current,
                open: row?.close ?? 0,
                high: row?.close ?? 0,
                low: row?.close ?? 0,
                close: row?.close ?? 0,
                baseVolume: 0n,
                quoteVolume: 0n,
                takerBuyBase: 0n,
                takerBuyQuote: 0n,
                trades: 0,
                firstTradeId: -1,
                lastTradeId: -1,
              };
        this.deliver(name, this.klinePayload(market, interval, kline, false, now));
      } catch {
        // As for tickers: the next push tries again.
      }
    }
    for (const name of this.klinePeriods.keys()) if (!this.subs.has(name)) this.klinePeriods.delete(name);
  }

  private klinePayload(m: SpotMarket, interval: CandleInterval, k: KlineRow, closed: boolean, now: number) {
    const base = (units: bigint) => padDecimals(formatUnits(units, m.basePrecision));
    const quote = (units: bigint) => padDecimals(formatUnits(units, m.quotePrecision));
    return {
      e: 'kline',
      E: now,
      s: m.symbol,
      k: {
        t: k.openTime,
        T: nextPeriodStart(interval, k.openTime) - 1,
        s: m.symbol,
        i: interval,
        f: k.firstTradeId,
        L: k.lastTradeId,
        o: k.open === 0 ? '0.00000000' : fromTicks(k.open, m),
        c: k.close === 0 ? '0.00000000' : fromTicks(k.close, m),
        h: k.high === 0 ? '0.00000000' : fromTicks(k.high, m),
        l: k.low === 0 ? '0.00000000' : fromTicks(k.low, m),
        v: base(k.baseVolume),
        n: k.trades,
        x: closed,
        q: quote(k.quoteVolume),
        V: base(k.takerBuyBase),
        Q: quote(k.takerBuyQuote),
        B: '0',
      },
    };
  }

  // --- clients -----------------------------------------------------------------------------------

  addClient(client: StreamClient): void {
    this.clients.add(client);
  }

  removeClient(client: StreamClient): void {
    if (!this.clients.delete(client)) return;
    for (const name of client.streams) this.unsubscribeOne(client, name);
    this.fresh.delete(client);
    this.freshFast.delete(client);
  }

  subscribe(client: StreamClient, names: readonly string[]): void {
    for (const name of names) {
      if (client.streams.has(name)) continue;
      client.streams.add(name);
      let set = this.subs.get(name);
      if (set === undefined) {
        set = new Set();
        this.subs.set(name, set);
      }
      set.add(client);
      if (name.includes('@depth')) {
        this.fresh.add(client);
        this.freshFast.add(client);
      }
    }
  }

  unsubscribe(client: StreamClient, names: readonly string[]): void {
    for (const name of names) {
      if (client.streams.delete(name)) this.unsubscribeOne(client, name);
    }
  }

  private unsubscribeOne(client: StreamClient, name: string): void {
    const set = this.subs.get(name);
    if (set === undefined) return;
    set.delete(client);
    if (set.size === 0) this.subs.delete(name);
  }

  /** Sends a reply (or anything) to one client, under the same buffer bound as the streams. */
  sendTo(client: StreamClient, text: string): void {
    const socket = client.socket;
    if (socket.readyState !== 1) return;
    if (socket.bufferedAmount > this.maxBufferedBytes) {
      this.slowClientsDropped++;
      this.removeClient(client);
      // terminate, not close: a close frame would queue behind what the client is not reading.
      socket.terminate();
      return;
    }
    socket.send(text);
    this.messagesSent++;
  }

  private deliver(stream: string, data: unknown): void {
    const set = this.subs.get(stream);
    if (set === undefined || set.size === 0) return;
    this.deliverTo(set, stream, data);
  }

  private deliverTo(clients: Iterable<StreamClient>, stream: string, data: unknown): void {
    const raw = JSON.stringify(data);
    let wrapped: string | null = null;
    for (const client of clients) {
      if (client.combined) {
        wrapped ??= `{"stream":${JSON.stringify(stream)},"data":${raw}}`;
        this.sendTo(client, wrapped);
      } else this.sendTo(client, raw);
    }
  }

  private heartbeat(): void {
    for (const client of this.clients) {
      if (!client.alive) {
        this.removeClient(client);
        client.socket.terminate();
        continue;
      }
      client.alive = false;
      if (client.socket.readyState === 1) client.socket.ping();
    }
  }
}

function formatUnits(units: bigint, precision: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(precision + 1, '0');
  const whole = digits.slice(0, digits.length - precision);
  const fraction = digits.slice(digits.length - precision);
  return `${negative ? '-' : ''}${whole}${precision > 0 ? `.${fraction}` : ''}`;
}

export const KLINE_INTERVALS: readonly CandleInterval[] = CANDLE_INTERVALS;
