// The engine side of the feed: follows the engine host's durable results, keeps each market's book
// levels and update counter, and hands the market data of each command to its sinks (in-process
// gateways, Redis). The counter and the levels live here, together, so a snapshot served from this
// state and the diffs published from it always agree.
import type { Command, CommandResult, Engine } from '@tradeloom/engine';
import { UserEventCollector } from '../user-data/user-event-collector.js';
import type { FeedHandler, FeedMarketUpdate, FeedSnapshot, FeedUpdate, MarketFeed } from './feed-protocol.js';
import { LevelBook } from './level-book.js';

/** What the publisher needs of the engine host (EngineHost has this shape). */
export interface PublishableHost {
  readonly engine: Engine;
  onResult(listener: (result: CommandResult, command: Command) => void): void;
}

export type FeedSink = (batch: readonly FeedUpdate[]) => void;

export class MarketDataPublisher {
  private readonly books = new Map<number, LevelBook>();
  private readonly sinks = new Set<FeedSink>();
  private pending: FeedUpdate[] = [];
  private flushScheduled = false;
  private closed = false;
  /** The command seq the books were read at: results at or below it are already in them. */
  private readonly attachSeq: number;
  private appliedSeq: number;
  /** The user data streams' events ride along, in the same order as the market data. */
  private readonly users: UserEventCollector;

  /**
   * Attach before or after commands flow: the books start from the engine's state now (which may
   * hold commands not yet durable: their results come next, and are skipped), and each market's
   * counter starts at the current command seq. A market's counter advances by one per command that
   * changes its book, so it never passes the command seq: after a restart it starts at or above
   * where it was, and a client sees a gap (and resyncs) instead of ids going back.
   */
  constructor(host: PublishableHost) {
    const engine = host.engine;
    this.attachSeq = engine.commandSeq;
    this.appliedSeq = engine.commandSeq;
    for (const [marketId, market] of engine.matcher.markets) {
      const book = new LevelBook(marketId, this.attachSeq);
      for (const level of market.bids.levels) book.bids.set(level.price, level.total);
      for (const level of market.asks.levels) book.asks.set(level.price, level.total);
      this.books.set(marketId, book);
    }
    this.users = new UserEventCollector(engine);
    host.onResult((result, command) => this.apply(result, command));
  }

  /** Registers a sink (after the updates buffered so far reach the existing ones); returns its removal. */
  subscribe(sink: FeedSink): () => void {
    this.flush();
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  /** The books now, consistent with the updates handed to the sinks so far (pending ones are flushed first). */
  snapshot(): FeedSnapshot {
    this.flush();
    return { seq: this.appliedSeq, books: [...this.books.values()].map((book) => book.snapshot()) };
  }

  close(): void {
    this.closed = true;
    this.sinks.clear();
    this.pending = [];
  }

  private apply(result: CommandResult, command: Command): void {
    if (this.closed || !result.ok || result.duplicate === true || result.commandSeq <= this.attachSeq) return;
    this.appliedSeq = result.commandSeq;
    let markets: Map<number, FeedMarketUpdate> | null = null;
    const ts = (command as { ts?: number }).ts ?? 0;
    const entry = (marketId: number): FeedMarketUpdate => {
      markets ??= new Map();
      let m = markets.get(marketId);
      if (m === undefined) {
        m = { marketId, U: 0, u: 0, bids: [], asks: [], trades: [] };
        markets.set(marketId, m);
      }
      return m;
    };
    for (const event of result.events) {
      if (event.type === 'bookLevel') {
        const m = entry(event.marketId);
        (event.side === 'BUY' ? m.bids : m.asks).push([event.price, event.qty]);
      } else if (event.type === 'trade') {
        entry(event.marketId).trades.push({
          id: event.tradeId,
          price: event.price,
          qty: event.qty,
          time: event.ts,
          buyerMaker: event.takerSide === 'SELL',
        });
      } else if (event.type === 'marketAdded' && !this.books.has(event.market.id)) {
        this.books.set(event.market.id, new LevelBook(event.market.id, result.commandSeq));
      }
    }
    const users = this.users.collect(result, command);
    if (markets === null && users === null) return;
    const list = markets === null ? [] : [...(markets as Map<number, FeedMarketUpdate>).values()];
    for (const m of list) {
      if (m.bids.length === 0 && m.asks.length === 0) continue;
      let book = this.books.get(m.marketId);
      if (book === undefined) {
        book = new LevelBook(m.marketId, result.commandSeq - 1);
        this.books.set(m.marketId, book);
      }
      for (const [price, qty] of m.bids) book.bids.set(price, qty);
      for (const [price, qty] of m.asks) book.asks.set(price, qty);
      book.lastUpdateId += 1;
      m.U = book.lastUpdateId;
      m.u = book.lastUpdateId;
    }
    this.pending.push(
      users === null
        ? { seq: result.commandSeq, ts, markets: list }
        : { seq: result.commandSeq, ts, markets: list, users },
    );
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // Out of the engine's acknowledgement loop, and one batch per turn for every command it acknowledged.
      setImmediate(() => this.flush());
    }
  }

  /** Hands the buffered updates to the sinks now. */
  flush(): void {
    this.flushScheduled = false;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    for (const sink of this.sinks) sink(batch);
  }
}

/** The in-process feed of an embedded platform: the publisher's sinks, without serialisation. */
export function localMarketFeed(publisher: MarketDataPublisher): MarketFeed {
  let unsubscribe: (() => void) | null = null;
  return {
    start: async (handler: FeedHandler) => {
      handler.snapshot(publisher.snapshot());
      unsubscribe = publisher.subscribe((batch) => handler.updates(batch));
    },
    close: async () => {
      unsubscribe?.();
    },
  };
}
