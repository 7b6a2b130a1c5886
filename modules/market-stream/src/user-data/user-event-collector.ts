// The engine side of the user data streams: follows every durable result beside the market-data
// publisher and turns the engine's events into per-user reports. An executionReport carries the
// order's whole state (cumulative quantities, client id, creation time), which the events of one
// command do not: the open orders are tracked here, starting from the engine's state at attach.
import type { Command, CommandResult, Engine, EngineEvent } from '@tradeloom/engine';
import type {
  ExecType,
  FeedUserEvent,
  OrderStatus,
  UserBalancesEvent,
  UserListEvent,
  UserOrderEvent,
} from './user-events.js';

interface TrackedOrder {
  id: number;
  user: number;
  marketId: number;
  clientOrderId: string | null;
  listId: number;
  side: 'BUY' | 'SELL';
  type: string;
  tif: string;
  stp: string;
  price: number;
  qty: number;
  quoteQty: number;
  stopPrice: number;
  trailing: number;
  createdAt: number;
  filled: number;
  filledNotional: number;
  workingSince: number;
}

interface TrackedList {
  listId: number;
  user: number;
  marketId: number;
  clientId: string;
  orders: [number, string | null][];
}

export class UserEventCollector {
  private readonly orders = new Map<number, TrackedOrder>();
  private readonly lists = new Map<number, TrackedList>();

  /** Reads the open orders (resting and waiting stops) as the engine holds them now. */
  constructor(engine: Engine) {
    for (const [marketId, market] of engine.matcher.markets) {
      const all = [
        ...market.bids.orders(),
        ...market.asks.orders(),
        ...market.stopsUp,
        ...market.stopsDown,
        ...market.trailing,
      ];
      for (const o of all) {
        this.orders.set(o.id, {
          id: o.id,
          user: o.user,
          marketId,
          clientOrderId: o.clientOrderId,
          listId: o.listId,
          side: o.side === 0 ? 'BUY' : 'SELL',
          type: o.type,
          tif: o.tif,
          stp: o.stp,
          price: o.price,
          qty: o.qty,
          quoteQty: o.quoteQty,
          stopPrice: o.stopPrice,
          trailing: o.trailingDeltaBps,
          createdAt: o.ts,
          filled: o.filled,
          filledNotional: o.filledNotional,
          workingSince: o.pending ? -1 : o.ts,
        });
        if (o.listId !== 0) {
          const list = this.lists.get(o.listId) ?? {
            listId: o.listId,
            user: o.user,
            marketId,
            // The list's own client id is not part of the engine's order state.
            clientId: '',
            orders: [],
          };
          list.orders.push([o.id, o.clientOrderId]);
          this.lists.set(o.listId, list);
        }
      }
    }
  }

