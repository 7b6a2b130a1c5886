// What the /api/v3 parts share: the platform's services, the engine's queries, and helpers that read
// a market or the caller in Binance's terms.
import type { Database } from '@tradeloom/db';
import { type Clock, DomainError } from '@tradeloom/kernel';
import type { BookQueryView, SpotMarket, SpotService } from '@tradeloom/spot';
import type { WalletService } from '@tradeloom/wallet';
import type { FastifyRequest } from 'fastify';
import type { ReadYourWrites } from './support/read-your-writes.js';

/** The engine queries the API reads (the platform's engine gateway answers them). */
export type BinanceEngineQuery =
  | { query: 'status' }
  | { query: 'book'; marketId: number; depth?: number }
  | { query: 'balances'; user: number };

export interface BinanceEnginePort {
  query<T = unknown>(query: BinanceEngineQuery): Promise<T>;
}

/** The engine's `status` answer (the part read here). */
export interface EngineStatus {
  commandSeq: number;
}

/** The engine's `book` answer; `commandSeq` when the engine reports the seq it was read at. */
export type EngineBook = BookQueryView & { commandSeq?: number };

export interface BinanceContext {
  database: Database;
  spot: SpotService;
  wallet: WalletService;
  engine: BinanceEnginePort;
  clock: Clock;
  readYourWrites: ReadYourWrites;
  /** The depth snapshot on the diff-depth streams' update-id counter (market-stream); else the engine's book. */
  depthSnapshot?: DepthSnapshotSource;
}

/** A book with the update id the diff-depth streams continue from. */
export type DepthSnapshotSource = (
  symbol: string,
  limit: number,
) => Promise<{ lastUpdateId: number; bids: [string, string][]; asks: [string, string][] }>;

/** The market of a symbol (SPOT_MARKET_NOT_FOUND becomes -1121). */
export function marketOf(ctx: BinanceContext, symbol: string): Promise<SpotMarket> {
  return ctx.spot.markets.market(symbol);
}

/** The caller's user id (the access pipeline has authenticated it on USER_DATA and TRADE routes). */
export function callerOf(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal === null) throw new DomainError('UNAUTHENTICATED', 'Authentication required');
  return principal.userId;
}
