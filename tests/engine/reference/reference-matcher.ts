// A deliberately simple model of the spot rules in docs/engine.md: plain arrays, brute-force scans, bigint money.
// It is written from the document, not from the engine, so that the two can be compared (differential.test.ts).
// Out of scope: stops, trailing stops, OCO, cancel-replace, named holds, market status changes.
import type {
  CloseReason,
  Command,
  Party,
  PlaceOrder,
  RejectCode,
  Side,
  StpMode,
  TimeInForce,
  Transfer,
} from '@tradeloom/engine';

const PPM = 1_000_000n;
const FEE_PPM_MAX = 100_000;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const USER_ID_MAX = 2 ** 36;
const TIFS: readonly TimeInForce[] = ['GTC', 'IOC', 'FOK'];
const STP_MODES: readonly StpMode[] = ['NONE', 'EXPIRE_MAKER', 'EXPIRE_TAKER', 'EXPIRE_BOTH'];
const WALLETS = ['SPOT', 'FUNDING', 'FIAT', 'FUTURES', 'P2P', 'ECO'];
const KINDS = [
  'deposit',
  'withdrawal',
  'internal',
  'wallet',
  'fee',
  'adjustment',
  'escrow',
  'stake',
  'purchase',
];

/** The one market the reference runs, with the parameters docs/engine.md names. */
export interface RefMarket {
  marketId: number;
  base: string;
  quote: string;
  lotUnits: number;
  tickQuoteUnits: number;
  minPrice: number;
  maxPrice: number;
  minQty: number;
  maxQty: number;
  minNotional: number;
  priceBandBps: number;
  makerPpm: number;
  takerPpm: number;
}

/** What a command caused, in the order it happened: the part of the engine's events the reference models. */
export type RefEvent =
  | { kind: 'accepted'; orderId: number; hold: number }
  | {
      kind: 'trade';
      price: number;
      qty: number;
      buyOrderId: number;
      sellOrderId: number;
      buyer: number;
      seller: number;
      buyerFee: number;
      sellerFee: number;
      takerSide: Side;
    }
  | { kind: 'holdReduced'; orderId: number; released: number }
  | {
      kind: 'closed';
      orderId: number;
      status: 'FILLED' | 'CANCELED' | 'EXPIRED';
      reason: CloseReason;
      filledQty: number;
      released: number;
    };

export type RefOutcome = { ok: false; code: RejectCode } | { ok: true; events: RefEvent[] };

export interface RefBalance {
  available: bigint;
  held: bigint;
}

interface RefOrder {
  id: number;
  user: number;
  side: Side;
  type: 'LIMIT' | 'LIMIT_MAKER' | 'MARKET';
  tif: TimeInForce;
  stp: StpMode;
  /** 0 for market orders. */
  price: number;
  /** Lots; 0 when sized by quoteQty. */
  qty: number;
  quoteQty: number;
  remaining: number;
  filled: number;
  filledNotional: bigint;
  hold: bigint;
  makerPpm: bigint;
  takerPpm: bigint;
  /** When it came to rest: time priority within a price. */
  restedAt: number;
}

type Stop = 'FILLED' | 'NO_LIQUIDITY' | 'NOT_CROSSING' | 'STP' | 'INSUFFICIENT_BALANCE';

const positiveInt = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n > 0;
const fee = (notional: bigint, ppm: bigint): bigint => (notional * ppm) / PPM;
const bigMax = (a: bigint, b: bigint): bigint => (a > b ? a : b);

export class ReferenceMatcher {
  private readonly balances = new Map<string, RefBalance>();
  private readonly systems: Map<string, boolean>;
  /** Resting orders, in no particular order: every lookup scans. */
  private book: RefOrder[] = [];
  private readonly results = new Map<string, RefOutcome>();
  private events: RefEvent[] = [];
  private nextOrderId = 1;
  private restClock = 0;
  private lastPrice = 0;
  private makerPpm: number;
  private takerPpm: number;

  /** `systems`: system account names and whether each may go negative (`fees` is added, not negative). */
  constructor(
    private readonly m: RefMarket,
    systems: Record<string, boolean>,
  ) {
    this.systems = new Map([...Object.entries(systems), ['fees', false]]);
    this.makerPpm = m.makerPpm;
    this.takerPpm = m.takerPpm;
  }