  /** The user events of one accepted command, in the order they happened; null when there are none. */
  collect(result: CommandResult, command: Command): FeedUserEvent[] | null {
    if (!result.ok) return null;
    const events = result.events;
    const ts = (command as { ts?: number }).ts ?? 0;
    let out: FeedUserEvent[] | null = null;
    let balances: Map<number, UserBalancesEvent> | null = null;
    // An order closed FILLED reports that status on its last trade of the command.
    let filledAt: Map<number, number> | null = null;
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as EngineEvent;
      if (e.type === 'orderClosed' && e.status === 'FILLED') {
        filledAt ??= new Map();
        filledAt.set(e.orderId, -1);
      }
    }
    if (filledAt !== null) {
      for (let i = 0; i < events.length; i++) {
        const e = events[i] as EngineEvent;
        if (e.type !== 'trade') continue;
        if (filledAt.has(e.buyOrderId)) filledAt.set(e.buyOrderId, i);
        if (filledAt.has(e.sellOrderId)) filledAt.set(e.sellOrderId, i);
      }
    }
    const push = (event: FeedUserEvent) => {
      out ??= [];
      out.push(event);
    };
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as EngineEvent;
      switch (e.type) {
        case 'orderAccepted': {
          const order: TrackedOrder = {
            id: e.orderId,
            user: e.user,
            marketId: e.marketId,
            clientOrderId: e.clientOrderId,
            listId: e.listId,
            side: e.side,
            type: e.orderType,
            tif: e.timeInForce,
            stp: e.stp,
            price: e.price,
            qty: e.qty,
            quoteQty: e.quoteQty,
            stopPrice: e.stopPrice,
            trailing: e.trailingDeltaBps,
            createdAt: e.ts,
            filled: 0,
            filledNotional: 0,
            workingSince: e.pending ? -1 : e.ts,
          };
          this.orders.set(order.id, order);
          push(report(order, 'NEW', 'NEW', e.ts));
          break;
        }
        case 'orderTriggered': {
          const order = this.orders.get(e.orderId);
          if (order === undefined) break;
          order.workingSince = ts;
          push(report(order, 'NEW', 'NEW', ts));
          break;
        }
        case 'trade': {
          for (const [orderId, fee] of [
            [e.buyOrderId, e.buyerFee],
            [e.sellOrderId, e.sellerFee],
          ] as const) {
            const order = this.orders.get(orderId);
            if (order === undefined) continue;
            order.filled += e.qty;
            order.filledNotional += e.notional;
            const status: OrderStatus = filledAt?.get(orderId) === i ? 'FILLED' : 'PARTIALLY_FILLED';
            push({
              ...report(order, 'TRADE', status, e.ts),
              l: e.qty,
              L: e.price,
              Y: e.notional,
              n: fee,
              t: e.tradeId,
              mk: orderId === e.makerOrderId,
            });
          }
          break;
        }
        case 'orderClosed': {
          const order = this.orders.get(e.orderId);
          if (order === undefined) break;
          this.orders.delete(e.orderId);
          if (e.status !== 'FILLED') {
            const stp = e.reason === 'STP';
            push(report(order, stp ? 'TRADE_PREVENTION' : e.status, stp ? 'EXPIRED_IN_MATCH' : e.status, ts));
          }
          // The first leg to close ends the list (the engine cancels the other leg with it).
          const list = order.listId === 0 ? undefined : this.lists.get(order.listId);
          if (list !== undefined) {
            this.lists.delete(list.listId);
            push(listStatus(list, 'ALL_DONE', ts));
          }
          break;
        }
        case 'ocoAccepted': {
          const list: TrackedList = {
            listId: e.listId,
            user: e.user,
            marketId: e.marketId,
            clientId: e.listClientId ?? '',
            orders: e.orderIds.map((id): [number, string | null] => [
              id,
              this.orders.get(id)?.clientOrderId ?? null,
            ]),
          };
          this.lists.set(list.listId, list);
          push(listStatus(list, 'EXEC_STARTED', ts));
          break;
        }
        case 'balance': {
          if (e.wallet !== 'SPOT') break;
          balances ??= new Map();
          let entry = balances.get(e.user);
          if (entry === undefined) {
            entry = { k: 'b', u: e.user, T: ts, B: [] };
            balances.set(e.user, entry);
          }
          entry.B.push([e.asset, e.available, e.held]);
          break;
        }
        case 'transfer': {
          if ('user' in e.to && e.to.wallet === 'SPOT') {
            push({ k: 't', u: e.to.user, T: ts, a: e.asset, d: e.amount });
          }
          if ('user' in e.from && e.from.wallet === 'SPOT') {
            push({ k: 't', u: e.from.user, T: ts, a: e.asset, d: -e.amount });
          }
          break;
        }
        default:
          break;
      }
    }
    // Binance sends the account position after the reports of the same change.
    if (balances !== null)
      for (const entry of (balances as Map<number, UserBalancesEvent>).values()) push(entry);
    return out;
  }
}

function report(order: TrackedOrder, x: ExecType, X: OrderStatus, T: number): UserOrderEvent {
  return {
    k: 'o',
    u: order.user,
    m: order.marketId,
    i: order.id,
    c: order.clientOrderId,
    g: order.listId,
    S: order.side,
    o: order.type,
    f: order.tif,
    V: order.stp,
    p: order.price,
    q: order.qty,
    Q: order.quoteQty,
    P: order.stopPrice,
    d: order.trailing,
    x,
    X,
    l: 0,
    L: 0,
    Y: 0,
    n: 0,
    t: -1,
    mk: false,
    z: order.filled,
    Z: order.filledNotional,
    O: order.createdAt,
    T,
    w: order.workingSince >= 0,
    W: order.workingSince,
  };
}

function listStatus(list: TrackedList, s: UserListEvent['s'], T: number): UserListEvent {
  return {
    k: 'l',
    u: list.user,
    m: list.marketId,
    g: list.listId,
    c: list.clientId,
    s,
    L: s === 'EXEC_STARTED' ? 'EXECUTING' : 'ALL_DONE',
    O: list.orders,
    T,
  };
}
