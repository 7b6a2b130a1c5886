// The sequencer: the single writer. It numbers each command, routes it to the ledger or the
// matching component, and closes the command's output with aggregated balance and book events.
// Pure and synchronous: no I/O, no clock, no randomness; same commands in, same events out.
import { fail } from './assert.js';
import type {
  AddAsset,
  AddMarket,
  CancelAll,
  CancelOrder,
  CancelReplace,
  Command,
  DefineSystemAccount,
  Hold,
  PlaceOco,
  PlaceOrder,
  Release,
  SettleHold,
  Transfer,
  UpdateMarket,
} from './commands.js';
import { Context } from './context.js';
import type { EventBuffer } from './event-buffer.js';
import type { Accepted, CommandResult, EngineEvent, Rejected } from './events.js';
import { Ledger } from './ledger/ledger.js';
import { LedgerCommands } from './ledger/ledger-commands.js';
import { Market } from './matching/market.js';
import type { ReplaceOutcome } from './matching/matcher.js';
import { Matcher } from './matching/matcher.js';
import { BUY } from './matching/order.js';
import { validateMarketParams, validateMarketSpec } from './matching/validate-market.js';
import type { Rejection } from './reject.js';
import { isRejection, reject } from './reject.js';

/** The system account every market's fees are paid into. */
export const FEES_ACCOUNT = 'fees';

export class Engine {
  readonly ctx = new Context();
  readonly ledger = new Ledger(this.ctx);
  readonly ledgerCommands = new LedgerCommands(this.ctx, this.ledger);
  readonly matcher = new Matcher(this.ctx, this.ledger);
  readonly symbols = new Set<string>();

  constructor() {
    // Genesis state, identical on every start and every replay.
    this.ledger.defineSystem(FEES_ACCOUNT, false);
  }

  /** Sequence number of the last command applied. */
  get commandSeq(): number {
    return this.ctx.commandSeq;
  }

  /**
   * Apply one command and return its result as objects. Never throws for bad input (that is a
   * rejection); throws only on a broken invariant. Leaves `events` as it found it.
   */
  execute(cmd: Command): CommandResult {
    const out = this.ctx.out;
    const end = out.end;
    const refEnd = out.refEnd;
    const o = this.apply(cmd);
    const result =
      o.result ?? acceptedResult(o.commandSeq, o.orderId, out.materialize(o.eventsFrom, o.eventsTo));
    out.truncate(end, refEnd);
    return result;
  }

  /**
   * Apply one command without building its result: the hot path of the engine's hosts. Its events are
   * appended to `events` (positions `eventsFrom`..`eventsTo` of the returned outcome) and stay there
   * until the caller clears or discards them. The outcome object is reused by the next command.
   */
  apply(cmd: Command): Outcome {
    const ctx = this.ctx;
    const o = this.outcome;
    const commandSeq = ++ctx.commandSeq;
    // `type` is read at one site that every command shape passes (megamorphic: a stub-cache probe);
    // `ts` and the other fields at sites that only one family of shapes passes.
    const type = typeof cmd === 'object' && cmd !== null ? typeOf(cmd) : undefined;
    const ts = type === undefined ? undefined : isOrderCommand(type) ? orderTs(cmd) : commandTs(cmd);
    ctx.reset(typeof ts === 'number' && Number.isSafeInteger(ts) ? ts : 0);
    o.commandSeq = commandSeq;
    o.eventsFrom = ctx.eventsFrom;
    o.refsFrom = ctx.out.refEnd;
    o.orderId = 0;
    o.result = null;
    const outcome = this.dispatch(cmd, type, ts);
    if (typeof outcome === 'number' || outcome === null) {
      this.closeOutput();
      o.ok = true;
      o.eventsTo = ctx.out.end;
      if (typeof outcome === 'number' && outcome > 0) o.orderId = outcome;
      if (this.replace !== null || type === 'transfer' || type === 'settleHold') this.finishSpecial(cmd, o);
      return o;
    }
    o.eventsTo = o.eventsFrom;
    if (isRejection(outcome)) {
      if (ctx.out.end !== o.eventsFrom || ctx.touchedAccountCount !== 0 || ctx.touchedLevelCount !== 0) {
        fail(`rejected command ${commandSeq} changed state`);
      }
      const rejected: Rejected = { ok: false, commandSeq, code: outcome.code, message: outcome.message };
      if (outcome.detail !== undefined) rejected.detail = outcome.detail;
      o.ok = false;
      o.result = rejected;
      return o;
    }
    // A repeated idempotency key: the first result again.
    o.ok = true;
    o.result = { ...outcome, commandSeq };
    return o;
  }