  /** A user's SPOT balance (or another wallet's). */
  balance(user: number, asset: string, wallet = 'SPOT'): RefBalance {
    return { ...this.account(`u:${user}:${wallet}:${asset}`) };
  }

  /** A system account's balance. */
  systemBalance(name: string, asset: string): RefBalance {
    return { ...this.account(`s:${name}:${asset}`) };
  }

  execute(cmd: Command): RefOutcome {
    this.events = [];
    const outcome = this.dispatch(cmd);
    if (outcome !== null) return outcome;
    return { ok: true, events: this.events };
  }

  private dispatch(cmd: Command): RefOutcome | null {
    switch (cmd.type) {
      case 'transfer':
        return this.transfer(cmd);
      case 'updateMarket': {
        const maker = cmd.fees?.makerPpm ?? this.makerPpm;
        const taker = cmd.fees?.takerPpm ?? this.takerPpm;
        if (cmd.filters !== undefined || cmd.status !== undefined)
          throw new Error('reference: only fee updates');
        if (![maker, taker].every((r) => Number.isSafeInteger(r) && r >= 0 && r <= FEE_PPM_MAX))
          return no('INVALID_MARKET');
        this.makerPpm = maker;
        this.takerPpm = taker;
        return null;
      }
      case 'placeOrder':
        return this.place(cmd);
      case 'cancelOrder': {
        const order = this.book.find(
          (o) => o.id === cmd.orderId && o.user === cmd.user && cmd.marketId === this.m.marketId,
        );
        if (order === undefined) return no('UNKNOWN_ORDER');
        this.close(order, 'CANCELED', 'USER');
        return null;
      }
      case 'cancelAll': {
        const mine = this.book.filter((o) => o.user === cmd.user).sort((a, b) => b.id - a.id);
        for (const o of mine) this.close(o, 'CANCELED', 'CANCEL_ALL');
        return null;
      }
      default:
        throw new Error(`reference: ${cmd.type} is out of scope`);
    }
  }

  // ---- ledger -----------------------------------------------------------------------------------

  private account(key: string): RefBalance {
    let b = this.balances.get(key);
    if (b === undefined) {
      b = { available: 0n, held: 0n };
      this.balances.set(key, b);
    }
    return b;
  }

  private userAccount(user: number, asset: string): RefBalance {
    return this.account(`u:${user}:SPOT:${asset}`);
  }

  /** The balance key of a transfer party, or why it is not one. */
  private partyKey(p: Party, asset: string): { key: string } | { code: RejectCode } {
    if ('system' in p)
      return this.systems.has(p.system)
        ? { key: `s:${p.system}:${asset}` }
        : { code: 'UNKNOWN_SYSTEM_ACCOUNT' };
    if (!positiveInt(p.user) || p.user >= USER_ID_MAX || !WALLETS.includes(p.wallet))
      return { code: 'INVALID_COMMAND' };
    return { key: `u:${p.user}:${p.wallet}:${asset}` };
  }

  private transfer(cmd: Transfer): RefOutcome | null {
    const first = this.results.get(cmd.key);
    if (first !== undefined) return first;
    if (!KINDS.includes(cmd.kind)) return no('INVALID_COMMAND');
    if (cmd.asset !== this.m.base && cmd.asset !== this.m.quote) return no('UNKNOWN_ASSET');
    if (!positiveInt(cmd.amount)) return no('INVALID_COMMAND');
    const from = this.partyKey(cmd.from, cmd.asset);
    if ('code' in from) return no(from.code);
    const to = this.partyKey(cmd.to, cmd.asset);
    if ('code' in to) return no(to.code);
    if (from.key === to.key) return no('SAME_ACCOUNT');
    const amount = BigInt(cmd.amount);
    const debit = this.account(from.key);
    const mayGoNegative = 'system' in cmd.from && this.systems.get(cmd.from.system) === true;
    if (!mayGoNegative && debit.available < amount) return no('INSUFFICIENT_BALANCE');
    const credit = this.account(to.key);
    if (credit.available + amount > MAX_SAFE) return no('AMOUNT_OVERFLOW');
    debit.available -= amount;
    credit.available += amount;
    const outcome: RefOutcome = { ok: true, events: [] };
    this.results.set(cmd.key, outcome);
    return outcome;
  }

