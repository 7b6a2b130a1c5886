// Orders as clients see them: decimals on the market's grid, Binance's status names.
import type { EngineEvent } from '@tradeloom/engine';
import { fromLots, fromQuoteUnits, fromTicks } from '../markets/grid.js';
import type { SpotMarket } from '../markets/market.js';

export interface OrderView {
  symbol: string;
  orderId: number;
  orderListId: number;
  clientOrderId: string | null;
  side: string;
  type: string;
  timeInForce: string;
  price: string;
  origQty: string;
  origQuoteOrderQty: string;
  stopPrice: string;
  trailingDelta: number;
  executedQty: string;
  cummulativeQuoteQty: string;
  status: string;
  /** A stop order still waiting for its trigger. */
  working: boolean;
  selfTradePreventionMode: string;
  fees: string;
  time: number;
  updateTime: number;
}

export interface FillView {
  tradeId: number;
  price: string;
  qty: string;
  commission: string;
  commissionAsset: string;
}

/** The columns `viewOfRow` reads, for SELECTs of spot_orders. */
export const ORDER_COLUMNS = `order_id, list_id, client_order_id, user_no, market_id, side, type, time_in_force, stp,
  price_ticks, qty_lots, quote_qty, stop_price_ticks, trailing_delta_bps, status, pending, filled_lots,
  filled_notional, fees, (extract(epoch FROM created_at) * 1000)::int8 AS created_ms,
  (extract(epoch FROM updated_at) * 1000)::int8 AS updated_ms`;

/** A row of the spot_orders read model as a view. */
export function viewOfRow(r: Record<string, unknown>, m: SpotMarket): OrderView {
  const n = (v: unknown) => Number(v);
  const price = n(r.price_ticks);
  const stop = n(r.stop_price_ticks);
  return {
    symbol: m.symbol,
    orderId: n(r.order_id),
    orderListId: n(r.list_id) === 0 ? -1 : n(r.list_id),
    clientOrderId: r.client_order_id === null ? null : String(r.client_order_id),
    side: String(r.side),
    type: String(r.type),
    timeInForce: String(r.time_in_force),
    price: price === 0 ? '0' : fromTicks(price, m),
    origQty: n(r.qty_lots) === 0 ? '0' : fromLots(n(r.qty_lots), m),
    origQuoteOrderQty: fromQuoteUnits(n(r.quote_qty), m),
    stopPrice: stop === 0 ? '0' : fromTicks(stop, m),
    trailingDelta: n(r.trailing_delta_bps),
    executedQty: n(r.filled_lots) === 0 ? '0' : fromLots(n(r.filled_lots), m),
    cummulativeQuoteQty: fromQuoteUnits(n(r.filled_notional), m),
    status: String(r.status),
    working: r.pending !== true,
    selfTradePreventionMode: String(r.stp),
    fees: fromQuoteUnits(n(r.fees), m),
    time: n(r.created_ms),
    updateTime: n(r.updated_ms),
  };
}

/**
 * The order as the engine's result of the command that placed (or cancelled) it describes it, before
 * the read model has it: accepted, then its fills, then its close.
 */
export function viewOfEvents(
  orderId: number,
  events: readonly EngineEvent[],
  m: SpotMarket,
  ts: number,
): { order: OrderView | null; fills: FillView[] } {
  let order: OrderView | null = null;
  const fills: FillView[] = [];
  let filled = 0;
  let notional = 0;
  let fees = 0;
  for (const e of events) {
    if (e.type === 'orderAccepted' && e.orderId === orderId) {
      order = {
        symbol: m.symbol,
        orderId,
        orderListId: e.listId === 0 ? -1 : e.listId,
        clientOrderId: e.clientOrderId,
        side: e.side,
        type: e.orderType,
        timeInForce: e.timeInForce,
        price: e.price === 0 ? '0' : fromTicks(e.price, m),
        origQty: e.qty === 0 ? '0' : fromLots(e.qty, m),
        origQuoteOrderQty: fromQuoteUnits(e.quoteQty, m),
        stopPrice: e.stopPrice === 0 ? '0' : fromTicks(e.stopPrice, m),
        trailingDelta: e.trailingDeltaBps,
        executedQty: '0',
        cummulativeQuoteQty: fromQuoteUnits(0, m),
        status: 'NEW',
        working: !e.pending,
        selfTradePreventionMode: e.stp,
        fees: fromQuoteUnits(0, m),
        time: ts,
        updateTime: ts,
      };
    } else if (e.type === 'trade' && (e.buyOrderId === orderId || e.sellOrderId === orderId)) {
      const fee = e.buyOrderId === orderId ? e.buyerFee : e.sellerFee;
      filled += e.qty;
      notional += e.notional;
      fees += fee;
      fills.push({
        tradeId: e.tradeId,
        price: fromTicks(e.price, m),
        qty: fromLots(e.qty, m),
        commission: fromQuoteUnits(fee, m),
        commissionAsset: m.quote,
      });
      if (order !== null && order.status === 'NEW') order.status = 'PARTIALLY_FILLED';
    } else if (e.type === 'orderTriggered' && e.orderId === orderId && order !== null) {
      order.working = true;
    } else if (e.type === 'orderClosed' && e.orderId === orderId && order !== null) {
      order.status = e.reason === 'STP' ? 'EXPIRED_IN_MATCH' : e.status;
      order.working = false;
    }
  }
  if (order !== null) {
    order.executedQty = filled === 0 ? '0' : fromLots(filled, m);
    order.cummulativeQuoteQty = fromQuoteUnits(notional, m);
    order.fees = fromQuoteUnits(fees, m);
  }
  return { order, fills };
}
