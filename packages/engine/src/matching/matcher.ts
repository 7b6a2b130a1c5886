// The matching component: order books, price-time priority, self-trade prevention, stops and OCO.
// It never writes a balance itself: it asks the ledger to reserve, release and settle.

import { mulDivFloor } from '../arith.js';
import { assert, fail } from '../assert.js';
import type { CancelAll, CancelOrder, CancelReplace, PlaceOco, PlaceOrder } from '../commands.js';
import type { Context } from '../context.js';
import type { CloseReason, OrderClosedEvent } from '../events.js';
import { FEE_PPM_MAX, feeOf, PPM } from '../fees.js';
import type { Account } from '../ledger/account.js';
import type { Ledger } from '../ledger/ledger.js';
import type { Rejection } from '../reject.js';
import { insufficient, isRejection, reject } from '../reject.js';
import type { BookSide } from './book-side.js';
import type { Market } from './market.js';
import { BUY, Order, SELL } from './order.js';
import { OrderIndex } from './order-index.js';
import type { OrderFields, OrderPlan } from './plan-order.js';
import {
  buyHold,
  checkPriceFilters,
  DEFAULT_STP,
  isClientId,
  planOrder,
  triggerDirection,
  triggerHolds,
} from './plan-order.js';

/** Open orders of one user in one market, linked through Order.userPrev/userNext. */
export interface UserMarket {
  head: Order | null;
  count: number;
  stopCount: number;
  /** The user's SPOT accounts for the market's base and quote assets. */
  base: Account;
  quote: Account;
}

export interface ReplaceOutcome {
  canceled: boolean;
  cancelRejection: Rejection | null;
  orderId: number;
  placeRejection: Rejection | null;
}

/** A stop whose trigger held, with the last price it held at, waiting for its turn to execute. */
interface Triggered {
  order: Order;
  lastPrice: number;
}

export class Matcher {
  readonly markets = new Map<number, Market>();
  readonly orders = new OrderIndex();
  readonly clientIds = new Map<string, Order>();
  readonly userMarkets = new Map<number, UserMarket>();
  nextOrderId = 1;
  nextTradeId = 1;
  nextListId = 1;
  private planScratch: OrderPlan | undefined = undefined;
  /**
   * Closed orders are recycled for new ones: those closed by the current command wait in `retired`
   * (something in the command may still hold them, e.g. a taker's loop or the trigger queue) and join
   * the pool at the start of the next command (`recycle`). Both are bounded.
   */
  private readonly retired: Order[] = [];
  private retiredCount = 0;
  private readonly pool: Order[] = [];
  private poolCount = 0;

  constructor(
    private readonly ctx: Context,
    private readonly ledger: Ledger,
  ) {}

  // ---- commands -------------------------------------------------------------------------------

  /** Place an order; returns its id or a rejection (in which case nothing changed). */
  place(cmd: PlaceOrder): number | Rejection {
    const m = this.tradableMarket(cmd.marketId);
    if (isRejection(m)) return m;
    const plan = this.plan(m, cmd.user, cmd);
    if (isRejection(plan)) return plan;
    const order = this.open(m, cmd.user, plan, 0);
    this.start(m, order);
    return order.id;
  }