  // ---- orders -----------------------------------------------------------------------------------

  private notional(price: number, lots: number): bigint {
    return BigInt(price) * BigInt(lots) * BigInt(this.m.tickQuoteUnits);
  }

  private spendAsset(side: Side): string {
    return side === 'BUY' ? this.m.quote : this.m.base;
  }

  /** Validation (INVALID_COMMAND), then the filters in the doc's table order, then WOULD_TAKE, then balance. */
  private place(cmd: PlaceOrder): RefOutcome | null {
    if (cmd.marketId !== this.m.marketId) return no('UNKNOWN_MARKET');
    if (!positiveInt(cmd.user) || cmd.user >= USER_ID_MAX) return no('INVALID_COMMAND');
    if (cmd.side !== 'BUY' && cmd.side !== 'SELL') return no('INVALID_COMMAND');
    const type = cmd.orderType;
    if (type !== 'LIMIT' && type !== 'LIMIT_MAKER' && type !== 'MARKET')
      throw new Error(`reference: ${type} is out of scope`);
    const stp = cmd.stp ?? 'EXPIRE_MAKER';
    if (!STP_MODES.includes(stp)) return no('INVALID_COMMAND');
    const price = cmd.price ?? 0;
    const qty = cmd.qty ?? 0;
    const quoteQty = cmd.quoteQty ?? 0;
    if (![price, qty, quoteQty].every((n) => n === 0 || positiveInt(n))) return no('INVALID_COMMAND');
    let tif: TimeInForce = 'GTC';
    if (type === 'MARKET') {
      if (price !== 0 || (qty === 0) === (quoteQty === 0) || cmd.timeInForce !== undefined)
        return no('INVALID_COMMAND');
    } else {
      if (price === 0 || qty === 0 || quoteQty !== 0) return no('INVALID_COMMAND');
      if (type === 'LIMIT') tif = cmd.timeInForce ?? 'GTC';
      else if (cmd.timeInForce !== undefined && cmd.timeInForce !== 'GTC') return no('INVALID_COMMAND');
      if (!TIFS.includes(tif)) return no('INVALID_COMMAND');
    }
    if (cmd.stopPrice !== undefined || cmd.trailingDeltaBps !== undefined) return no('INVALID_COMMAND');

    const m = this.m;
    if (type !== 'MARKET') {
      if (price < m.minPrice || price > m.maxPrice) return no('FILTER_PRICE');
      if (qty < m.minQty || qty > m.maxQty) return no('FILTER_LOT_SIZE');
      if (this.notional(price, qty) < BigInt(m.minNotional)) return no('FILTER_MIN_NOTIONAL');
      if (this.lastPrice !== 0 && m.priceBandBps !== 0) {
        const distance = BigInt(Math.abs(price - this.lastPrice)) * 10_000n;
        if (distance > BigInt(this.lastPrice) * BigInt(m.priceBandBps)) return no('FILTER_PERCENT_PRICE');
      }
    } else if (qty !== 0) {
      if (qty < m.minQty || qty > m.maxQty) return no('FILTER_LOT_SIZE');
    } else if (quoteQty < m.minNotional) {
      return no('FILTER_MIN_NOTIONAL');
    }
    if (type === 'LIMIT_MAKER') {
      const best = this.priority(cmd.side)[0];
      if (best !== undefined && this.crosses(cmd.side, price, best.price)) return no('WOULD_TAKE');
    }

    const spend = this.userAccount(cmd.user, this.spendAsset(cmd.side));
    const maker = BigInt(this.makerPpm);
    const taker = BigInt(this.takerPpm);
    let hold: bigint;
    if (cmd.side === 'SELL' && qty !== 0) hold = BigInt(qty) * BigInt(m.lotUnits);
    else if (cmd.side === 'BUY' && type !== 'MARKET') {
      const n = this.notional(price, qty);
      hold = n + fee(n, bigMax(maker, taker));
    } else if (cmd.side === 'BUY' && quoteQty !== 0) hold = BigInt(quoteQty);
    else hold = spend.available; // market buy by qty, market sell by quoteQty: the whole balance
    // A reservation of nothing could buy or sell nothing: not enough available.
    if (hold === 0n || spend.available < hold) return no('INSUFFICIENT_BALANCE');

    const order: RefOrder = {
      id: this.nextOrderId++,
      user: cmd.user,
      side: cmd.side,
      type,
      tif,
      stp,
      price,
      qty,
      quoteQty,
      remaining: qty,
      filled: 0,
      filledNotional: 0n,
      hold,
      makerPpm: maker,
      takerPpm: taker,
      restedAt: 0,
    };
    spend.available -= hold;
    spend.held += hold;
    this.events.push({ kind: 'accepted', orderId: order.id, hold: Number(hold) });

    if (order.tif === 'FOK' && !this.fokFillable(order)) {
      this.close(order, 'EXPIRED', 'FOK');
      return null;
    }
    const stop = this.match(order);
    if (stop === 'FILLED') this.close(order, 'FILLED', 'FILLED');
    else if (stop === 'STP') this.close(order, 'EXPIRED', 'STP');
    else if (stop === 'INSUFFICIENT_BALANCE') this.close(order, 'EXPIRED', 'INSUFFICIENT_BALANCE');
    else if (order.type === 'MARKET') this.close(order, 'EXPIRED', 'NO_LIQUIDITY');
    else if (order.tif === 'IOC') this.close(order, 'EXPIRED', 'IOC');
    else this.rest(order);
    return null;
  }

