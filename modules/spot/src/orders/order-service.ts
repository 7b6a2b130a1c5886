// Orders: decimal requests turned into engine commands on the market's grid; answers built from the
// engine's result (what just happened) or from the read model (what is known so far).
import type { Database } from '@tradeloom/db';
import type {
  CommandResult,
  EngineEvent,
  OrderType,
  PlaceOrder,
  Side,
  StpMode,
  TimeInForce,
} from '@tradeloom/engine';
import { type Clock, DomainError } from '@tradeloom/kernel';
import '../errors.js';
import type { EngineAccountOf, SpotEnginePort } from '../engine-port.js';
import { fromLots, fromQuoteUnits, fromTicks, toLots, toQuoteUnits, toTicks } from '../markets/grid.js';
import type { SpotMarket } from '../markets/market.js';
import type { MarketService } from '../markets/market-service.js';
import { type FillView, ORDER_COLUMNS, type OrderView, viewOfEvents, viewOfRow } from './order-view.js';

export interface PlaceOrderInput {
  symbol: string;
  side: Side;
  type: OrderType;
  timeInForce?: TimeInForce;
  price?: string;
  quantity?: string;
  quoteOrderQty?: string;
  stopPrice?: string;
  /** Trailing stop distance in basis points (Binance's trailingDelta). */
  trailingDelta?: number;
  clientOrderId?: string;
  selfTradePreventionMode?: StpMode;
}

export interface PlaceOcoInput {
  symbol: string;
  side: Side;
  quantity: string;
  price: string;
  stopPrice: string;
  stopLimitPrice?: string;
  listClientOrderId?: string;
  limitClientOrderId?: string;
  stopClientOrderId?: string;
  selfTradePreventionMode?: StpMode;
}

export interface PlacedOrder {
  order: OrderView;
  fills: FillView[];
  commandSeq: number;
}

export interface OrderQuery {
  symbol?: string;
  /** open: NEW and PARTIALLY_FILLED only. */
  open?: boolean;
  fromOrderId?: number;
  startTime?: number;
  endTime?: number;
  limit?: number;
}

export interface TradeView {
  symbol: string;
  id: number;
  orderId: number;
  price: string;
  qty: string;
  quoteQty: string;
  commission: string;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
}

export interface OrderService {
  place(userId: string, input: PlaceOrderInput): Promise<PlacedOrder>;
  placeOco(
    userId: string,
    input: PlaceOcoInput,
  ): Promise<{ orderListId: number; orders: OrderView[]; commandSeq: number }>;
  cancel(
    userId: string,
    symbol: string,
    target: { orderId?: number; clientOrderId?: string },
  ): Promise<PlacedOrder>;
  cancelAll(userId: string, symbol: string): Promise<{ orders: OrderView[]; commandSeq: number }>;
  cancelReplace(
    userId: string,
    input: PlaceOrderInput & {
      cancelOrderId?: number;
      cancelClientOrderId?: string;
      mode: 'STOP_ON_FAILURE' | 'ALLOW_FAILURE';
    },
  ): Promise<{ cancelled: OrderView | null; placed: PlacedOrder | null; commandSeq: number }>;
  /** One of the user's orders from the read model, or SPOT_ORDER_NOT_FOUND. */
  order(
    userId: string,
    symbol: string,
    target: { orderId?: number; clientOrderId?: string },
  ): Promise<OrderView>;
  orders(userId: string, query: OrderQuery): Promise<OrderView[]>;
  myTrades(
    userId: string,
    query: { symbol: string; fromId?: number; startTime?: number; endTime?: number; limit?: number },
  ): Promise<TradeView[]>;
}

const PLACED_HERE_MAX = 100_000;

/** Lots of `orderId` filled by the events of its own placement. */
function orderFilledLots(events: readonly EngineEvent[], orderId: number): number {
  let lots = 0;
  for (const e of events)
    if (e.type === 'trade' && (e.buyOrderId === orderId || e.sellOrderId === orderId)) lots += e.qty;
  return lots;
}

function rejected(result: Extract<CommandResult, { ok: false }>): DomainError {
  return new DomainError('SPOT_ORDER_REJECTED', result.message, {
    engineCode: result.code,
    ...result.detail,
  });
}