  placeOco(cmd: PlaceOco): number | Rejection {
    const m = this.tradableMarket(cmd.marketId);
    if (isRejection(m)) return m;
    const side = cmd.side === 'BUY' ? BUY : SELL;
    const stopType = cmd.stopLimitPrice === undefined ? 'STOP_LOSS' : 'STOP_LOSS_LIMIT';
    const limitPlan = this.plan(m, cmd.user, {
      side: cmd.side,
      orderType: 'LIMIT_MAKER',
      price: cmd.price,
      qty: cmd.qty,
      ...(cmd.limitClientOrderId === undefined ? {} : { clientOrderId: cmd.limitClientOrderId }),
      stp: cmd.stp ?? DEFAULT_STP,
    });
    if (isRejection(limitPlan)) return limitPlan;
    if (!Number.isSafeInteger(cmd.stopPrice) || cmd.stopPrice <= 0) {
      return reject('INVALID_COMMAND', 'stopPrice must be a positive integer');
    }
    const bad = checkPriceFilters(m, cmd.stopPrice, 'stopPrice');
    if (bad) return bad;
    if (cmd.stopLimitPrice !== undefined) {
      if (!Number.isSafeInteger(cmd.stopLimitPrice) || cmd.stopLimitPrice <= 0) {
        return reject('INVALID_COMMAND', 'stopLimitPrice must be a positive integer');
      }
      const badLimit = checkPriceFilters(m, cmd.stopLimitPrice, 'stopLimitPrice');
      if (badLimit) return badLimit;
    }
    const last = m.lastPrice;
    const ordered =
      side === SELL
        ? cmd.price > cmd.stopPrice && (last === 0 || (cmd.price > last && last > cmd.stopPrice))
        : cmd.price < cmd.stopPrice && (last === 0 || (cmd.price < last && last < cmd.stopPrice));
    if (!ordered) {
      return reject(
        'INVALID_OCO_PRICES',
        side === SELL
          ? 'a SELL OCO needs price > last price > stopPrice'
          : 'a BUY OCO needs price < last price < stopPrice',
      );
    }
    const stopClient = cmd.stopClientOrderId ?? null;
    if (stopClient !== null && !isClientId(stopClient)) {
      return reject('INVALID_COMMAND', 'stopClientOrderId must be 1-36 characters of [A-Za-z0-9_.:/-]');
    }
    const listClient = cmd.listClientId ?? null;
    if (listClient !== null && !isClientId(listClient)) {
      return reject('INVALID_COMMAND', 'listClientId must be 1-36 characters of [A-Za-z0-9_.:/-]');
    }
    if (stopClient !== null && stopClient === cmd.limitClientOrderId) {
      return reject('DUPLICATE_CLIENT_ORDER_ID', `clientOrderId ${stopClient} names both legs`);
    }
    const stopClash = stopClient === null ? undefined : this.clientIds.get(clientKey(cmd.user, stopClient));
    if (stopClash !== undefined) {
      return reject('DUPLICATE_CLIENT_ORDER_ID', `clientOrderId ${stopClient} is in use`, {
        orderId: stopClash.id,
      });
    }
    const um = this.userMarket(cmd.user, m.id);
    if (um.count + 2 > m.spec.filters.maxNumOrders) {
      return reject('FILTER_MAX_NUM_ORDERS', `at most ${m.spec.filters.maxNumOrders} open orders per market`);
    }
    if (um.stopCount + 1 > m.spec.filters.maxNumStopOrders) {
      return reject(
        'FILTER_MAX_NUM_STOP_ORDERS',
        `at most ${m.spec.filters.maxNumStopOrders} stop orders per market`,
      );
    }
    // One reservation covers both legs: whichever executes uses it, the other is canceled.
    let hold = limitPlan.hold;
    if (side === BUY) hold = Math.max(hold, buyHold(m, cmd.stopLimitPrice ?? cmd.stopPrice, cmd.qty));
    if (limitPlan.spend.available < hold) {
      return insufficient(limitPlan.spend, hold);
    }
    const listId = this.nextListId++;
    const stopPlan: OrderPlan = {
      ...limitPlan,
      type: stopType,
      price: cmd.stopLimitPrice ?? 0,
      stopPrice: cmd.stopPrice,
      clientOrderId: stopClient,
      hold: 0,
      triggerDir: triggerDirection(stopType, side),
    };
    limitPlan.hold = hold;
    const limitOrder = this.open(m, cmd.user, limitPlan, listId);
    const stopOrder = this.open(m, cmd.user, stopPlan, listId);
    limitOrder.sibling = stopOrder;
    stopOrder.sibling = limitOrder;
    this.ctx.emit({
      type: 'ocoAccepted',
      seq: this.ctx.nextSeq(),
      listId,
      listClientId: listClient,
      marketId: m.id,
      user: cmd.user,
      orderIds: [limitOrder.id, stopOrder.id],
    });
    this.rest(m, limitOrder);
    this.addStop(m, stopOrder);
    return listId;
  }

