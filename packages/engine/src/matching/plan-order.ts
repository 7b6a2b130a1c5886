// Validation of a new order against its market: everything that can reject happens here, before
// any state changes, so that a rejected command leaves the engine exactly as it was.

import { mulDivCeil } from '../arith.js';
import type { OrderType, PlaceOrder, Side, StpMode, TimeInForce } from '../commands.js';
import { isOrderType, isStpMode, isTimeInForce } from '../commands.js';
import { feeOf } from '../fees.js';
import type { Account } from '../ledger/account.js';
import type { Rejection } from '../reject.js';
import { insufficient, reject } from '../reject.js';
import type { Market } from './market.js';
import type { UserMarket } from './matcher.js';
import type { SideCode } from './order.js';
import { BUY, SELL } from './order.js';

export type OrderFields = Omit<PlaceOrder, 'type' | 'ts' | 'marketId' | 'user'>;

export interface OrderPlan {
  /** The user's state in the market (its open orders and SPOT accounts). */
  um: UserMarket;
  side: SideCode;
  type: OrderType;
  tif: TimeInForce;
  stp: StpMode;
  price: number;
  qty: number;
  quoteQty: number;
  stopPrice: number;
  trailingDeltaBps: number;
  clientOrderId: string | null;
  spend: Account;
  receive: Account;
  hold: number;
  /** Stops: 1 = trigger when last >= stopPrice, -1 = when last <= stopPrice, 0 = not a stop. */
  triggerDir: number;
}

const CLIENT_ID = /^[A-Za-z0-9_.:/-]{1,36}$/;
export const DEFAULT_STP: StpMode = 'EXPIRE_MAKER';
export const TRAILING_BPS_MIN = 10;
export const TRAILING_BPS_MAX = 2000;

/** Positive safe integer, or absent (undefined / 0 are both "absent" on optional fields). */
function optionalPositive(value: unknown): number | null {
  if (value === undefined || value === 0) return 0;
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : null;
}

export function isLimitType(type: OrderType): boolean {
  return (
    type === 'LIMIT' || type === 'LIMIT_MAKER' || type === 'STOP_LOSS_LIMIT' || type === 'TAKE_PROFIT_LIMIT'
  );
}

export function isStopType(type: OrderType): boolean {
  return type !== 'LIMIT' && type !== 'LIMIT_MAKER' && type !== 'MARKET';
}

/** Direction in which a stop order triggers: stop-losses follow the adverse move, take-profits the favourable one. */
export function triggerDirection(type: OrderType, side: SideCode): number {
  const stopLoss = type === 'STOP_LOSS' || type === 'STOP_LOSS_LIMIT';
  return stopLoss === (side === BUY) ? 1 : -1;
}

export function triggerHolds(dir: number, last: number, stopPrice: number): boolean {
  return dir > 0 ? last >= stopPrice : last <= stopPrice;
}

/** A client-chosen id: a string (RegExp.test would accept the number 123 as "123") of the allowed characters. */
export function isClientId(value: unknown): value is string {
  return typeof value === 'string' && CLIENT_ID.test(value);
}

/** Does a limit price cross the opposite side's best price? */
export function crosses(m: Market, side: SideCode, price: number): boolean {
  const best = side === BUY ? m.asks.best() : m.bids.best();
  if (best === undefined) return false;
  return side === BUY ? best.price <= price : best.price >= price;
}

/** What a buy limit of `lots` at `price` must reserve: notional plus the highest fee it could pay. */
export function buyHold(m: Market, price: number, lots: number): number {
  const notional = m.notional(price, lots);
  return notional + feeOf(notional, Math.max(m.spec.fees.makerPpm, m.spec.fees.takerPpm));
}

export function checkPriceFilters(m: Market, price: number, field: string): Rejection | null {
  const f = m.spec.filters;
  if (price < f.minPrice || price > f.maxPrice) {
    return reject('FILTER_PRICE', `${field} ${price} outside [${f.minPrice}, ${f.maxPrice}] ticks`, {
      field,
      minPrice: f.minPrice,
      maxPrice: f.maxPrice,
    });
  }
  return null;
}

