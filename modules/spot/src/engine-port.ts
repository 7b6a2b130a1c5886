// What the spot module needs of the engine; the platform passes its EngineGateway, which has this shape.
import type { Command, CommandResult } from '@tradeloom/engine';

/** The engine's book view (the `book` query). */
export interface BookQueryView {
  symbol: string;
  lastPrice: number;
  bids: [price: number, qty: number][];
  asks: [price: number, qty: number][];
}

export type SpotEngineQuery = { query: 'book'; marketId: number; depth?: number } | { query: 'status' };

export interface SpotEnginePort {
  submit(command: Command): Promise<CommandResult>;
  query<T = unknown>(query: SpotEngineQuery): Promise<T>;
}

/** What the spot module needs of the wallet: the currencies' precisions. */
export interface SpotAssets {
  getAsset(code: string): Promise<{ code: string; precision: number; status: string }>;
}

/** The user's engine account number (the wallet module owns the mapping). */
export type EngineAccountOf = (userId: string) => Promise<number>;