  cancel(cmd: CancelOrder): number | Rejection {
    const m = this.market(cmd.marketId);
    if (m === undefined) return reject('UNKNOWN_MARKET', `unknown market ${cmd.marketId}`);
    if (m.spec.status === 'HALTED') return reject('MARKET_HALTED', `market ${m.spec.symbol} is halted`);
    const order = this.findOrder(m.id, cmd.user, cmd.orderId, cmd.clientOrderId);
    if (order === undefined) return reject('UNKNOWN_ORDER', 'no such open order');
    this.close(order, 'CANCELED', 'USER');
    return order.id;
  }

  cancelAll(cmd: CancelAll): null | Rejection {
    const m = this.market(cmd.marketId);
    if (m === undefined) return reject('UNKNOWN_MARKET', `unknown market ${cmd.marketId}`);
    if (m.spec.status === 'HALTED') return reject('MARKET_HALTED', `market ${m.spec.symbol} is halted`);
    const um = this.userMarkets.get(userMarketKey(cmd.user, m.id));
    // Closing an OCO leg also closes its sibling, which may be the next in the list: restart from head.
    while (um !== undefined && um.head !== null) this.close(um.head, 'CANCELED', 'CANCEL_ALL');
    // No order id: the sequencer would report a number returned here as the result's orderId.
    return null;
  }

  cancelReplace(cmd: CancelReplace): ReplaceOutcome | Rejection {
    const m = this.market(cmd.marketId);
    if (m === undefined) return reject('UNKNOWN_MARKET', `unknown market ${cmd.marketId}`);
    const status = this.tradableMarket(cmd.marketId);
    if (isRejection(status)) return status;
    if (cmd.mode !== 'STOP_ON_FAILURE' && cmd.mode !== 'ALLOW_FAILURE') {
      return reject('INVALID_COMMAND', 'mode must be STOP_ON_FAILURE or ALLOW_FAILURE');
    }
    // Checked before the cancel: the order's own fields are validated after it, as Binance does.
    if (typeof cmd.order !== 'object' || cmd.order === null) {
      return reject('INVALID_COMMAND', 'order must be an object');
    }
    const existing = this.findOrder(m.id, cmd.user, cmd.cancelOrderId, cmd.cancelClientOrderId);
    const cancelRejection = existing === undefined ? reject('UNKNOWN_ORDER', 'no such open order') : null;
    if (cancelRejection !== null && cmd.mode === 'STOP_ON_FAILURE') {
      return reject(
        'CANCEL_REPLACE_CANCEL_FAILED',
        'the order to replace is not open; no new order was placed',
      );
    }
    if (existing !== undefined) {
      // The new order may reuse the canceled order's client id, as Binance allows.
      this.close(existing, 'CANCELED', 'REPLACED');
    }
    const plan = this.plan(m, cmd.user, cmd.order);
    if (isRejection(plan)) {
      if (existing === undefined) return plan;
      return { canceled: true, cancelRejection: null, orderId: 0, placeRejection: plan };
    }
    const order = this.open(m, cmd.user, plan, 0);
    this.start(m, order);
    return { canceled: existing !== undefined, cancelRejection, orderId: order.id, placeRejection: null };
  }

  /**
   * Evaluate stops against the last price; triggered stops run in id order, and each is a taker after which
   * triggers are evaluated again (docs/engine.md), so a price a stop's trades reach is seen even when the
   * next stop moves it back. Ends when nothing more triggers.
   */
  runTriggers(m: Market): void {
    if (m.pendingStopCount() === 0) return;
    const triggered: Triggered[] = [];
    // A stop is collected at most once and none is added meanwhile: at most one step per pending stop.
    let stepsLeft = m.pendingStopCount();
    this.collectTriggered(m, triggered);
    while (triggered.length > 0) {
      assert(stepsLeft-- > 0, 'stop trigger loop exceeded its bound');
      const { order, lastPrice } = triggered.shift()!;
      if (!order.open || !order.pending) continue;
      this.trigger(m, order, lastPrice);
      this.collectTriggered(m, triggered);
    }
  }