export function checkQtyFilters(m: Market, qty: number): Rejection | null {
  const f = m.spec.filters;
  if (qty < f.minQty || qty > f.maxQty) {
    return reject('FILTER_LOT_SIZE', `quantity ${qty} outside [${f.minQty}, ${f.maxQty}] lots`, {
      minQty: f.minQty,
      maxQty: f.maxQty,
    });
  }
  return null;
}

export function checkBand(m: Market, price: number): Rejection | null {
  const band = m.spec.filters.priceBandBps;
  const last = m.lastPrice;
  if (band === 0 || last === 0) return null;
  if (price * 10_000 < last * (10_000 - band) || price * 10_000 > last * (10_000 + band)) {
    return reject('FILTER_PERCENT_PRICE', `price ${price} more than ${band} bps from last price ${last}`, {
      lastPrice: last,
      priceBandBps: band,
    });
  }
  return null;
}

/**
 * Validate an order and compute what it must reserve. Pure: reads state, changes none. With `into`,
 * the plan is written there (a caller's reusable scratch) instead of into a new object.
 */
export function planOrder(
  m: Market,
  accounts: UserMarket,
  o: OrderFields,
  into?: OrderPlan,
): OrderPlan | Rejection {
  const spec = m.spec;
  if (o.side !== 'BUY' && o.side !== 'SELL') return reject('INVALID_COMMAND', 'side must be BUY or SELL');
  if (!isOrderType(o.orderType)) return reject('INVALID_COMMAND', `unknown order type ${o.orderType}`);
  const type = o.orderType;
  const side: SideCode = (o.side as Side) === 'BUY' ? BUY : SELL;
  const tif = o.timeInForce ?? 'GTC';
  if (!isTimeInForce(tif)) return reject('INVALID_COMMAND', `unknown time in force ${tif}`);
  const stp = o.stp ?? DEFAULT_STP;
  if (!isStpMode(stp)) return reject('INVALID_COMMAND', `unknown self-trade prevention mode ${stp}`);
  const price = optionalPositive(o.price);
  const qty = optionalPositive(o.qty);
  const quoteQty = optionalPositive(o.quoteQty);
  const stopPrice = optionalPositive(o.stopPrice);
  const trailing = optionalPositive(o.trailingDeltaBps);
  if (price === null || qty === null || quoteQty === null || stopPrice === null || trailing === null) {
    return reject(
      'INVALID_COMMAND',
      'price, qty, quoteQty, stopPrice and trailingDeltaBps must be positive integers',
    );
  }
  const clientOrderId = o.clientOrderId ?? null;
  if (clientOrderId !== null && !isClientId(clientOrderId)) {
    return reject('INVALID_COMMAND', 'clientOrderId must be 1-36 characters of [A-Za-z0-9_.:/-]');
  }

  const limit = isLimitType(type);
  const stop = isStopType(type);
  if (limit) {
    if (price === 0) return reject('INVALID_COMMAND', `${type} needs a price`);
    if (qty === 0) return reject('INVALID_COMMAND', `${type} needs a quantity`);
    if (quoteQty !== 0) return reject('INVALID_COMMAND', `${type} does not take quoteQty`);
  } else {
    if (price !== 0) return reject('INVALID_COMMAND', `${type} does not take a price`);
    if ((qty === 0) === (quoteQty === 0))
      return reject('INVALID_COMMAND', `${type} needs exactly one of qty and quoteQty`);
    if (tif !== 'GTC' && o.timeInForce !== undefined) {
      return reject('INVALID_COMMAND', `${type} does not take a time in force`);
    }
  }
  if (type === 'LIMIT_MAKER' && tif !== 'GTC')
    return reject('INVALID_COMMAND', 'LIMIT_MAKER does not take a time in force');
  if (stop) {
    if (stopPrice === 0 && trailing === 0)
      return reject('INVALID_COMMAND', `${type} needs stopPrice or trailingDeltaBps`);
    if (stop && !limit && quoteQty !== 0 && side === SELL) {
      return reject('INVALID_COMMAND', `${type} SELL takes qty, not quoteQty`);
    }
  } else if (stopPrice !== 0 || trailing !== 0) {
    return reject('INVALID_COMMAND', `${type} does not take stopPrice or trailingDeltaBps`);
  }
  if (trailing !== 0 && (trailing < TRAILING_BPS_MIN || trailing > TRAILING_BPS_MAX)) {
    return reject(
      'INVALID_COMMAND',
      `trailingDeltaBps must be within [${TRAILING_BPS_MIN}, ${TRAILING_BPS_MAX}]`,
    );
  }

  if (limit) {
    const bad = checkPriceFilters(m, price, 'price') ?? checkQtyFilters(m, qty);
    if (bad) return bad;
    const notional = m.notional(price, qty);
    if (notional < spec.filters.minNotional) {
      return reject('FILTER_MIN_NOTIONAL', `notional ${notional} below ${spec.filters.minNotional}`, {
        minNotional: spec.filters.minNotional,
      });
    }
    if (!stop) {
      const band = checkBand(m, price);
      if (band) return band;
    }
  } else if (qty !== 0) {
    const bad = checkQtyFilters(m, qty);
    if (bad) return bad;
  } else if (quoteQty < spec.filters.minNotional) {
    return reject('FILTER_MIN_NOTIONAL', `quoteQty ${quoteQty} below ${spec.filters.minNotional}`, {
      minNotional: spec.filters.minNotional,
    });
  }
  if (stopPrice !== 0) {
    const bad = checkPriceFilters(m, stopPrice, 'stopPrice');
    if (bad) return bad;
  }

  const triggerDir = stop ? triggerDirection(type, side) : 0;
  if (stop && trailing === 0 && m.lastPrice !== 0 && triggerHolds(triggerDir, m.lastPrice, stopPrice)) {
    return reject(
      'STOP_WOULD_TRIGGER_IMMEDIATELY',
      `stop price ${stopPrice} already reached (last ${m.lastPrice})`,
    );
  }
  if (type === 'LIMIT_MAKER' && crosses(m, side, price)) {
    return reject('WOULD_TAKE', 'LIMIT_MAKER order would immediately match and take');
  }

  const spend = side === BUY ? accounts.quote : accounts.base;
  const receive = side === BUY ? accounts.base : accounts.quote;
  let hold: number;
  if (side === SELL) {
    // A market sell sized by quote cannot know its base amount: it reserves the whole balance for
    // the duration of the command (it never rests) and returns what it did not sell.
    hold = qty !== 0 ? m.baseUnits(qty) : spend.available;
  } else if (limit) {
    hold = buyHold(m, price, qty);
  } else if (quoteQty !== 0) {
    hold = quoteQty;
  } else if (!stop) {
    // Market buy by quantity: the price is unknown until it fills, so the whole balance is its budget.
    hold = spend.available;
  } else {
    // Stop-market buy by quantity: reserve at the price it is expected to trigger at. A trailing buy
    // triggers up to delta above where it starts trailing: its activation price, or the last price.
    const ref =
      trailing === 0 ? stopPrice : trailingReference(stopPrice !== 0 ? stopPrice : m.lastPrice, trailing);
    if (ref === 0)
      return reject(
        'INVALID_COMMAND',
        'trailing stop-market buy needs stopPrice or quoteQty before the first trade',
      );
    hold = buyHold(m, Math.min(ref, spec.filters.maxPrice), qty);
  }
  if (hold === 0 || spend.available < hold) {
    return insufficient(spend, hold);
  }
  if (into !== undefined) {
    into.um = accounts;
    into.side = side;
    into.type = type;
    into.tif = tif;
    into.stp = stp;
    into.price = price;
    into.qty = qty;
    into.quoteQty = quoteQty;
    into.stopPrice = stopPrice;
    into.trailingDeltaBps = trailing;
    into.clientOrderId = clientOrderId;
    into.spend = spend;
    into.receive = receive;
    into.hold = hold;
    into.triggerDir = triggerDir;
    return into;
  }
  return {
    um: accounts,
    side,
    type,
    tif,
    stp,
    price,
    qty,
    quoteQty,
    stopPrice,
    trailingDeltaBps: trailing,
    clientOrderId,
    spend,
    receive,
    hold,
    triggerDir,
  };
}

/** The highest price a trailing buy starting from `from` triggers at without a gap: from * (1 + delta). */
export function trailingReference(from: number, deltaBps: number): number {
  return from === 0 ? 0 : mulDivCeil(from, 10_000 + deltaBps, 10_000);
}