  /** Results that carry more than events and an order id, built at once: cancel-replace, keyed commands. */
  private finishSpecial(cmd: Command, o: Outcome): void {
    const result = acceptedResult(
      o.commandSeq,
      o.orderId,
      this.ctx.out.materialize(o.eventsFrom, o.eventsTo),
    );
    if (this.replace !== null) {
      const r = this.replace;
      this.replace = null;
      if (r.cancelRejection)
        result.cancelRejected = { code: r.cancelRejection.code, message: r.cancelRejection.message };
      if (r.placeRejection)
        result.newOrderRejected = { code: r.placeRejection.code, message: r.placeRejection.message };
    }
    if (cmd.type === 'transfer' || cmd.type === 'settleHold') this.ledgerCommands.remember(cmd.key, result);
    o.result = result;
  }

  /** The events of every command applied since the last clear (see `apply`). */
  get events(): EventBuffer {
    return this.ctx.out;
  }

  private readonly outcome = new Outcome();

  private dispatch(cmd: Command, type: unknown, ts: unknown): Rejection | Accepted | number | null {
    if (typeof cmd !== 'object' || cmd === null)
      return reject('INVALID_COMMAND', 'command must be an object');
    if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts < 0) {
      return reject('INVALID_COMMAND', 'ts must be a non-negative integer (ms since epoch)');
    }
    const l = this.ledgerCommands;
    switch (type) {
      case 'addAsset':
        return l.addAsset(cmd as AddAsset);
      case 'defineSystemAccount':
        return l.defineSystemAccount(cmd as DefineSystemAccount);
      case 'transfer':
        return l.transfer(cmd as Transfer);
      case 'hold':
        return l.hold(cmd as Hold);
      case 'release':
        return l.release(cmd as Release);
      case 'settleHold':
        return l.settleHold(cmd as SettleHold);
      case 'addMarket':
        return this.addMarket(cmd as AddMarket);
      case 'updateMarket':
        return this.updateMarket(cmd as UpdateMarket);
      case 'placeOrder':
      case 'placeOco':
      case 'cancelOrder':
      case 'cancelAll':
      case 'cancelReplace':
        return this.dispatchOrder(cmd as PlaceOrder | PlaceOco | CancelOrder | CancelAll | CancelReplace);
      default:
        // An unknown type is malformed whatever its other fields say (not UNKNOWN_MARKET, say).
        return reject('INVALID_COMMAND', `unknown command type ${String(type)}`);
    }
  }

  private dispatchOrder(
    cmd: PlaceOrder | PlaceOco | CancelOrder | CancelAll | CancelReplace,
  ): Rejection | number | null {
    // Orders the previous command closed may be reused from here on (no command still holds them).
    this.matcher.recycle();
    if (!Ledger.isValidUser(cmd.user)) return reject('INVALID_COMMAND', 'user must be a positive integer id');
    const market = this.matcher.market(cmd.marketId);
    if (market === undefined) return reject('UNKNOWN_MARKET', `unknown market ${String(cmd.marketId)}`);
    // Triggers are evaluated after every taker that traded, even at an unchanged last price: a trade at
    // the price a trailing stop's stopPrice already allows is what activates it.
    const tradesBefore = this.matcher.nextTradeId;
    let outcome: Rejection | number | null;
    switch (cmd.type) {
      case 'placeOrder':
        outcome = this.matcher.place(cmd);
        break;
      case 'placeOco':
        outcome = this.matcher.placeOco(cmd);
        break;
      case 'cancelOrder':
        outcome = this.matcher.cancel(cmd);
        break;
      case 'cancelAll':
        outcome = this.matcher.cancelAll(cmd);
        break;
      case 'cancelReplace': {
        const r = this.matcher.cancelReplace(cmd);
        if (isRejection(r)) return r;
        this.replace = r;
        outcome = r.orderId;
        break;
      }
    }
    if (this.matcher.nextTradeId !== tradesBefore) this.matcher.runTriggers(market);
    return outcome;
  }

  /** Outcome of the cancelReplace being executed, reported on its result. */
  private replace: ReplaceOutcome | null = null;

  private addMarket(cmd: AddMarket): Rejection | null {
    const spec = cmd.market;
    const bad = validateMarketSpec(spec);
    if (bad) return bad;
    if (this.matcher.markets.has(spec.id)) return reject('MARKET_EXISTS', `market ${spec.id} exists`);
    if (this.symbols.has(spec.symbol)) return reject('MARKET_EXISTS', `market ${spec.symbol} exists`);
    const base = this.ledger.assets.get(spec.base);
    const quote = this.ledger.assets.get(spec.quote);
    if (base === undefined || quote === undefined)
      return reject('UNKNOWN_ASSET', 'base and quote must be known assets');
    const copy = structuredClone(spec);
    const fees = this.ledger.systemAccount(FEES_ACCOUNT, quote)!;
    this.matcher.markets.set(spec.id, new Market(copy, base, quote, fees));
    this.symbols.add(spec.symbol);
    this.ctx.emit({ type: 'marketAdded', seq: this.ctx.nextSeq(), market: structuredClone(copy) });
    return null;
  }

  private updateMarket(cmd: UpdateMarket): Rejection | null {
    const market = this.matcher.markets.get(cmd.marketId);
    if (market === undefined) return reject('UNKNOWN_MARKET', `unknown market ${String(cmd.marketId)}`);
    const spec = market.spec;
    if (!isPartial(cmd.filters) || !isPartial(cmd.fees))
      return reject('INVALID_MARKET', 'filters and fees must be objects of filter and fee fields');
    const filters = { ...spec.filters, ...(cmd.filters ?? {}) };
    const fees = { ...spec.fees, ...(cmd.fees ?? {}) };
    const status = cmd.status ?? spec.status;
    const bad = validateMarketParams(spec.lotUnits, spec.tickQuoteUnits, filters, fees, status);
    if (bad) return bad;
    // Resting orders keep the fee rates and the reservation they were accepted with.
    market.spec = { ...spec, filters, fees, status };
    this.ctx.emit({ type: 'marketUpdated', seq: this.ctx.nextSeq(), market: structuredClone(market.spec) });
    return null;
  }

  /** Append one event per touched book level and per touched user account, in touch order. */
  private closeOutput(): void {
    const ctx = this.ctx;
    for (let i = 0; i < ctx.touchedLevelCount; i++) {
      const level = ctx.touchedLevels[i]!;
      if (level.count === 0) {
        // A level emptied and recreated within the command (cancelReplace at the same price) is two
        // PriceLevel objects but one book level: the live one, also touched, reports the total.
        const market = this.matcher.market(level.marketId)!;
        const live = (level.side === BUY ? market.bids : market.asks).byPrice.get(level.price);
        if (live !== undefined && live !== level) continue;
      }
      ctx.out.bookLevel(
        ctx.nextSeq(),
        level.marketId,
        level.side,
        level.price,
        level.count === 0 ? 0 : level.total,
      );
    }
    for (let i = 0; i < ctx.touchedAccountCount; i++) {
      const account = ctx.touchedAccounts[i]!;
      if (!(account.system === null)) fail('balance events are for user accounts');
      ctx.out.balance(ctx.nextSeq(), account);
    }
  }
}