  /** Take the stops whose trigger holds at the last price off their lists into `into`, kept in id order. */
  private collectTriggered(m: Market, into: Triggered[]): void {
    const last = m.lastPrice;
    if (last === 0) return;
    const before = into.length;
    while (m.stopsUp.length > 0 && m.stopsUp[0]!.stopPrice <= last)
      into.push({ order: m.stopsUp.shift()!, lastPrice: last });
    while (m.stopsDown.length > 0 && m.stopsDown[0]!.stopPrice >= last)
      into.push({ order: m.stopsDown.shift()!, lastPrice: last });
    for (let i = 0; i < m.trailing.length; ) {
      const o = m.trailing[i]!;
      if (this.trailingFires(o, last)) {
        m.trailing.splice(i, 1);
        into.push({ order: o, lastPrice: last });
      } else i++;
    }
    if (into.length > before) into.sort((a, b) => a.order.id - b.order.id);
  }

  // ---- order life cycle -----------------------------------------------------------------------

  private tradableMarket(marketId: number): Market | Rejection {
    const m = this.market(marketId);
    if (m === undefined) return reject('UNKNOWN_MARKET', `unknown market ${marketId}`);
    if (m.spec.status === 'HALTED') return reject('MARKET_HALTED', `market ${m.spec.symbol} is halted`);
    if (m.spec.status === 'CANCEL_ONLY')
      return reject('MARKET_CANCEL_ONLY', `market ${m.spec.symbol} accepts cancels only`);
    return m;
  }

  private plan(m: Market, user: number, fields: OrderFields): OrderPlan | Rejection {
    // The user's state in this market caches its SPOT accounts: one lookup instead of three.
    const um = this.userMarket(user, m.id);
    // One plan object, reused: each plan is consumed (opened) before the next is made.
    const plan = planOrder(m, um, fields, this.planScratch);
    if (isRejection(plan)) return plan;
    this.planScratch = plan;
    if (plan.clientOrderId !== null) {
      const existing = this.clientIds.get(clientKey(user, plan.clientOrderId));
      if (existing !== undefined) {
        return reject('DUPLICATE_CLIENT_ORDER_ID', `clientOrderId ${plan.clientOrderId} is in use`, {
          orderId: existing.id,
        });
      }
    }
    const f = m.spec.filters;
    if (um.count >= f.maxNumOrders) {
      return reject('FILTER_MAX_NUM_ORDERS', `at most ${f.maxNumOrders} open orders per market`);
    }
    if (plan.triggerDir !== 0 || plan.trailingDeltaBps !== 0) {
      if (um.stopCount >= f.maxNumStopOrders) {
        return reject('FILTER_MAX_NUM_STOP_ORDERS', `at most ${f.maxNumStopOrders} stop orders per market`);
      }
    }
    return plan;
  }

  /**
   * The market with this id. Nearly every command names the market the previous one did: a one-entry
   * cache in front of the map (markets are never removed or replaced, so it cannot go stale).
   */
  market(marketId: number): Market | undefined {
    if (marketId === this.lastMarketId && this.lastMarket !== undefined) return this.lastMarket;
    const m = this.markets.get(marketId);
    if (m !== undefined) {
      this.lastMarketId = marketId;
      this.lastMarket = m;
    }
    return m;
  }

  private lastMarketId = 0;
  private lastMarket: Market | undefined = undefined;

  /** Move the orders the previous command closed into the pool of orders to reuse (see `retired`). */
  recycle(): void {
    const n = this.retiredCount;
    for (let i = 0; i < n; i++) {
      const order = this.retired[i]!;
      this.retired[i] = null as unknown as Order;
      if (this.poolCount < ORDER_POOL_MAX) this.pool[this.poolCount++] = order;
    }
    this.retiredCount = 0;
  }

