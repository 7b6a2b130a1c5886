// What the engine side publishes per durable command for the user data streams: each user's order
// reports, list statuses, balance changes and transfers, in the engine's units (ticks, lots, asset
// units) and with the engine's account numbers. The gateways convert them to Binance's payloads for
// the sockets of the users they serve. Keys are short: these travel on every command.
import { z } from 'zod';

/** Binance's execution types and order statuses that the engine's events produce. */
export type ExecType = 'NEW' | 'TRADE' | 'CANCELED' | 'EXPIRED' | 'TRADE_PREVENTION';
export type OrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED' | 'EXPIRED_IN_MATCH';

/** One order report (Binance's executionReport). */
export interface UserOrderEvent {
  k: 'o';
  /** The owner's engine account number. */
  u: number;
  /** Market id. */
  m: number;
  /** Order id, client order id, OCO list id (0 = none). */
  i: number;
  c: string | null;
  g: number;
  S: 'BUY' | 'SELL';
  o: string;
  f: string;
  V: string;
  /** Limit price (ticks, 0 = none), quantity (lots, 0 for quote-sized market orders), quote quantity (units), stop price (ticks), trailing delta (bps). */
  p: number;
  q: number;
  Q: number;
  P: number;
  d: number;
  x: ExecType;
  X: OrderStatus;
  /** Last fill: lots, price (ticks), quote units, commission (quote units), trade id (-1 = none), maker side. */
  l: number;
  L: number;
  Y: number;
  n: number;
  t: number;
  mk: boolean;
  /** Cumulative filled lots and quote units. */
  z: number;
  Z: number;
  /** Creation time, transaction time, working flag and since when (-1 = not working yet). */
  O: number;
  T: number;
  w: boolean;
  W: number;
}

/** The user's SPOT balances changed by the command: [asset, available, held] in units. */
export interface UserBalancesEvent {
  k: 'b';
  u: number;
  T: number;
  B: [asset: string, available: number, held: number][];
}

/** A transfer into (+) or out of (-) the user's SPOT wallet: deposits, withdrawals, transfers. */
export interface UserTransferEvent {
  k: 't';
  u: number;
  T: number;
  a: string;
  d: number;
}

/** An OCO list's status (Binance's listStatus). */
export interface UserListEvent {
  k: 'l';
  u: number;
  m: number;
  g: number;
  c: string;
  s: 'EXEC_STARTED' | 'ALL_DONE';
  L: 'EXECUTING' | 'ALL_DONE';
  O: [orderId: number, clientOrderId: string | null][];
  T: number;
}

export type FeedUserEvent = UserOrderEvent | UserBalancesEvent | UserTransferEvent | UserListEvent;

const int = z.number().int();
export const feedUserEventSchema = z.discriminatedUnion('k', [
  z.object({
    k: z.literal('o'),
    u: int,
    m: int,
    i: int,
    c: z.string().nullable(),
    g: int,
    S: z.enum(['BUY', 'SELL']),
    o: z.string(),
    f: z.string(),
    V: z.string(),
    p: int,
    q: int,
    Q: int,
    P: int,
    d: int,
    x: z.enum(['NEW', 'TRADE', 'CANCELED', 'EXPIRED', 'TRADE_PREVENTION']),
    X: z.enum(['NEW', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'EXPIRED', 'EXPIRED_IN_MATCH']),
    l: int,
    L: int,
    Y: int,
    n: int,
    t: int,
    mk: z.boolean(),
    z: int,
    Z: int,
    O: int,
    T: int,
    w: z.boolean(),
    W: int,
  }),
  z.object({ k: z.literal('b'), u: int, T: int, B: z.array(z.tuple([z.string(), int, int])) }),
  z.object({ k: z.literal('t'), u: int, T: int, a: z.string(), d: int }),
  z.object({
    k: z.literal('l'),
    u: int,
    m: int,
    g: int,
    c: z.string(),
    s: z.enum(['EXEC_STARTED', 'ALL_DONE']),
    L: z.enum(['EXECUTING', 'ALL_DONE']),
    O: z.array(z.tuple([int, z.string().nullable()])),
    T: int,
  }),
]);