  /** Resting orders of the side opposite to `side`, best price first, oldest first within a price. */
  private priority(side: Side): RefOrder[] {
    const makers = this.book.filter((o) => o.side !== side);
    return makers.sort((a, b) =>
      a.price !== b.price
        ? side === 'BUY'
          ? a.price - b.price
          : b.price - a.price
        : a.restedAt - b.restedAt,
    );
  }

  private crosses(takerSide: Side, limit: number, makerPrice: number): boolean {
    return takerSide === 'BUY' ? makerPrice <= limit : makerPrice >= limit;
  }

  /** FOK: could the whole quantity fill now, counting STP (own makers expired by EXPIRE_MAKER are skipped)? */
  private fokFillable(taker: RefOrder): boolean {
    let needed = taker.remaining;
    for (const maker of this.priority(taker.side)) {
      if (!this.crosses(taker.side, taker.price, maker.price)) return false;
      if (maker.user === taker.user && taker.stp !== 'NONE') {
        if (taker.stp === 'EXPIRE_MAKER') continue;
        return false;
      }
      needed -= maker.remaining;
      if (needed <= 0) return true;
    }
    return false;
  }

  private match(taker: RefOrder): Stop {
    for (;;) {
      if (taker.qty > 0 && taker.remaining === 0) return 'FILLED';
      // A budget spent to the last unit is spent, whatever the book holds next.
      if (taker.qty === 0 && taker.side === 'BUY' && taker.hold === 0n) return 'FILLED';
      if (taker.qty === 0 && taker.side === 'SELL' && taker.filledNotional === BigInt(taker.quoteQty))
        return 'FILLED';
      const maker = this.priority(taker.side)[0];
      if (maker === undefined) return 'NO_LIQUIDITY';
      if (taker.price > 0 && !this.crosses(taker.side, taker.price, maker.price)) return 'NOT_CROSSING';
      if (maker.user === taker.user && taker.stp !== 'NONE') {
        if (taker.stp === 'EXPIRE_TAKER') return 'STP';
        this.close(maker, 'EXPIRED', 'STP');
        if (taker.stp === 'EXPIRE_BOTH') return 'STP';
        continue;
      }
      const lots = this.lotsFor(taker, maker);
      if (lots === 0) {
        // The doc does not say how a budget too small for a single lot ends; FILLED with nothing filled
        // would be misleading, so it expires (the engine's unit tests settled on INSUFFICIENT_BALANCE).
        if (taker.filled === 0) return 'INSUFFICIENT_BALANCE';
        if (taker.qty === 0 && taker.side === 'BUY') return 'FILLED'; // the next lot costs more than is left
        if (taker.qty === 0) {
          const left = BigInt(taker.quoteQty) - taker.filledNotional;
          if (left < this.notional(maker.price, 1)) return 'FILLED'; // the next lot would exceed the target
        }
        return 'INSUFFICIENT_BALANCE';
      }
      this.fill(taker, maker, lots);
    }
  }