// Field reads kept in functions of their own so that each site sees few object shapes (see apply).
function typeOf(cmd: object): unknown {
  return (cmd as { type: unknown }).type;
}

function isOrderCommand(type: unknown): boolean {
  return (
    type === 'placeOrder' ||
    type === 'cancelOrder' ||
    type === 'cancelAll' ||
    type === 'cancelReplace' ||
    type === 'placeOco'
  );
}

function orderTs(cmd: Command): unknown {
  return (cmd as PlaceOrder).ts;
}

function commandTs(cmd: Command): unknown {
  return (cmd as Transfer).ts;
}

/** An optional partial update: absent, or a plain object (unknown keys are caught by validation). */
function isPartial(value: unknown): boolean {
  return value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value));
}

/** An accepted command's result object, fields in their documented order. */
export function acceptedResult(commandSeq: number, orderId: number, events: EngineEvent[]): Accepted {
  const result: Accepted = { ok: true, commandSeq, events };
  if (orderId > 0) result.orderId = orderId;
  return result;
}

/**
 * What `Engine.apply` reports about the command it applied; one object per engine, overwritten by the
 * next command. `result` is set when the result is more than accepted-with-events (a rejection, a
 * repeated key, a cancel-replace or a keyed command): then it is the object `execute` returns.
 */
export class Outcome {
  ok = true;
  commandSeq = 0;
  /** The new order's id (placeOrder, cancelReplace), the list id (placeOco), the canceled id (cancelOrder); 0 = none. */
  orderId = 0;
  /** The command's events in `Engine.events`: records at positions [eventsFrom, eventsTo). */
  eventsFrom = 0;
  eventsTo = 0;
  /** First reference the command's events may use in `Engine.events` (for `discardBefore`). */
  refsFrom = 0;
  result: CommandResult | null = null;
}