/** The engine command of an order request (decimals checked against the grid). */
export function placeCommand(m: SpotMarket, user: number, input: PlaceOrderInput, ts: number): PlaceOrder {
  const command: PlaceOrder = {
    type: 'placeOrder',
    ts,
    marketId: m.id,
    user,
    side: input.side,
    orderType: input.type,
  };
  if (input.price !== undefined) command.price = toTicks(input.price, m);
  if (input.quantity !== undefined) command.qty = toLots(input.quantity, m);
  if (input.quoteOrderQty !== undefined) command.quoteQty = toQuoteUnits(input.quoteOrderQty, m);
  if (input.stopPrice !== undefined) command.stopPrice = toTicks(input.stopPrice, m, 'stopPrice');
  if (input.trailingDelta !== undefined) command.trailingDeltaBps = input.trailingDelta;
  if (input.timeInForce !== undefined) command.timeInForce = input.timeInForce;
  if (input.clientOrderId !== undefined) command.clientOrderId = input.clientOrderId;
  if (input.selfTradePreventionMode !== undefined) command.stp = input.selfTradePreventionMode;
  return command;
}

export function createOrderService(deps: {
  database: Database;
  engine: SpotEnginePort;
  markets: MarketService;
  engineAccountOf: EngineAccountOf;
  clock: Clock;
  /** Resolves once the read model holds a command (answers built from it follow their own command). */
  projected: (seq: number) => Promise<void>;
}): OrderService {
  const { database: db, engine, markets, clock } = deps;

  // Orders placed through this process and still open, so that cancelling one (the commonest
  // pair of requests of a trading bot) answers without waiting for the read model. Bounded: the
  // oldest are forgotten first (a forgotten one is answered from the read model).
  const placedHere = new Map<number, { user: number; view: OrderView; filledLots: number }>();
  const remember = (user: number, view: OrderView, filledLots: number) => {
    if (placedHere.size >= PLACED_HERE_MAX) {
      const oldest = placedHere.keys().next();
      if (oldest.done !== true) placedHere.delete(oldest.value);
    }
    placedHere.set(view.orderId, { user, view, filledLots });
  };

  const findRow = async (
    user: number,
    m: SpotMarket,
    target: { orderId?: number; clientOrderId?: string },
  ) => {
    if (target.orderId === undefined && target.clientOrderId === undefined) {
      throw new DomainError('SPOT_ORDER_PARAMS_INVALID', 'Give orderId or clientOrderId');
    }
    const { rows } =
      target.orderId !== undefined
        ? await db.query(
            `SELECT ${ORDER_COLUMNS} FROM spot_orders WHERE order_id = $1 AND user_no = $2 AND market_id = $3`,
            [target.orderId, user, m.id],
          )
        : await db.query(
            `SELECT ${ORDER_COLUMNS} FROM spot_orders WHERE client_order_id = $1 AND user_no = $2 AND market_id = $3
             ORDER BY order_id DESC LIMIT 1`,
            [target.clientOrderId, user, m.id],
          );
    return rows[0];
  };

  return {
    async place(userId, input) {
      const m = await markets.market(input.symbol);
      const user = await deps.engineAccountOf(userId);
      const ts = clock.nowMs();
      const result = await engine.submit(placeCommand(m, user, input, ts));
      if (!result.ok) throw rejected(result);
      const orderId = result.orderId ?? 0;
      const { order, fills } = viewOfEvents(orderId, result.events, m, ts);
      if (order === null) {
        // A repeated client order id: the engine answers with the first order's result.
        throw new DomainError('SPOT_ORDER_REJECTED', 'Duplicate order sent', {
          engineCode: 'DUPLICATE_CLIENT_ORDER_ID',
        });
      }
      if (order.status === 'NEW' || order.status === 'PARTIALLY_FILLED')
        remember(user, order, orderFilledLots(result.events, orderId));
      return { order, fills, commandSeq: result.commandSeq };
    },

    async placeOco(userId, input) {
      const m = await markets.market(input.symbol);
      const user = await deps.engineAccountOf(userId);
      const ts = clock.nowMs();
      const result = await engine.submit({
        type: 'placeOco',
        ts,
        marketId: m.id,
        user,
        side: input.side,
        qty: toLots(input.quantity, m),
        price: toTicks(input.price, m),
        stopPrice: toTicks(input.stopPrice, m, 'stopPrice'),
        ...(input.stopLimitPrice === undefined
          ? {}
          : { stopLimitPrice: toTicks(input.stopLimitPrice, m, 'stopLimitPrice') }),
        ...(input.listClientOrderId === undefined ? {} : { listClientId: input.listClientOrderId }),
        ...(input.limitClientOrderId === undefined ? {} : { limitClientOrderId: input.limitClientOrderId }),
        ...(input.stopClientOrderId === undefined ? {} : { stopClientOrderId: input.stopClientOrderId }),
        ...(input.selfTradePreventionMode === undefined ? {} : { stp: input.selfTradePreventionMode }),
      });
      if (!result.ok) throw rejected(result);
      const list = result.events.find((e) => e.type === 'ocoAccepted');
      if (list === undefined) throw new DomainError('SPOT_ORDER_REJECTED', 'Duplicate order list sent');
      const orders = list.orderIds
        .map((id) => viewOfEvents(id, result.events, m, ts).order)
        .filter((o): o is OrderView => o !== null);
      return { orderListId: list.listId, orders, commandSeq: result.commandSeq };
    },

    async cancel(userId, symbol, target) {
      const m = await markets.market(symbol);
      const user = await deps.engineAccountOf(userId);
      if (target.orderId === undefined && target.clientOrderId === undefined) {
        throw new DomainError('SPOT_ORDER_PARAMS_INVALID', 'Give orderId or clientOrderId');
      }
      const ts = clock.nowMs();
      const result = await engine.submit({ type: 'cancelOrder', ts, marketId: m.id, user, ...target });
      if (!result.ok) {
        if (result.code === 'UNKNOWN_ORDER')
          throw new DomainError('SPOT_ORDER_NOT_FOUND', 'Unknown order sent');
        throw rejected(result);
      }
      const orderId = result.orderId ?? 0;
      const closedEvent = result.events.find((e) => e.type === 'orderClosed' && e.orderId === orderId);
      // An order this process placed and nothing filled since: its answer needs no read model.
      const known = placedHere.get(orderId);
      placedHere.delete(orderId);
      if (
        known !== undefined &&
        known.user === user &&
        closedEvent !== undefined &&
        closedEvent.type === 'orderClosed' &&
        closedEvent.filledQty === known.filledLots
      ) {
        return {
          order: { ...known.view, status: closedEvent.status, working: false, updateTime: ts },
          fills: [],
          commandSeq: result.commandSeq,
        };
      }
      // Otherwise the rest of the order comes from the read model, once it holds this command (the
      // order may have been placed a moment ago, in another process).
      await deps.projected(result.commandSeq);
      const row = await findRow(user, m, { orderId });
      const closed = result.events.find((e) => e.type === 'orderClosed' && e.orderId === orderId);
      const base = row === undefined ? null : viewOfRow(row, m);
      if (base === null) throw new DomainError('SPOT_ORDER_NOT_FOUND', 'Unknown order sent');
      if (closed !== undefined && closed.type === 'orderClosed') {
        base.status = closed.status;
        base.working = false;
        base.executedQty = closed.filledQty === 0 ? '0' : fromLots(closed.filledQty, m);
      }
      return { order: base, fills: [], commandSeq: result.commandSeq };
    },

    async cancelAll(userId, symbol) {
      const m = await markets.market(symbol);
      const user = await deps.engineAccountOf(userId);
      const ts = clock.nowMs();
      const result = await engine.submit({ type: 'cancelAll', ts, marketId: m.id, user });
      if (!result.ok) throw rejected(result);
      const ids = result.events.flatMap((e) => (e.type === 'orderClosed' ? [e.orderId] : []));
      if (ids.length === 0) return { orders: [], commandSeq: result.commandSeq };
      await deps.projected(result.commandSeq);
      const { rows } = await db.query(
        `SELECT ${ORDER_COLUMNS} FROM spot_orders WHERE order_id = ANY($1::int8[]) ORDER BY order_id`,
        [ids],
      );
      const orders = rows.map((r) => {
        const view = viewOfRow(r, m);
        view.status = 'CANCELED';
        view.working = false;
        return view;
      });
      return { orders, commandSeq: result.commandSeq };
    },

    async cancelReplace(userId, input) {
      const m = await markets.market(input.symbol);
      const user = await deps.engineAccountOf(userId);
      const ts = clock.nowMs();
      const place = placeCommand(m, user, input, ts);
      const { type: _t, ts: _ts, marketId: _m, user: _u, ...order } = place;
      const result = await engine.submit({
        type: 'cancelReplace',
        ts,
        marketId: m.id,
        user,
        mode: input.mode,
        order,
        ...(input.cancelOrderId === undefined ? {} : { cancelOrderId: input.cancelOrderId }),
        ...(input.cancelClientOrderId === undefined
          ? {}
          : { cancelClientOrderId: input.cancelClientOrderId }),
      });
      if (!result.ok) throw rejected(result);
      const closed = result.events.find((e) => e.type === 'orderClosed');
      let cancelled: OrderView | null = null;
      if (closed !== undefined && closed.type === 'orderClosed') {
        await deps.projected(result.commandSeq);
        const row = await findRow(user, m, { orderId: closed.orderId });
        if (row !== undefined) {
          cancelled = viewOfRow(row, m);
          cancelled.status = closed.status;
          cancelled.working = false;
        }
      }
      const newId = result.orderId;
      const placed =
        newId !== undefined && result.newOrderRejected === undefined
          ? (() => {
              const v = viewOfEvents(newId, result.events, m, ts);
              return v.order === null
                ? null
                : { order: v.order, fills: v.fills, commandSeq: result.commandSeq };
            })()
          : null;
      return { cancelled, placed, commandSeq: result.commandSeq };
    },

    async order(userId, symbol, target) {
      const m = await markets.market(symbol);
      const user = await deps.engineAccountOf(userId);
      const row = await findRow(user, m, target);
      if (row === undefined) throw new DomainError('SPOT_ORDER_NOT_FOUND', 'Order does not exist');
      return viewOfRow(row, m);
    },

    async orders(userId, query) {
      const user = await deps.engineAccountOf(userId);
      const m = query.symbol === undefined ? null : await markets.market(query.symbol);
      const where = ['user_no = $1'];
      const params: unknown[] = [user];
      if (m !== null) {
        params.push(m.id);
        where.push(`market_id = $${params.length}`);
      }
      if (query.open === true) where.push("status IN ('NEW', 'PARTIALLY_FILLED')");
      if (query.fromOrderId !== undefined) {
        params.push(query.fromOrderId);
        where.push(`order_id >= $${params.length}`);
      }
      if (query.startTime !== undefined) {
        params.push(new Date(query.startTime).toISOString());
        where.push(`created_at >= $${params.length}`);
      }
      if (query.endTime !== undefined) {
        params.push(new Date(query.endTime).toISOString());
        where.push(`created_at <= $${params.length}`);
      }
      const limit = Math.min(Math.max(query.limit ?? 500, 1), 1000);
      const order = query.fromOrderId !== undefined ? 'ASC' : 'DESC';
      const { rows } = await db.query(
        `SELECT ${ORDER_COLUMNS} FROM spot_orders WHERE ${where.join(' AND ')} ORDER BY order_id ${order} LIMIT ${limit}`,
        params,
      );
      const views: OrderView[] = [];
      for (const r of rows) {
        const market = m ?? (await markets.marketById(Number(r.market_id)));
        if (market !== null) views.push(viewOfRow(r, market));
      }
      return order === 'DESC' ? views.reverse() : views;
    },

    async myTrades(userId, query) {
      const m = await markets.market(query.symbol);
      const user = await deps.engineAccountOf(userId);
      const params: unknown[] = [m.id, user];
      const where = ['market_id = $1', '(buyer = $2 OR seller = $2)'];
      if (query.fromId !== undefined) {
        params.push(query.fromId);
        where.push(`trade_id >= $${params.length}`);
      }
      if (query.startTime !== undefined) {
        params.push(new Date(query.startTime).toISOString());
        where.push(`at >= $${params.length}`);
      }
      if (query.endTime !== undefined) {
        params.push(new Date(query.endTime).toISOString());
        where.push(`at <= $${params.length}`);
      }
      const limit = Math.min(Math.max(query.limit ?? 500, 1), 1000);
      const order = query.fromId !== undefined ? 'ASC' : 'DESC';
      const { rows } = await db.query(
        `SELECT trade_id, price_ticks, qty_lots, notional, buyer, seller, buy_order_id, sell_order_id, buyer_fee, seller_fee,
           taker_side, (extract(epoch FROM at) * 1000)::int8 AS at_ms
         FROM ledger_trades WHERE ${where.join(' AND ')} ORDER BY trade_id ${order} LIMIT ${limit}`,
        params,
      );
      // A self-trade is both: report it from the buy side (as one row), like Binance's STP NONE.
      const trades = rows.map((r): TradeView => {
        const isBuyer = Number(r.buyer) === user;
        const isMaker = (r.taker_side === 'BUY') !== isBuyer;
        return {
          symbol: m.symbol,
          id: Number(r.trade_id),
          orderId: Number(isBuyer ? r.buy_order_id : r.sell_order_id),
          price: fromTicks(Number(r.price_ticks), m),
          qty: fromLots(Number(r.qty_lots), m),
          quoteQty: fromQuoteUnits(Number(r.notional), m),
          commission: fromQuoteUnits(Number(isBuyer ? r.buyer_fee : r.seller_fee), m),
          commissionAsset: m.quote,
          time: Number(r.at_ms),
          isBuyer,
          isMaker,
        };
      });
      return order === 'DESC' ? trades.reverse() : trades;
    },
  };
}
