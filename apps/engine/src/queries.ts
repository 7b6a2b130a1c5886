// Read-only views of the engine state for operators and the demo (status, book depth, balances).
import { captureState, stateHash } from '@tradeloom/engine';
import type { EngineHost } from './engine-host.js';
import type { Query } from './protocol.js';

export interface BookView {
  symbol: string;
  lastPrice: number;
  bids: [price: number, qty: number][];
  asks: [price: number, qty: number][];
}

/** Answer a query from the live state. */
export function runQuery(host: EngineHost, query: Query): unknown {
  const engine = host.engine;
  switch (query.query) {
    case 'status':
      return {
        commandSeq: engine.commandSeq,
        durableSeq: host.durableSeq,
        markets: engine.matcher.markets.size,
        openOrders: engine.matcher.orders.size,
        recovery: host.recovery,
        projectedSeq: host.projectedSeq?.() ?? null,
      };
    case 'book': {
      const m = engine.matcher.markets.get(query.marketId);
      if (m === undefined) throw new Error(`unknown market ${query.marketId}`);
      const depth = Math.min(Math.max(query.depth ?? 20, 1), 1000);
      const view = (levels: typeof m.bids.levels): [number, number][] =>
        levels
          .slice(-depth)
          .reverse()
          .map((l) => [l.price, l.total]);
      const book: BookView = {
        symbol: m.spec.symbol,
        lastPrice: m.lastPrice,
        bids: view(m.bids.levels),
        asks: view(m.asks.levels),
      };
      return book;
    }
    case 'balances': {
      const rows: { asset: string; wallet: string; available: number; held: number }[] = [];
      for (const a of engine.ledger.accounts.values()) {
        if (a.user === query.user && (a.available !== 0 || a.held !== 0)) {
          rows.push({ asset: a.asset, wallet: a.wallet, available: a.available, held: a.held });
        }
      }
      return rows;
    }
    case 'stateHash':
      return stateHash(engine);
    case 'ledger': {
      // A copy of the whole state: an operator query, run by the reconciliation job, not per request.
      const state = captureState(engine);
      return { commandSeq: state.commandSeq, accounts: state.accounts };
    }
    default:
      throw new Error('unknown query');
  }
}
