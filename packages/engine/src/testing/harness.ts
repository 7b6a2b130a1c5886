// A small driver for engine tests: a funded two-asset market and invariant checks after every command.
import type {
  CancelReplace,
  Command,
  MarketFees,
  MarketFilters,
  MarketSpec,
  PlaceOco,
  PlaceOrder,
  UpdateMarket,
} from '../commands.js';
import { Engine } from '../engine.js';
import type { Accepted, CommandResult, EngineEvent } from '../events.js';
import { checkInvariants } from '../state/invariants.js';
import { captureState } from '../state/snapshot.js';

export const MARKET_ID = 1;
export const DEPOSITS = 'deposits:test';
/** Bystanders that printTrade uses to make a trade at a chosen price. */
export const PRINT_SELLER = 90;
export const PRINT_BUYER = 91;

export const defaultFilters: MarketFilters = {
  minPrice: 1,
  maxPrice: 1_000_000,
  minQty: 1,
  maxQty: 1_000_000,
  minNotional: 0,
  priceBandBps: 0,
  maxNumOrders: 1_000,
  maxNumStopOrders: 100,
};

export function marketSpec(overrides: Partial<MarketSpec> = {}): MarketSpec {
  return {
    id: MARKET_ID,
    symbol: 'BTCUSDT',
    base: 'BTC',
    quote: 'USDT',
    lotUnits: 10,
    tickQuoteUnits: 1,
    filters: { ...defaultFilters },
    fees: { makerPpm: 0, takerPpm: 0 },
    status: 'TRADING',
    ...overrides,
  };
}

export class Harness {
  readonly engine = new Engine();
  ts = 1_700_000_000_000;
  checkEveryCommand = true;

  constructor(
    opts: { filters?: Partial<MarketFilters>; fees?: Partial<MarketFees>; market?: Partial<MarketSpec> } = {},
  ) {
    this.ok({ type: 'addAsset', ts: this.ts, asset: 'BTC', scale: 8 });
    this.ok({ type: 'addAsset', ts: this.ts, asset: 'USDT', scale: 6 });
    this.ok({ type: 'defineSystemAccount', ts: this.ts, name: DEPOSITS, allowNegative: true });
    this.ok({
      type: 'addMarket',
      ts: this.ts,
      market: marketSpec({
        ...opts.market,
        filters: { ...defaultFilters, ...opts.filters },
        fees: { makerPpm: 0, takerPpm: 0, ...opts.fees },
      }),
    });
  }

  run(cmd: Command): CommandResult {
    const result = this.engine.execute(cmd);
    if (this.checkEveryCommand) checkInvariants(this.engine);
    return result;
  }

  /** Run a command that must be accepted; returns its events. */
  ok(cmd: Command): Accepted {
    const result = this.run(cmd);
    if (!result.ok)
      throw new Error(`expected acceptance of ${cmd.type}, got ${result.code}: ${result.message}`);
    return result;
  }

  fund(user: number, asset: string, amount: number): void {
    this.ok({
      type: 'transfer',
      ts: this.ts,
      key: `fund-${user}-${asset}-${this.engine.commandSeq}`,
      kind: 'deposit',
      asset,
      from: { system: DEPOSITS },
      to: { user, wallet: 'SPOT' },
      amount,
    });
  }

  place(user: number, fields: Omit<PlaceOrder, 'type' | 'ts' | 'marketId' | 'user'>): CommandResult {
    return this.run({ type: 'placeOrder', ts: ++this.ts, marketId: MARKET_ID, user, ...fields });
  }

  limit(
    user: number,
    side: 'BUY' | 'SELL',
    price: number,
    qty: number,
    extra: Partial<PlaceOrder> = {},
  ): CommandResult {
    return this.place(user, { side, orderType: 'LIMIT', price, qty, ...extra });
  }

