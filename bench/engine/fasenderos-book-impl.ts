// Both npm peers, nodejs-order-book and hft-limit-order-book, are the same author's (fasenderos)
// library at different major versions, with the same call shapes and the same result object. One
// adapter drives both, so they are counted by the same code and differ only in the library.

import type { EngineImpl, ImplStats } from './impl.js';
import { OP_CANCEL, OP_LIMIT, type Workload } from './workload.js';

/** The part of a fasenderos result the adapter reads; both versions' IProcessOrder fit it. */
interface ProcessReport {
  /** Fully filled makers; also the taker itself when a limit order is filled on arrival. */
  done: readonly unknown[];
  /** The partly filled maker, or the taker's resting remainder when it traded and rests. */
  partial: object | null;
  quantityLeft: number;
  err: { message: string } | null;
}

/** The narrow surface of a fasenderos OrderBook the benchmark uses; `S` is that version's Side. */
export interface FasenderosBook<S> {
  limit(options: { id: string; side: S; size: number; price: number }): ProcessReport;
  market(options: { side: S; size: number }): ProcessReport;
  cancel(orderId: string): object | undefined;
}

export interface FasenderosImplOptions<S> {
  name: string;
  createBook: () => FasenderosBook<S>;
  /** The library's Side values, indexed by SIDE_BUY and SIDE_SELL. */
  sides: readonly [buy: S, sell: S];
}

// The libraries key orders by string. Building `ord_<id>` strings per command would put string
// allocation on the timed path, so they are built once per workload, before timing, and shared by
// every instance that replays it (warm-up, throughput and latency runs).
const idsByWorkload = new WeakMap<Workload, readonly string[]>();

function idStringsFor(w: Workload): readonly string[] {
  let ids = idsByWorkload.get(w);
  if (ids !== undefined) return ids;
  const built = new Array<string>(w.count).fill('');
  const byOrderId = new Map<number, string>();
  for (let i = 0; i < w.count; i++) {
    const orderId = w.orderId[i]!;
    if (w.op[i] === OP_LIMIT) {
      const id = `ord_${orderId}`;
      byOrderId.set(orderId, id);
      built[i] = id;
    } else if (w.op[i] === OP_CANCEL) {
      // The same string object as the limit's, as a client holding its own id would send.
      built[i] = byOrderId.get(orderId) ?? `ord_${orderId}`;
    }
  }
  ids = built;
  idsByWorkload.set(w, ids);
  return ids;
}

/** Build an EngineImpl over a fasenderos OrderBook (GTC limits, market by size, cancel by id). */
export function createFasenderosImpl<S>({ name, createBook, sides }: FasenderosImplOptions<S>): EngineImpl {
  let book: FasenderosBook<S> = createBook();
  let ids: readonly string[] = [];
  let trades = 0;
  let volumeLots = 0;
  let limitsCrossed = 0;
  let cancelsHit = 0;
  let cancelsMissed = 0;
  let restingOrders = 0;

  function fail(i: number, report: ProcessReport): never {
    // The workload is valid for any book (unique ids, positive sizes and prices), so a rejection
    // means the adapter or the library is wrong and the figures would be too.
    throw new Error(`${name}: command ${i} rejected: ${report.err?.message}`);
  }

  return {
    name,
    init(w) {
      book = createBook();
      ids = idStringsFor(w);
      trades = 0;
      volumeLots = 0;
      limitsCrossed = 0;
      cancelsHit = 0;
      cancelsMissed = 0;
      restingOrders = 0;
    },
    apply(w, i) {
      const op = w.op[i];
      if (op === OP_LIMIT) {
        const size = w.qty[i]!;
        // timeInForce is left out: GTC is the library default, and its TimeInForce enum is not
        // exported from the package entry point.
        const r = book.limit({ id: ids[i]!, side: sides[w.side[i]!]!, size, price: w.price[i]! });
        if (r.err !== null) fail(i, r);
        if (r.quantityLeft === size) {
          restingOrders++;
        } else if (r.quantityLeft > 0) {
          // Traded, then rested: `partial` is the taker's own remainder; every maker met was
          // filled and is in `done`.
          limitsCrossed++;
          volumeLots += size - r.quantityLeft;
          trades += r.done.length;
          restingOrders += 1 - r.done.length;
        } else {
          // Filled on arrival: the library appends the taker itself to `done`, and `partial` is
          // the maker it left partly filled, if any.
          const makersFilled = r.done.length - 1;
          limitsCrossed++;
          volumeLots += size;
          trades += makersFilled + (r.partial === null ? 0 : 1);
          restingOrders -= makersFilled;
        }
      } else if (op === OP_CANCEL) {
        if (book.cancel(ids[i]!) === undefined) {
          cancelsMissed++;
        } else {
          cancelsHit++;
          restingOrders--;
        }
      } else {
        const size = w.qty[i]!;
        const r = book.market({ side: sides[w.side[i]!]!, size });
        if (r.err !== null) fail(i, r);
        volumeLots += size - r.quantityLeft;
        trades += r.done.length + (r.partial === null ? 0 : 1);
        restingOrders -= r.done.length;
      }
    },
    stats(): ImplStats {
      return { trades, volumeLots, limitsCrossed, cancelsHit, cancelsMissed, restingOrders };
    },
  };
}