  /** Create the order, reserve its funds and announce it. From here on nothing may reject. */
  private open(m: Market, user: number, p: OrderPlan, listId: number): Order {
    const fees = m.spec.fees;
    const order =
      this.poolCount > 0
        ? this.takePooled().reuse(
            this.nextOrderId++,
            user,
            m.id,
            p.side,
            p.type,
            p.tif,
            p.stp,
            p.price,
            p.qty,
            p.quoteQty,
            p.stopPrice,
            p.trailingDeltaBps,
            p.clientOrderId,
            this.ctx.ts,
            fees.makerPpm,
            fees.takerPpm,
            p.spend,
            p.receive,
          )
        : new Order(
            this.nextOrderId++,
            user,
            m.id,
            p.side,
            p.type,
            p.tif,
            p.stp,
            p.price,
            p.qty,
            p.quoteQty,
            p.stopPrice,
            p.trailingDeltaBps,
            p.clientOrderId,
            this.ctx.ts,
            fees.makerPpm,
            fees.takerPpm,
            p.spend,
            p.receive,
          );
    order.listId = listId;
    order.um = p.um;
    order.triggerDir = p.triggerDir;
    order.pending = p.triggerDir !== 0;
    if (p.hold > 0) this.ledger.reserve(p.spend, p.hold);
    order.hold = p.hold;
    // Not indexed yet: most takers finish within their command and never need to be found by id.
    this.ctx.out.orderAccepted(this.ctx.nextSeq(), order, listId);
    return order;
  }

  /** After acceptance: stops wait for their trigger, everything else executes now. */
  private start(m: Market, order: Order): void {
    if (order.pending) {
      if (order.trailingDeltaBps !== 0 && order.stopPrice === 0) order.trailRef = m.lastPrice;
      this.addStop(m, order);
      return;
    }
    this.execute(m, order);
  }

  private execute(m: Market, taker: Order): void {
    if (taker.tif === 'FOK' && !this.canFillFully(m, taker)) {
      this.close(taker, 'EXPIRED', 'FOK');
      return;
    }
    const stop = this.match(m, taker);
    if (stop === 'FILLED') this.close(taker, 'FILLED', 'FILLED');
    else if (stop === 'NO_LIQUIDITY' || stop === null) {
      if (taker.price > 0 && taker.tif === 'GTC') this.rest(m, taker);
      else this.close(taker, 'EXPIRED', taker.price > 0 ? 'IOC' : 'NO_LIQUIDITY');
    } else this.close(taker, 'EXPIRED', stop);
  }

  /**
   * Match a taker against the opposite side. Returns why it stopped: FILLED, NO_LIQUIDITY, STP,
   * INSUFFICIENT_BALANCE, or null when the book no longer crosses its limit price.
   */
  private match(m: Market, taker: Order): CloseReason | null {
    const opposite = taker.side === BUY ? m.asks : m.bids;
    const limit = taker.price;
    for (;;) {
      const level = opposite.best();
      if (level === undefined) return 'NO_LIQUIDITY';
      if (limit > 0 && (taker.side === BUY ? level.price > limit : level.price < limit)) return null;
      let maker = level.head;
      while (maker !== null) {
        const next = maker.next;
        if (maker.user === taker.user && taker.stp !== 'NONE') {
          if (taker.stp === 'EXPIRE_TAKER') return 'STP';
          this.close(maker, 'EXPIRED', 'STP');
          if (taker.stp === 'EXPIRE_BOTH') return 'STP';
          maker = next;
          continue;
        }
        const cap = this.capLots(m, taker, level.price);
        if (cap === 0) return this.budgetStop(m, taker, level.price);
        this.fill(m, taker, maker, Math.min(cap, maker.remaining));
        // A quote-sized order whose budget (buy) or target (sell) is spent to the unit is filled, even when
        // that maker was the last on the book: the book did not run out first.
        if (taker.qty > 0 ? taker.remaining === 0 : quoteSpent(taker)) return 'FILLED';
        // A budget-limited taker may afford another lot of the same maker (fees round down per fill):
        // it keeps its time priority, so stay on it while it has lots left.
        if (!maker.open) maker = next;
      }
    }
  }