  placeOco(user: number, fields: Omit<PlaceOco, 'type' | 'ts' | 'marketId' | 'user'>): CommandResult {
    return this.run({ type: 'placeOco', ts: ++this.ts, marketId: MARKET_ID, user, ...fields });
  }

  cancel(user: number, target: { orderId?: number; clientOrderId?: string }): CommandResult {
    return this.run({ type: 'cancelOrder', ts: ++this.ts, marketId: MARKET_ID, user, ...target });
  }

  cancelAll(user: number): CommandResult {
    return this.run({ type: 'cancelAll', ts: ++this.ts, marketId: MARKET_ID, user });
  }

  cancelReplace(
    user: number,
    fields: Omit<CancelReplace, 'type' | 'ts' | 'marketId' | 'user'>,
  ): CommandResult {
    return this.run({ type: 'cancelReplace', ts: ++this.ts, marketId: MARKET_ID, user, ...fields });
  }

  update(fields: Omit<UpdateMarket, 'type' | 'ts' | 'marketId'>): CommandResult {
    return this.run({ type: 'updateMarket', ts: ++this.ts, marketId: MARKET_ID, ...fields });
  }

  /**
   * Make a trade of `qty` lots at `price` between PRINT_SELLER and PRINT_BUYER (funded here) so that
   * the market's last price becomes `price`; returns the taker's result (stops it triggered included).
   * The book must not cross `price` already, or the print would trade with someone else.
   */
  printTrade(price: number, qty = 1): Accepted {
    const m = this.engine.matcher.markets.get(MARKET_ID)!;
    this.fund(PRINT_SELLER, 'BTC', m.baseUnits(qty));
    this.fund(PRINT_BUYER, 'USDT', 2 * m.notional(price, qty));
    this.ok({
      type: 'placeOrder',
      ts: ++this.ts,
      marketId: MARKET_ID,
      user: PRINT_SELLER,
      side: 'SELL',
      orderType: 'LIMIT',
      price,
      qty,
    });
    const result = this.ok({
      type: 'placeOrder',
      ts: ++this.ts,
      marketId: MARKET_ID,
      user: PRINT_BUYER,
      side: 'BUY',
      orderType: 'LIMIT',
      price,
      qty,
      timeInForce: 'IOC',
    });
    const [first] = eventsOf(result, 'trade');
    if (first === undefined || first.seller !== PRINT_SELLER || first.qty !== qty || first.price !== price)
      throw new Error(`printTrade(${price}) did not trade with its own seller`);
    return result;
  }

  /** The canonical state without commandSeq, which every command (rejected ones too) advances. */
  stateWithoutSeq(): string {
    return JSON.stringify({ ...captureState(this.engine), commandSeq: 0 });
  }

  balance(user: number, asset: string): { available: number; held: number } {
    const info = this.engine.ledger.assets.get(asset)!;
    const a = this.engine.ledger.userAccount(user, info, 'SPOT');
    return { available: a.available, held: a.held };
  }

  fees(asset: string): number {
    const info = this.engine.ledger.assets.get(asset)!;
    return this.engine.ledger.systemAccount('fees', info)!.available;
  }

  book(side: 'BUY' | 'SELL'): [price: number, qty: number][] {
    const m = this.engine.matcher.markets.get(MARKET_ID)!;
    const s = side === 'BUY' ? m.bids : m.asks;
    return [...s.levels].reverse().map((l) => [l.price, l.total]);
  }
}

export function eventsOf<T extends EngineEvent['type']>(
  result: CommandResult,
  type: T,
): Extract<EngineEvent, { type: T }>[] {
  if (!result.ok) return [];
  return result.events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
}

/** The order id (or list id) of an accepted placement; throws on a rejection. */
export function idOf(result: CommandResult): number {
  if (!result.ok || result.orderId === undefined)
    throw new Error(`expected an order id, got ${JSON.stringify(result)}`);
  return result.orderId;
}

/** The rejection code of a result, or 'OK'. */
export function codeOf(result: CommandResult): string {
  return result.ok ? 'OK' : result.code;
}
