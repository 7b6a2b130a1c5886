// The sequencer: the single writer. It numbers each command, routes it to the ledger or the
// matching component, and closes the command's output with aggregated balance and book events.
// Pure and synchronous: no I/O, no clock, no randomness; same commands in, same events out.
import { assert, fail } from './assert.js';
import type {
  AddMarket,
  CancelAll,
  CancelOrder,
  CancelReplace,
  Command,
  PlaceOco,
  PlaceOrder,
  UpdateMarket,
} from './commands.js';
import { Context } from './context.js';
import type { Accepted, CommandResult, EngineEvent, Rejected } from './events.js';
import { Account } from './ledger/account.js';
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
const SIDE_NAMES = ['BUY', 'SELL'] as const;

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

  /** Apply one command. Never throws for bad input (that is a rejection); throws only on a broken invariant. */
  execute(cmd: Command): CommandResult {
    const ctx = this.ctx;
    const commandSeq = ++ctx.commandSeq;
    ctx.reset(typeof cmd?.ts === 'number' && Number.isSafeInteger(cmd.ts) ? cmd.ts : 0);
    const outcome = this.dispatch(cmd);
    if (isRejection(outcome)) {
      if (ctx.events.length !== 0 || ctx.touchedAccountCount !== 0 || ctx.touchedLevelCount !== 0) {
        fail(`rejected command ${commandSeq} changed state`);
      }
      const rejected: Rejected = { ok: false, commandSeq, code: outcome.code, message: outcome.message };
      if (outcome.detail !== undefined) rejected.detail = outcome.detail;
      return rejected;
    }
    if (typeof outcome === 'object' && outcome !== null) return { ...outcome, commandSeq };
    this.closeOutput();
    const result: Accepted = { ok: true, commandSeq, events: ctx.events };
    if (typeof outcome === 'number' && outcome > 0) result.orderId = outcome;
    if (this.replace !== null) {
      const r = this.replace;
      this.replace = null;
      if (r.cancelRejection)
        result.cancelRejected = { code: r.cancelRejection.code, message: r.cancelRejection.message };
      if (r.placeRejection)
        result.newOrderRejected = { code: r.placeRejection.code, message: r.placeRejection.message };
    }
    if (cmd.type === 'transfer' || cmd.type === 'settleHold') this.ledgerCommands.remember(cmd.key, result);
    return result;
  }

  private dispatch(cmd: Command): Rejection | Accepted | number | null {
    if (typeof cmd !== 'object' || cmd === null)
      return reject('INVALID_COMMAND', 'command must be an object');
    if (typeof cmd.ts !== 'number' || !Number.isSafeInteger(cmd.ts) || cmd.ts < 0) {
      return reject('INVALID_COMMAND', 'ts must be a non-negative integer (ms since epoch)');
    }
    const l = this.ledgerCommands;
    switch (cmd.type) {
      case 'addAsset':
        return l.addAsset(cmd);
      case 'defineSystemAccount':
        return l.defineSystemAccount(cmd);
      case 'transfer':
        return l.transfer(cmd);
      case 'hold':
        return l.hold(cmd);
      case 'release':
        return l.release(cmd);
      case 'settleHold':
        return l.settleHold(cmd);
      case 'addMarket':
        return this.addMarket(cmd);
      case 'updateMarket':
        return this.updateMarket(cmd);
      case 'placeOrder':
      case 'placeOco':
      case 'cancelOrder':
      case 'cancelAll':
      case 'cancelReplace':
        return this.dispatchOrder(cmd);
      default:
        // An unknown type is malformed whatever its other fields say (not UNKNOWN_MARKET, say).
        return reject('INVALID_COMMAND', `unknown command type ${String((cmd as { type: unknown }).type)}`);
    }
  }

  private dispatchOrder(
    cmd: PlaceOrder | PlaceOco | CancelOrder | CancelAll | CancelReplace,
  ): Rejection | number | null {
    if (!Ledger.isValidUser(cmd.user)) return reject('INVALID_COMMAND', 'user must be a positive integer id');
    const market = this.matcher.markets.get(cmd.marketId);
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
        const market = this.matcher.markets.get(level.marketId)!;
        const live = (level.side === BUY ? market.bids : market.asks).byPrice.get(level.price);
        if (live !== undefined && live !== level) continue;
      }
      ctx.emit({
        type: 'bookLevel',
        seq: ctx.nextSeq(),
        marketId: level.marketId,
        side: SIDE_NAMES[level.side],
        price: level.price,
        qty: level.count === 0 ? 0 : level.total,
      });
    }
    for (let i = 0; i < ctx.touchedAccountCount; i++) {
      const account = ctx.touchedAccounts[i]!;
      ctx.emit(balanceEvent(ctx.nextSeq(), account));
    }
  }
}

/** An optional partial update: absent, or a plain object (unknown keys are caught by validation). */
function isPartial(value: unknown): boolean {
  return value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value));
}

function balanceEvent(seq: number, account: Account): EngineEvent {
  assert(account instanceof Account && account.system === null, 'balance events are for user accounts');
  return {
    type: 'balance',
    seq,
    user: account.user,
    asset: account.asset,
    wallet: account.wallet,
    available: account.available,
    held: account.held,
  };
}