  /** How many lots the taker may take at `price` given its quantity and its reserved budget. */
  private capLots(m: Market, taker: Order, price: number): number {
    if (taker.side === BUY) {
      if (taker.price > 0) return taker.remaining;
      // A market buy by quantity usually holds far more than its remaining lots cost: check that exactly
      // before dividing (the division of a large balance takes the bigint path, an allocation per fill).
      if (taker.qty > 0 && lotsCost(taker.remaining, m.notional(price, 1), taker.takerPpm) <= taker.hold)
        return taker.remaining;
      const afford = affordableLots(m, taker.hold, price, taker.takerPpm);
      return taker.qty > 0 && taker.remaining < afford ? taker.remaining : afford;
    }
    if (taker.quoteQty > 0) {
      const byQuote = Math.floor((taker.quoteQty - taker.filledNotional) / m.notional(price, 1));
      const byHold = Math.floor(taker.hold / m.spec.lotUnits);
      return Math.min(byQuote, byHold);
    }
    return taker.remaining;
  }

  /** Why a budget-limited taker stopped: its quote target is spent (filled) or its balance is. */
  private budgetStop(m: Market, taker: Order, price: number): CloseReason {
    // A budget that does not cover a single lot spent nothing: the order expires, it is not filled.
    if (taker.qty === 0 && taker.filled > 0) {
      if (taker.side === BUY) return 'FILLED';
      if (taker.quoteQty - taker.filledNotional < m.notional(price, 1)) return 'FILLED';
    }
    return 'INSUFFICIENT_BALANCE';
  }

  private canFillFully(m: Market, taker: Order): boolean {
    const opposite = taker.side === BUY ? m.asks : m.bids;
    let needed = taker.remaining;
    for (const maker of opposite.orders()) {
      if (taker.side === BUY ? maker.price > taker.price : maker.price < taker.price) return false;
      if (maker.user === taker.user && taker.stp !== 'NONE') {
        if (taker.stp === 'EXPIRE_MAKER') continue;
        return false;
      }
      needed -= maker.remaining;
      if (needed <= 0) return true;
    }
    return false;
  }

  /** Settle one fill: the ledger's four balanced moves, then the order and book bookkeeping. */
  private fill(m: Market, taker: Order, maker: Order, lots: number): void {
    const price = maker.price;
    const notional = m.notional(price, lots);
    const base = m.baseUnits(lots);
    const takerBuys = taker.side === BUY;
    const buyer = takerBuys ? taker : maker;
    const seller = takerBuys ? maker : taker;
    const buyerFee = feeOf(notional, takerBuys ? taker.takerPpm : maker.makerPpm);
    const sellerFee = feeOf(notional, takerBuys ? maker.makerPpm : taker.takerPpm);
    this.ledger.settleFill(
      buyer.spend,
      buyer.receive,
      seller.spend,
      seller.receive,
      m.fees,
      notional,
      base,
      buyerFee,
      sellerFee,
    );
    buyer.hold -= notional + buyerFee;
    seller.hold -= base;
    if (!(buyer.hold >= 0 && seller.hold >= 0)) fail(`fill beyond hold on orders ${buyer.id}/${seller.id}`);

    const level = maker.level!;
    maker.remaining -= lots;
    maker.filled += lots;
    maker.filledNotional += notional;
    level.total -= lots;
    this.ctx.touchLevel(level);
    if (taker.qty > 0) taker.remaining -= lots;
    taker.filled += lots;
    taker.filledNotional += notional;
    m.lastPrice = price;
    const ctx = this.ctx;
    ctx.out.trade(
      ctx.nextSeq(),
      this.nextTradeId++,
      m.id,
      price,
      lots,
      base,
      notional,
      taker,
      maker,
      buyerFee,
      sellerFee,
    );
    // An OCO's limit leg executing cancels the stop leg (which holds nothing of its own).
    if (maker.sibling !== null) this.closeSibling(maker, 'EXPIRED');
    if (maker.remaining === 0) this.close(maker, 'FILLED', 'FILLED');
  }

  private rest(m: Market, order: Order): void {
    if (!order.indexed) this.register(order);
    const side = order.side === BUY ? m.bids : m.asks;
    const level = side.add(order);
    this.ctx.touchLevel(level);
    // Price improvement during the taker phase leaves more reserved than the rest needs: return it.
    if (order.side === BUY && order.sibling === null) {
      const needed = buyHoldFor(m, order);
      const excess = order.hold - needed;
      if (!(excess >= 0)) fail(`order ${order.id} holds ${order.hold}, needs ${needed}`);
      if (excess > 0) {
        this.ledger.unreserve(order.spend, excess);
        order.hold = needed;
        this.ctx.out.orderHoldReduced(this.ctx.nextSeq(), order.id, m.id, order.user, excess);
      }
    }
  }

