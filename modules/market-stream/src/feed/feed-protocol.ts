// What the engine side publishes, per durable command, for the streams: the book levels it changed
// (with the market's update ids) and its trades. Prices in ticks, quantities in lots: the gateways
// convert with the market's grid.
import { z } from 'zod';
import { type FeedUserEvent, feedUserEventSchema } from '../user-data/user-events.js';

/** [price in ticks, quantity in lots after the command]; quantity 0 = the level is gone. */
export type FeedLevel = [price: number, qty: number];

export interface FeedTrade {
  id: number;
  price: number;
  qty: number;
  /** The command's time (ms). */
  time: number;
  /** True when the taker sold (the buyer was the maker). */
  buyerMaker: boolean;
}

/** One market's part of one command. */
export interface FeedMarketUpdate {
  marketId: number;
  /**
   * First and last update id of this change (U, u). Every command that changes a market's book takes
   * the next id of that market's counter, so U = u = previous u + 1; 0 when the book did not change.
   */
  U: number;
  u: number;
  bids: FeedLevel[];
  asks: FeedLevel[];
  trades: FeedTrade[];
}

/** The market data of one durable command. */
export interface FeedUpdate {
  /** The engine command seq. */
  seq: number;
  /** The command's time (ms). */
  ts: number;
  markets: FeedMarketUpdate[];
  /** The command's user data stream events (absent when it has none). */
  users?: FeedUserEvent[];
}

export interface FeedBook {
  marketId: number;
  lastUpdateId: number;
  /** Best first. */
  bids: FeedLevel[];
  asks: FeedLevel[];
}

/** The whole book state at a point of the stream (after the updates delivered before it). */
export interface FeedSnapshot {
  /** The last command seq applied. */
  seq: number;
  books: FeedBook[];
}

/** What a gateway receives: a snapshot first (and again after a gap), then updates in order. */
export interface FeedHandler {
  snapshot(snapshot: FeedSnapshot): void;
  updates(batch: readonly FeedUpdate[]): void;
}

/** The gateway's source of market data: in-process (embedded) or Redis pub/sub (server mode). */
export interface MarketFeed {
  start(handler: FeedHandler): Promise<void>;
  close(): Promise<void>;
}

// The Redis wire format (one channel, ordered): `r` names the publisher's run, `n` numbers its
// messages without gaps, so a subscriber sees a lost message or a restarted publisher and resyncs.
const level = z.tuple([z.number().int(), z.number().int().nonnegative()]);
const trade = z.object({
  id: z.number().int(),
  price: z.number().int(),
  qty: z.number().int(),
  time: z.number().int(),
  buyerMaker: z.boolean(),
});
const marketUpdate = z.object({
  marketId: z.number().int(),
  U: z.number().int(),
  u: z.number().int(),
  bids: z.array(level),
  asks: z.array(level),
  trades: z.array(trade),
});
const update = z.object({
  seq: z.number().int(),
  ts: z.number().int(),
  markets: z.array(marketUpdate),
  users: z.array(feedUserEventSchema).optional(),
});
const book = z.object({
  marketId: z.number().int(),
  lastUpdateId: z.number().int(),
  bids: z.array(level),
  asks: z.array(level),
});

export const wireMessageSchema = z.discriminatedUnion('k', [
  z.object({ k: z.literal('u'), r: z.string(), n: z.number().int(), updates: z.array(update) }),
  z.object({
    k: z.literal('s'),
    r: z.string(),
    n: z.number().int(),
    snapshot: z.object({ seq: z.number().int(), books: z.array(book) }),
  }),
]);
export type WireMessage = z.infer<typeof wireMessageSchema>;

/** The data channel (publisher → gateways) and the request channel (gateways ask for a snapshot). */
export function feedChannels(keyPrefix: string): { data: string; requests: string } {
  return { data: `${keyPrefix}:md`, requests: `${keyPrefix}:md:snapshot-requests` };
}
