'use client';
// Market data for the screens. For now each hook polls the REST API; the live WebSocket streams
// (modules/market-stream) will feed the same hooks later without the screens changing.
import { api } from './api';
import type { Book, Market, PublicTrade, Ticker } from './types';
import { type Polled, usePolled } from './use-polled';

/** How often the exchange screen's live panels poll. */
export const LIVE_INTERVAL_MS = 1_000;

export function useMarkets(): Polled<Market[]> {
  return usePolled(
    'markets',
    async (signal) => (await api<{ markets: Market[] }>('/api/v1/spot/markets', { signal })).markets,
    60_000,
  );
}

export function useTickers(intervalMs = 2_000): Polled<Ticker[]> {
  return usePolled(
    'tickers',
    async (signal) => (await api<{ tickers: Ticker[] }>('/api/v1/spot/tickers', { signal })).tickers,
    intervalMs,
  );
}

export function useBook(symbol: string, depth = 16): Polled<Book> {
  return usePolled(
    `book:${symbol}:${depth}`,
    (signal) =>
      api<Book>(`/api/v1/spot/markets/${encodeURIComponent(symbol)}/book?depth=${depth}`, { signal }),
    LIVE_INTERVAL_MS,
  );
}

export function useTrades(symbol: string, limit = 30): Polled<PublicTrade[]> {
  return usePolled(
    `trades:${symbol}:${limit}`,
    async (signal) =>
      (
        await api<{ trades: PublicTrade[] }>(
          `/api/v1/spot/markets/${encodeURIComponent(symbol)}/trades?limit=${limit}`,
          { signal },
        )
      ).trades
        .slice()
        .reverse(),
    LIVE_INTERVAL_MS,
  );
}