  private takePooled(): Order {
    const order = this.pool[--this.poolCount]!;
    this.pool[this.poolCount] = null as unknown as Order;
    if (!(!order.open && !order.indexed && order.level === null && order.sibling === null))
      fail(`order ${order.id} reused while still referenced`);
    return order;
  }

  /** Close an open order: take it off the book or the stop list, return its hold, announce it. */
  private close(order: Order, status: OrderClosedEvent['status'], reason: CloseReason): void {
    if (!order.open) fail(`order ${order.id} closed twice`);
    const m = this.market(order.marketId)!;
    if (order.level !== null) {
      const level = order.level;
      const side: BookSide = order.side === BUY ? m.bids : m.asks;
      side.remove(order);
      this.ctx.touchLevel(level);
    } else if (order.pending) {
      removeFrom(m.stopsUp, order) || removeFrom(m.stopsDown, order) || removeFrom(m.trailing, order);
    }
    const released = order.hold;
    if (released > 0) this.ledger.unreserve(order.spend, released);
    order.hold = 0;
    if (order.indexed) this.unregister(order);
    order.open = false;
    order.pending = false;
    this.ctx.out.orderClosed(this.ctx.nextSeq(), order, status, reason, released);
    // Canceling a leg (by the user, cancel-all or cancel-replace) cancels the list; anything else expires it.
    if (order.sibling !== null) this.closeSibling(order, status === 'CANCELED' ? 'CANCELED' : 'EXPIRED');
    if (this.retiredCount < ORDER_POOL_MAX) this.retired[this.retiredCount++] = order;
  }

  private closeSibling(order: Order, status: OrderClosedEvent['status']): void {
    const sibling = order.sibling!;
    order.sibling = null;
    sibling.sibling = null;
    if (sibling.open) this.close(sibling, status, 'OCO');
  }

  private addStop(m: Market, order: Order): void {
    this.register(order);
    if (order.trailingDeltaBps !== 0) {
      m.trailing.push(order);
      return;
    }
    if (order.triggerDir > 0)
      insertSorted(m.stopsUp, order, (a, b) => a.stopPrice - b.stopPrice || a.id - b.id);
    else insertSorted(m.stopsDown, order, (a, b) => b.stopPrice - a.stopPrice || a.id - b.id);
  }

  private trailingFires(o: Order, last: number): boolean {
    if (o.trailRef === 0) {
      if (o.stopPrice === 0 || triggerHolds(o.triggerDir, last, o.stopPrice)) o.trailRef = last;
      return false;
    }
    const d = o.trailingDeltaBps;
    if (o.side === SELL) {
      if (last > o.trailRef) o.trailRef = last;
      return last * 10_000 <= o.trailRef * (10_000 - d);
    }
    if (last < o.trailRef) o.trailRef = last;
    return last * 10_000 >= o.trailRef * (10_000 + d);
  }

  private trigger(m: Market, order: Order, lastPrice: number): void {
    order.pending = false;
    order.um!.stopCount--;
    this.ctx.out.orderTriggered(this.ctx.nextSeq(), order.id, m.id, order.user, lastPrice);
    const sibling = order.sibling;
    if (sibling !== null) {
      // The stop leg of an OCO fired: it takes over the list's reservation from the limit leg.
      order.sibling = null;
      sibling.sibling = null;
      order.hold += sibling.hold;
      sibling.hold = 0;
      this.close(sibling, 'EXPIRED', 'OCO');
    }
    this.execute(m, order);
  }

  // ---- indexes --------------------------------------------------------------------------------

  private findOrder(
    marketId: number,
    user: number,
    orderId: number | undefined,
    clientOrderId: string | undefined,
  ): Order | undefined {
    const order =
      orderId !== undefined && orderId !== 0
        ? this.orders.get(orderId)
        : clientOrderId !== undefined
          ? this.clientIds.get(clientKey(user, clientOrderId))
          : undefined;
    // Someone else's order is reported exactly like a missing one.
    if (order === undefined || order.user !== user || order.marketId !== marketId) return undefined;
    return order;
  }

