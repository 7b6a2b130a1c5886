// Drives our engine with the workload: the setup commands, the command for each step, and the
// counters read back from results. Shared by the in-memory and the journaled impls so both run
// exactly the same commands.

import type { Command, CommandResult, EventBuffer, Outcome, Side } from '@tradeloom/engine';
import { CLOSED_REASON, EV_ORDER_CLOSED, EV_TRADE, TRADE_QTY } from '@tradeloom/engine';
import type { ImplStats } from './impl.js';
import { OP_CANCEL, OP_LIMIT, type Workload } from './workload.js';

const marketId = 1;
const sides: readonly [Side, Side] = ['BUY', 'SELL'];
// Commands need a timestamp; the engine only records it, so any increasing value will do.
const tsStart = 1_764_000_000_000;
// Per user and per asset. One lot is one base unit and one tick one quote unit, so an order moves
// at most ~10^4 ticks x 100 lots = ~10^6 quote units and 100 base units: 10^12 outlasts any stream
// the generator can make. The cap keeps the system account's total debit a safe integer.
const fundingUnitsMax = 1_000_000_000_000;
const fundingTotalUnitsMax = 2 ** 52;

/** Assets, the market and funded users: what every run starts from. */
export function setupCommands(users: number): Command[] {
  const ts = tsStart;
  const fundingUnits = Math.min(fundingUnitsMax, Math.floor(fundingTotalUnitsMax / users));
  const commands: Command[] = [
    { type: 'addAsset', ts, asset: 'BTC', scale: 8 },
    { type: 'addAsset', ts, asset: 'USDT', scale: 6 },
    { type: 'defineSystemAccount', ts, name: 'deposits:bench', allowNegative: true },
    {
      type: 'addMarket',
      ts,
      market: {
        id: marketId,
        symbol: 'BTCUSDT',
        base: 'BTC',
        quote: 'USDT',
        lotUnits: 1,
        tickQuoteUnits: 1,
        filters: {
          minPrice: 1,
          maxPrice: 10_000_000,
          minQty: 1,
          maxQty: 1_000_000,
          minNotional: 0,
          priceBandBps: 0,
          maxNumOrders: 1_000_000,
          maxNumStopOrders: 10,
        },
        fees: { makerPpm: 1000, takerPpm: 2000 },
        status: 'TRADING',
      },
    },
  ];
  for (let user = 1; user <= users; user++) {
    for (const asset of ['BTC', 'USDT']) {
      commands.push({
        type: 'transfer',
        ts,
        key: `dep_bench_${user}_${asset}`,
        kind: 'deposit',
        asset,
        from: { system: 'deposits:bench' },
        to: { user, wallet: 'SPOT' },
        amount: fundingUnits,
      });
    }
  }
  return commands;
}

/** Fail loudly on a rejected setup command: every later figure would be meaningless. */
export function mustAccept(result: CommandResult, command: Command): void {
  if (!result.ok) throw new Error(`setup ${command.type} rejected: ${result.code} ${result.message}`);
}

export class TradeloomDriver {
  /**
   * Workload order id -> the engine's order id. The engine numbers every accepted placement itself
   * (market orders included), so a cancel must be translated; 0 means the engine never accepted it.
   */
  private engineOrderIds = new Uint32Array(0);
  private trades = 0;
  private volumeLots = 0;
  private limitsCrossed = 0;
  private cancelsHit = 0;
  private cancelsMissed = 0;
  private stpExpired = 0;
  private rejected = 0;

  constructor(w: Workload) {
    let maxOrderId = 0;
    for (let i = 0; i < w.count; i++) maxOrderId = Math.max(maxOrderId, w.orderId[i]!);
    this.engineOrderIds = new Uint32Array(maxOrderId + 1);
  }

  /** The engine command for step i of the workload. */
  command(w: Workload, i: number): Command {
    const op = w.op[i];
    const ts = tsStart + i;
    const user = w.user[i]!;
    if (op === OP_CANCEL) {
      return { type: 'cancelOrder', ts, marketId, user, orderId: this.engineOrderIds[w.orderId[i]!]! };
    }
    const side = sides[w.side[i]!]!;
    const qty = w.qty[i]!;
    // Two literals rather than one with spread-in fields: a spread would allocate a second object.
    return op === OP_LIMIT
      ? {
          type: 'placeOrder',
          ts,
          marketId,
          user,
          side,
          orderType: 'LIMIT',
          timeInForce: 'GTC',
          price: w.price[i]!,
          qty,
        }
      : { type: 'placeOrder', ts, marketId, user, side, orderType: 'MARKET', qty };
  }

  /**
   * Read the counters (and the new order's id) from step i's outcome, reading its events as records
   * where the engine wrote them (Engine.apply), as a binary consumer of the event stream would.
   */
  record(w: Workload, i: number, outcome: Outcome, events: EventBuffer): void {
    const op = w.op[i];
    if (op === OP_CANCEL) {
      // UNKNOWN_ORDER is the normal outcome for an order that has filled (or was expired by
      // self-trade prevention) since the generator picked it; the peers report it as a miss too.
      if (outcome.ok) this.cancelsHit++;
      else {
        this.cancelsMissed++;
        this.rejected++;
      }
      this.countFills(outcome, events);
      return;
    }
    if (!outcome.ok) {
      this.rejected++;
      return;
    }
    if (outcome.orderId !== 0) this.engineOrderIds[w.orderId[i]!] = outcome.orderId;
    const fills = this.countFills(outcome, events);
    if (op === OP_LIMIT && fills > 0) this.limitsCrossed++;
  }

  /** The same counters from a result object (Engine.execute), reading its event objects. */
  recordResult(w: Workload, i: number, result: CommandResult): void {
    const op = w.op[i];
    if (op === OP_CANCEL) {
      if (result.ok) this.cancelsHit++;
      else {
        this.cancelsMissed++;
        this.rejected++;
      }
      this.countFillObjects(result);
      return;
    }
    if (!result.ok) {
      this.rejected++;
      return;
    }
    if (result.orderId !== undefined) this.engineOrderIds[w.orderId[i]!] = result.orderId;
    const fills = this.countFillObjects(result);
    if (op === OP_LIMIT && fills > 0) this.limitsCrossed++;
  }

  stats(): ImplStats {
    return {
      trades: this.trades,
      volumeLots: this.volumeLots,
      limitsCrossed: this.limitsCrossed,
      cancelsHit: this.cancelsHit,
      cancelsMissed: this.cancelsMissed,
      stpExpired: this.stpExpired,
      rejected: this.rejected,
    };
  }

  /** Count the fills and self-trade expiries of one accepted command; returns its fill count. */
  private countFills(outcome: Outcome, events: EventBuffer): number {
    if (!outcome.ok) return 0;
    let fills = 0;
    for (let pos = outcome.eventsFrom; pos < outcome.eventsTo; pos = events.next(pos)) {
      const type = events.typeAt(pos);
      if (type === EV_TRADE) {
        fills++;
        this.volumeLots += events.numAt(pos, TRADE_QTY);
      } else if (type === EV_ORDER_CLOSED && events.refAt(pos, CLOSED_REASON) === 'STP') {
        this.stpExpired++;
      }
    }
    this.trades += fills;
    return fills;
  }

  private countFillObjects(result: CommandResult): number {
    if (!result.ok) return 0;
    let fills = 0;
    for (const event of result.events) {
      if (event.type === 'trade') {
        fills++;
        this.volumeLots += event.qty;
      } else if (event.type === 'orderClosed' && event.reason === 'STP') {
        this.stpExpired++;
      }
    }
    this.trades += fills;
    return fills;
  }
}
