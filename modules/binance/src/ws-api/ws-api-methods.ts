// The WebSocket API's request methods that are /api/v3 endpoints under another name
// (web-socket-api.md): each is served by the REST route's own handler, with its parameters, weight,
// response shape and error codes. The session and user data stream methods are in ws-api-session.ts.
import type { BinanceRoute, Security } from '../support/binance-routes.js';

/** WebSocket API method → the /api/v3 route (method and path) that serves it. */
export const ROUTE_METHODS: Readonly<Record<string, readonly [method: BinanceRoute['method'], url: string]>> =
  {
    ping: ['GET', '/ping'],
    time: ['GET', '/time'],
    exchangeInfo: ['GET', '/exchangeInfo'],
    depth: ['GET', '/depth'],
    'trades.recent': ['GET', '/trades'],
    'trades.historical': ['GET', '/historicalTrades'],
    'trades.aggregate': ['GET', '/aggTrades'],
    klines: ['GET', '/klines'],
    uiKlines: ['GET', '/uiKlines'],
    avgPrice: ['GET', '/avgPrice'],
    'ticker.24hr': ['GET', '/ticker/24hr'],
    'ticker.price': ['GET', '/ticker/price'],
    'ticker.book': ['GET', '/ticker/bookTicker'],
    'order.place': ['POST', '/order'],
    'order.test': ['POST', '/order/test'],
    'order.status': ['GET', '/order'],
    'order.cancel': ['DELETE', '/order'],
    'openOrders.status': ['GET', '/openOrders'],
    'openOrders.cancelAll': ['DELETE', '/openOrders'],
    allOrders: ['GET', '/allOrders'],
    myTrades: ['GET', '/myTrades'],
    'orderList.place.oco': ['POST', '/orderList/oco'],
    'orderList.status': ['GET', '/orderList'],
    'orderList.cancel': ['DELETE', '/orderList'],
    allOrderLists: ['GET', '/allOrderList'],
    'account.status': ['GET', '/account'],
    'account.commission': ['GET', '/account/commission'],
  };

/** The API-key scope a signed route needs (the REST routes' apiKeyScope). */
export function scopeOf(security: Security): 'read' | 'spot_trade' | null {
  if (security === 'TRADE') return 'spot_trade';
  if (security === 'USER_DATA') return 'read';
  return null;
}

/** The routes the methods name, by method name. */
export function routeTable(routes: readonly BinanceRoute[]): Map<string, BinanceRoute> {
  const table = new Map<string, BinanceRoute>();
  for (const [name, [method, url]] of Object.entries(ROUTE_METHODS)) {
    const route = routes.find((r) => r.method === method && r.url === url);
    if (route !== undefined) table.set(name, route);
  }
  return table;
}