  userMarket(user: number, marketId: number): UserMarket {
    const key = userMarketKey(user, marketId);
    let um = this.userMarkets.get(key);
    if (um === undefined) {
      const m = this.market(marketId)!;
      um = {
        head: null,
        count: 0,
        stopCount: 0,
        base: this.ledger.userAccount(user, m.base, 'SPOT'),
        quote: this.ledger.userAccount(user, m.quote, 'SPOT'),
      };
      this.userMarkets.set(key, um);
    }
    return um;
  }

  /** Index an order that rests or waits for a trigger (also used when restoring a snapshot). */
  register(order: Order): void {
    order.indexed = true;
    this.orders.set(order.id, order);
    if (order.clientOrderId !== null) this.clientIds.set(clientKey(order.user, order.clientOrderId), order);
    const um = order.um ?? this.userMarket(order.user, order.marketId);
    order.um = um;
    order.userNext = um.head;
    if (um.head !== null) um.head.userPrev = order;
    um.head = order;
    um.count++;
    if (order.pending) um.stopCount++;
  }

  private unregister(order: Order): void {
    order.indexed = false;
    this.orders.delete(order.id);
    if (order.clientOrderId !== null) this.clientIds.delete(clientKey(order.user, order.clientOrderId));
    const um = order.um!;
    if (order.userPrev === null) um.head = order.userNext;
    else order.userPrev.userNext = order.userNext;
    if (order.userNext !== null) order.userNext.userPrev = order.userPrev;
    order.userPrev = null;
    order.userNext = null;
    um.count--;
    if (order.pending) um.stopCount--;
  }
}

/** Closed orders kept for reuse at most (and retired by one command at most): bounds the pool's memory. */
const ORDER_POOL_MAX = 65_536;

export function userMarketKey(user: number, marketId: number): number {
  return user * 65_536 + marketId;
}

export function clientKey(user: number, clientOrderId: string): string {
  return `${user}:${clientOrderId}`;
}

/** A market order sized by quoteQty has nothing left to spend (buy: its reservation) or to reach (sell). */
function quoteSpent(taker: Order): boolean {
  return taker.side === BUY ? taker.hold === 0 : taker.filledNotional === taker.quoteQty;
}

/** What a resting buy must keep reserved for its remaining lots. */
export function buyHoldFor(m: Market, order: Order): number {
  const notional = m.notional(order.price, order.remaining);
  return notional + feeOf(notional, Math.max(order.makerPpm, order.takerPpm));
}

/** Largest lot count whose notional plus taker fee at `price` fits in `budget`. */
export function affordableLots(m: Market, budget: number, price: number, feePpm: number): number {
  const unit = m.notional(price, 1);
  assert(feePpm <= FEE_PPM_MAX, 'fee rate above maximum');
  // Fees round down, so the estimate from the exact rate may be one short: try one more.
  const perLotWithFee = unit * (PPM + feePpm);
  let lots = Number.isSafeInteger(perLotWithFee)
    ? mulDivFloor(budget, PPM, perLotWithFee)
    : Number((BigInt(budget) * BigInt(PPM)) / (BigInt(unit) * BigInt(PPM + feePpm)));
  while (lotsCost(lots + 1, unit, feePpm) <= budget) lots++;
  return lots;
}

/** Notional plus fee of `lots` lots of `unit` each; infinite past the safe range. */
function lotsCost(lots: number, unit: number, feePpm: number): number {
  const notional = lots * unit;
  return Number.isSafeInteger(notional) ? notional + feeOf(notional, feePpm) : Number.POSITIVE_INFINITY;
}

function insertSorted(list: Order[], order: Order, compare: (a: Order, b: Order) => number): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(list[mid]!, order) <= 0) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, order);
}

function removeFrom(list: Order[], order: Order): boolean {
  const index = list.indexOf(order);
  if (index < 0) return false;
  list.splice(index, 1);
  return true;
}