  /** Lots of this maker the taker takes: by its quantity, and for market orders by what it can pay or deliver. */
  private lotsFor(taker: RefOrder, maker: RefOrder): number {
    let lots = maker.remaining;
    if (taker.qty > 0) lots = Math.min(lots, taker.remaining);
    if (taker.type !== 'MARKET') return lots;
    if (taker.side === 'BUY') {
      // Largest count whose notional plus taker fee fits what is left of the reservation.
      const cost = (n: number) =>
        this.notional(maker.price, n) + fee(this.notional(maker.price, n), taker.takerPpm);
      while (lots > 0 && cost(lots) > taker.hold) lots--;
      return lots;
    }
    if (taker.qty > 0) return lots;
    const left = BigInt(taker.quoteQty) - taker.filledNotional;
    while (
      lots > 0 &&
      (this.notional(maker.price, lots) > left || BigInt(lots * this.m.lotUnits) > taker.hold)
    )
      lots--;
    return lots;
  }

  private fill(taker: RefOrder, maker: RefOrder, lots: number): void {
    const price = maker.price;
    const notional = this.notional(price, lots);
    const base = BigInt(lots) * BigInt(this.m.lotUnits);
    const buyer = taker.side === 'BUY' ? taker : maker;
    const seller = taker.side === 'BUY' ? maker : taker;
    const buyerFee = fee(notional, buyer === taker ? taker.takerPpm : maker.makerPpm);
    const sellerFee = fee(notional, seller === taker ? taker.takerPpm : maker.makerPpm);
    const fees = this.account(`s:fees:${this.m.quote}`);
    // The four moves of docs/engine.md.
    this.userAccount(buyer.user, this.m.quote).held -= notional + buyerFee;
    this.userAccount(seller.user, this.m.quote).available += notional;
    fees.available += buyerFee;
    this.userAccount(seller.user, this.m.quote).available -= sellerFee;
    fees.available += sellerFee;
    this.userAccount(seller.user, this.m.base).held -= base;
    this.userAccount(buyer.user, this.m.base).available += base;
    buyer.hold -= notional + buyerFee;
    seller.hold -= base;
    if (buyer.hold < 0n || seller.hold < 0n) throw new Error('reference: fill beyond reservation');
    for (const o of [taker, maker]) {
      o.filled += lots;
      o.filledNotional += notional;
      if (o.qty > 0) o.remaining -= lots;
    }
    this.lastPrice = price;
    this.events.push({
      kind: 'trade',
      price,
      qty: lots,
      buyOrderId: buyer.id,
      sellOrderId: seller.id,
      buyer: buyer.user,
      seller: seller.user,
      buyerFee: Number(buyerFee),
      sellerFee: Number(sellerFee),
      takerSide: taker.side,
    });
    if (maker.remaining === 0) this.close(maker, 'FILLED', 'FILLED');
  }

  /** Put a limit order on the book; a buy gives back what its remaining quantity no longer needs. */
  private rest(order: RefOrder): void {
    order.restedAt = ++this.restClock;
    this.book.push(order);
    if (order.side !== 'BUY') return;
    const n = this.notional(order.price, order.remaining);
    const needed = n + fee(n, bigMax(order.makerPpm, order.takerPpm));
    const excess = order.hold - needed;
    if (excess < 0n) throw new Error('reference: resting buy under-reserved');
    if (excess === 0n) return;
    const spend = this.userAccount(order.user, this.m.quote);
    spend.held -= excess;
    spend.available += excess;
    order.hold = needed;
    this.events.push({ kind: 'holdReduced', orderId: order.id, released: Number(excess) });
  }

  private close(order: RefOrder, status: 'FILLED' | 'CANCELED' | 'EXPIRED', reason: CloseReason): void {
    this.book = this.book.filter((o) => o !== order);
    const spend = this.userAccount(order.user, this.spendAsset(order.side));
    const released = order.hold;
    spend.held -= released;
    spend.available += released;
    order.hold = 0n;
    this.events.push({
      kind: 'closed',
      orderId: order.id,
      status,
      reason,
      filledQty: order.filled,
      released: Number(released),
    });
  }
}

function no(code: RejectCode): RefOutcome {
  return { ok: false, code };
}
