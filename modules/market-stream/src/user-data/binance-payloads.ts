// The user data stream payloads as Binance documents them (user-data-stream.md): executionReport,
// outboundAccountPosition, balanceUpdate, listStatus and listenKeyExpired, from the feed's user
// events. Prices and quantities with Binance's 8 decimals (padDecimals), as on the market streams.
import { formatAmount } from '@tradeloom/money';
import { fromLots, fromQuoteUnits, fromTicks, padDecimals, type SpotMarket } from '@tradeloom/spot';
import type { UserBalancesEvent, UserListEvent, UserOrderEvent, UserTransferEvent } from './user-events.js';

export type UserPayload = Record<string, unknown>;

const ZERO = '0.00000000';
const ticks = (t: number, m: SpotMarket) => (t === 0 ? ZERO : padDecimals(fromTicks(t, m)));
const lots = (l: number, m: SpotMarket) => (l === 0 ? ZERO : padDecimals(fromLots(l, m)));
const quote = (u: number, m: SpotMarket) => (u === 0 ? ZERO : padDecimals(fromQuoteUnits(u, m)));

/** Units of an asset at its precision, with at least 8 decimals. */
export function units(amount: number, precision: number): string {
  return padDecimals(formatAmount(BigInt(amount), precision));
}

export function executionReport(ev: UserOrderEvent, m: SpotMarket, now: number): UserPayload {
  const payload: UserPayload = {
    e: 'executionReport',
    E: now,
    s: m.symbol,
    c: ev.c ?? '',
    S: ev.S,
    o: ev.o,
    // Binance writes GTC for orders without a time in force of their own (market orders).
    f: ev.f,
    q: lots(ev.q, m),
    p: ticks(ev.p, m),
    P: ticks(ev.P, m),
    F: ZERO,
    g: ev.g === 0 ? -1 : ev.g,
    // The id of the order a cancel concerns (the cancel request's own id is not kept).
    C: ev.x === 'CANCELED' ? (ev.c ?? '') : '',
    x: ev.x,
    X: ev.X,
    r: 'NONE',
    i: ev.i,
    l: lots(ev.l, m),
    z: lots(ev.z, m),
    L: ticks(ev.L, m),
    n: ev.t === -1 ? '0' : quote(ev.n, m),
    N: ev.t === -1 ? null : m.quote,
    T: ev.T,
    t: ev.t,
    I: ev.t === -1 ? ev.i : ev.t,
    w: ev.w,
    m: ev.mk,
    M: false,
    O: ev.O,
    Z: quote(ev.Z, m),
    Y: quote(ev.Y, m),
    Q: quote(ev.Q, m),
    W: ev.W,
    V: ev.V,
  };
  if (ev.d > 0) payload.d = ev.d;
  return payload;
}

export function accountPosition(
  ev: UserBalancesEvent,
  precisionOf: (asset: string) => number,
  now: number,
): UserPayload {
  return {
    e: 'outboundAccountPosition',
    E: now,
    u: ev.T,
    B: ev.B.map(([a, free, locked]) => ({
      a,
      f: units(free, precisionOf(a)),
      l: units(locked, precisionOf(a)),
    })),
  };
}

export function balanceUpdate(ev: UserTransferEvent, precision: number, now: number): UserPayload {
  return { e: 'balanceUpdate', E: now, a: ev.a, d: units(ev.d, precision), T: ev.T };
}

export function listStatus(ev: UserListEvent, m: SpotMarket, now: number): UserPayload {
  return {
    e: 'listStatus',
    E: now,
    s: m.symbol,
    g: ev.g,
    c: 'OCO',
    l: ev.s,
    L: ev.L,
    r: 'NONE',
    C: ev.c,
    T: ev.T,
    O: ev.O.map(([i, c]) => ({ s: m.symbol, i, c: c ?? '' })),
  };
}

export function listenKeyExpired(listenKey: string, now: number): UserPayload {
  return { e: 'listenKeyExpired', E: now, listenKey };
}
