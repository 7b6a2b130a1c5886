// Each /api/v3 endpoint's answer checked against the shapes of Binance's public documentation
// (binance-spot-api-docs: rest-api.md, filters.md), written here as zod schemas: field names, types,
// numbers as 8-decimal strings, enums.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ApiKeyPair, type BinanceTestPlatform, startBinancePlatform } from './binance-test-platform.js';

const int = z.number().int();
/** Binance's decimals: strings with 8 decimals ("0.01000000"). */
const dec = z.string().regex(/^-?\d+\.\d{8,}$/);
const side = z.enum(['BUY', 'SELL']);
const orderType = z.enum([
  'LIMIT',
  'LIMIT_MAKER',
  'MARKET',
  'STOP_LOSS',
  'STOP_LOSS_LIMIT',
  'TAKE_PROFIT',
  'TAKE_PROFIT_LIMIT',
]);
const orderStatus = z.enum([
  'NEW',
  'PARTIALLY_FILLED',
  'FILLED',
  'CANCELED',
  'PENDING_CANCEL',
  'REJECTED',
  'EXPIRED',
  'EXPIRED_IN_MATCH',
]);
const tif = z.enum(['GTC', 'IOC', 'FOK']);
const stp = z.enum(['NONE', 'EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH']);

const filter = z.discriminatedUnion('filterType', [
  z.strictObject({ filterType: z.literal('PRICE_FILTER'), minPrice: dec, maxPrice: dec, tickSize: dec }),
  z.strictObject({ filterType: z.literal('LOT_SIZE'), minQty: dec, maxQty: dec, stepSize: dec }),
  z.strictObject({ filterType: z.literal('MARKET_LOT_SIZE'), minQty: dec, maxQty: dec, stepSize: dec }),
  z.strictObject({
    filterType: z.literal('NOTIONAL'),
    minNotional: dec,
    applyMinToMarket: z.boolean(),
    maxNotional: dec,
    applyMaxToMarket: z.boolean(),
    avgPriceMins: int,
  }),
  z.strictObject({
    filterType: z.literal('PERCENT_PRICE_BY_SIDE'),
    bidMultiplierUp: z.string(),
    bidMultiplierDown: z.string(),
    askMultiplierUp: z.string(),
    askMultiplierDown: z.string(),
    avgPriceMins: int,
  }),
  z.strictObject({
    filterType: z.literal('TRAILING_DELTA'),
    minTrailingAboveDelta: int,
    maxTrailingAboveDelta: int,
    minTrailingBelowDelta: int,
    maxTrailingBelowDelta: int,
  }),
  z.strictObject({ filterType: z.literal('MAX_NUM_ORDERS'), maxNumOrders: int }),
  z.strictObject({ filterType: z.literal('MAX_NUM_ALGO_ORDERS'), maxNumAlgoOrders: int }),
]);

const exchangeInfo = z.object({
  timezone: z.literal('UTC'),
  serverTime: int,
  rateLimits: z.array(
    z.strictObject({
      rateLimitType: z.enum(['REQUEST_WEIGHT', 'ORDERS', 'RAW_REQUESTS']),
      interval: z.enum(['SECOND', 'MINUTE', 'DAY']),
      intervalNum: int,
      limit: int,
    }),
  ),
  exchangeFilters: z.array(z.unknown()),
  symbols: z.array(
    z.object({
      symbol: z.string(),
      status: z.enum([
        'PRE_TRADING',
        'TRADING',
        'POST_TRADING',
        'END_OF_DAY',
        'HALT',
        'AUCTION_MATCH',
        'BREAK',
      ]),
      baseAsset: z.string(),
      baseAssetPrecision: int,
      quoteAsset: z.string(),
      quotePrecision: int,
      quoteAssetPrecision: int,
      baseCommissionPrecision: int,
      quoteCommissionPrecision: int,
      orderTypes: z.array(orderType),
      icebergAllowed: z.boolean(),
      ocoAllowed: z.boolean(),
      otoAllowed: z.boolean(),
      quoteOrderQtyMarketAllowed: z.boolean(),
      allowTrailingStop: z.boolean(),
      cancelReplaceAllowed: z.boolean(),
      isSpotTradingAllowed: z.boolean(),
      isMarginTradingAllowed: z.boolean(),
      filters: z.array(filter),
      permissions: z.array(z.string()),
      permissionSets: z.array(z.array(z.string())),
      defaultSelfTradePreventionMode: stp,
      allowedSelfTradePreventionModes: z.array(stp),
    }),
  ),
});

const level = z.tuple([dec, dec]);
const depth = z.strictObject({ lastUpdateId: int, bids: z.array(level), asks: z.array(level) });
const trade = z.strictObject({
  id: int,
  price: dec,
  qty: dec,
  quoteQty: dec,
  time: int,
  isBuyerMaker: z.boolean(),
  isBestMatch: z.boolean(),
});
const aggTrade = z.strictObject({
  a: int,
  p: dec,
  q: dec,
  f: int,
  l: int,
  T: int,
  m: z.boolean(),
  M: z.boolean(),
});
const kline = z.tuple([int, dec, dec, dec, dec, dec, int, dec, int, dec, dec, z.string()]);
const avgPrice = z.strictObject({ mins: int, price: dec, closeTime: int });
const ticker24 = z.strictObject({
  symbol: z.string(),
  priceChange: dec,
  priceChangePercent: z.string().regex(/^-?\d+\.\d+$/),
  weightedAvgPrice: dec,
  prevClosePrice: dec,
  lastPrice: dec,
  lastQty: dec,
  bidPrice: dec,
  bidQty: dec,
  askPrice: dec,
  askQty: dec,
  openPrice: dec,
  highPrice: dec,
  lowPrice: dec,
  volume: dec,
  quoteVolume: dec,
  openTime: int,
  closeTime: int,
  firstId: int,
  lastId: int,
  count: int,
});
const tickerMini = z.strictObject({
  symbol: z.string(),
  openPrice: dec,
  highPrice: dec,
  lowPrice: dec,
  lastPrice: dec,
  volume: dec,
  quoteVolume: dec,
  openTime: int,
  closeTime: int,
  firstId: int,
  lastId: int,
  count: int,
});
const tickerPrice = z.strictObject({ symbol: z.string(), price: dec });
const bookTicker = z.strictObject({
  symbol: z.string(),
  bidPrice: dec,
  bidQty: dec,
  askPrice: dec,
  askQty: dec,
});

const ack = z.strictObject({
  symbol: z.string(),
  orderId: int,
  orderListId: int,
  clientOrderId: z.string(),
  transactTime: int,
});
const result = ack.extend({
  price: dec,
  origQty: dec,
  executedQty: dec,
  origQuoteOrderQty: dec,
  cummulativeQuoteQty: dec,
  status: orderStatus,
  timeInForce: tif,
  type: orderType,
  side,
  workingTime: int,
  selfTradePreventionMode: stp,
  stopPrice: dec.optional(),
  trailingDelta: int.optional(),
});
const fill = z.strictObject({
  price: dec,
  qty: dec,
  commission: dec,
  commissionAsset: z.string(),
  tradeId: int,
});
const full = result.extend({ fills: z.array(fill) });
const queryOrder = z.strictObject({
  symbol: z.string(),
  orderId: int,
  orderListId: int,
  clientOrderId: z.string(),
  price: dec,
  origQty: dec,
  executedQty: dec,
  cummulativeQuoteQty: dec,
  status: orderStatus,
  timeInForce: tif,
  type: orderType,
  side,
  stopPrice: dec,
  trailingDelta: int.optional(),
  icebergQty: dec,
  time: int,
  updateTime: int,
  isWorking: z.boolean(),
  workingTime: int,
  origQuoteOrderQty: dec,
  selfTradePreventionMode: stp,
});
const cancel = z.strictObject({
  symbol: z.string(),
  origClientOrderId: z.string(),
  orderId: int,
  orderListId: int,
  clientOrderId: z.string(),
  transactTime: int,
  price: dec,
  origQty: dec,
  executedQty: dec,
  origQuoteOrderQty: dec,
  cummulativeQuoteQty: dec,
  status: orderStatus,
  timeInForce: tif,
  type: orderType,
  side,
  stopPrice: dec.optional(),
  trailingDelta: int.optional(),
  selfTradePreventionMode: stp,
});
const myTrade = z.strictObject({
  symbol: z.string(),
  id: int,
  orderId: int,
  orderListId: int,
  price: dec,
  qty: dec,
  quoteQty: dec,
  commission: dec,
  commissionAsset: z.string(),
  time: int,
  isBuyer: z.boolean(),
  isMaker: z.boolean(),
  isBestMatch: z.boolean(),
});
const account = z.strictObject({
  makerCommission: int,
  takerCommission: int,
  buyerCommission: int,
  sellerCommission: int,
  commissionRates: z.strictObject({ maker: dec, taker: dec, buyer: dec, seller: dec }),
  canTrade: z.boolean(),
  canWithdraw: z.boolean(),
  canDeposit: z.boolean(),
  brokered: z.boolean(),
  requireSelfTradePrevention: z.boolean(),
  preventSor: z.boolean(),
  updateTime: int,
  accountType: z.literal('SPOT'),
  balances: z.array(z.strictObject({ asset: z.string(), free: dec, locked: dec })),
  permissions: z.array(z.string()),
  uid: int,
});
const orderList = z.object({
  orderListId: int,
  contingencyType: z.literal('OCO'),
  listStatusType: z.enum(['RESPONSE', 'EXEC_STARTED', 'ALL_DONE']),
  listOrderStatus: z.enum(['EXECUTING', 'ALL_DONE', 'REJECT']),
  listClientOrderId: z.string(),
  transactionTime: int,
  symbol: z.string(),
  orders: z.array(z.strictObject({ symbol: z.string(), orderId: int, clientOrderId: z.string() })),
});

function check<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`${z.prettifyError(parsed.error)}\n${JSON.stringify(value, null, 1)}`);
  return parsed.data;
}

describe('Binance /api/v3 conformance (embedded)', () => {
  let b: BinanceTestPlatform;
  let maker: ApiKeyPair;
  let taker: ApiKeyPair;

  beforeAll(async () => {
    b = await startBinancePlatform('pglite');
    const m = await b.trader();
    const t = await b.trader();
    maker = m.key;
    taker = t.key;
    await b.fund(m.userId, 'BTC', 2 * 10 ** 8);
    await b.fund(t.userId, 'USDT', 100_000 * 10 ** 6);
    // A resting ask, a trade against part of it, and a resting bid: every market data view has data.
    const ask = await b.signed('POST', '/api/v3/order', maker, {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.5',
      price: '50000',
    });
    expect(ask.status, JSON.stringify(ask.body)).toBe(200);
    const buy = await b.signed('POST', '/api/v3/order', taker, {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: '0.1',
    });
    expect(buy.status, JSON.stringify(buy.body)).toBe(200);
    const bid = await b.signed('POST', '/api/v3/order', taker, {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.2',
      price: '49000.5',
    });
    expect(bid.status, JSON.stringify(bid.body)).toBe(200);
    await b.tp.projected();
  }, 60_000);
  afterAll(async () => {
    await b?.stop();
  });

  it('ping, time and exchangeInfo', async () => {
    expect((await b.call('GET', '/api/v3/ping')).body).toEqual({});
    const time = await b.call('GET', '/api/v3/time');
    expect(time.body).toEqual({ serverTime: b.tp.clock.nowMs() });
    const info = check(exchangeInfo, (await b.call('GET', '/api/v3/exchangeInfo')).body);
    expect(info.symbols.map((s) => s.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    const btc = info.symbols[0];
    expect(btc).toMatchObject({
      status: 'TRADING',
      baseAsset: 'BTC',
      baseAssetPrecision: 8,
      quoteAsset: 'USDT',
      quotePrecision: 6,
    });
    expect(btc?.filters).toEqual(
      expect.arrayContaining([
        {
          filterType: 'PRICE_FILTER',
          minPrice: '0.01000000',
          maxPrice: '1000000.00000000',
          tickSize: '0.01000000',
        },
        { filterType: 'LOT_SIZE', minQty: '0.00010000', maxQty: '100.00000000', stepSize: '0.00010000' },
        expect.objectContaining({ filterType: 'NOTIONAL', minNotional: '5.00000000' }),
        { filterType: 'MAX_NUM_ORDERS', maxNumOrders: 200 },
        { filterType: 'MAX_NUM_ALGO_ORDERS', maxNumAlgoOrders: 10 },
      ]),
    );
    const one = check(
      exchangeInfo,
      (await b.call('GET', '/api/v3/exchangeInfo', { symbol: 'ETHUSDT' })).body,
    );
    expect(one.symbols.map((s) => s.symbol)).toEqual(['ETHUSDT']);
    const some = check(
      exchangeInfo,
      (await b.call('GET', '/api/v3/exchangeInfo', { symbols: '["ETHUSDT","BTCUSDT"]' })).body,
    );
    expect(some.symbols).toHaveLength(2);
  });

  it('depth, trades, historicalTrades, aggTrades', async () => {
    const book = check(depth, (await b.call('GET', '/api/v3/depth', { symbol: 'BTCUSDT', limit: 5 })).body);
    expect(book.asks).toEqual([['50000.00000000', '0.40000000']]);
    expect(book.bids).toEqual([['49000.50000000', '0.20000000']]);
    expect(book.lastUpdateId).toBeGreaterThan(0);

    const trades = check(z.array(trade), (await b.call('GET', '/api/v3/trades', { symbol: 'BTCUSDT' })).body);
    expect(trades).toEqual([
      expect.objectContaining({
        price: '50000.00000000',
        qty: '0.10000000',
        quoteQty: '5000.00000000',
        isBuyerMaker: false,
      }),
    ]);
    const older = check(
      z.array(trade),
      (await b.call('GET', '/api/v3/historicalTrades', { symbol: 'BTCUSDT', fromId: 0, limit: 10 })).body,
    );
    expect(older).toEqual(trades);
    const aggs = check(
      z.array(aggTrade),
      (await b.call('GET', '/api/v3/aggTrades', { symbol: 'BTCUSDT' })).body,
    );
    expect(aggs).toEqual([
      {
        a: trades[0]?.id,
        p: '50000.00000000',
        q: '0.10000000',
        f: trades[0]?.id,
        l: trades[0]?.id,
        T: trades[0]?.time,
        m: false,
        M: true,
      },
    ]);
  });

  it('klines, avgPrice and tickers', async () => {
    const klines = check(
      z.array(kline),
      (await b.call('GET', '/api/v3/klines', { symbol: 'BTCUSDT', interval: '1m' })).body,
    );
    expect(klines).toHaveLength(1);
    expect(klines[0]?.slice(1, 6)).toEqual([
      '50000.00000000',
      '50000.00000000',
      '50000.00000000',
      '50000.00000000',
      '0.10000000',
    ]);
    const avg = check(avgPrice, (await b.call('GET', '/api/v3/avgPrice', { symbol: 'BTCUSDT' })).body);
    expect(avg).toMatchObject({ mins: 5, price: '50000.00000000' });

    const one = check(ticker24, (await b.call('GET', '/api/v3/ticker/24hr', { symbol: 'BTCUSDT' })).body);
    expect(one).toMatchObject({
      lastPrice: '50000.00000000',
      lastQty: '0.10000000',
      bidPrice: '49000.50000000',
      askPrice: '50000.00000000',
      askQty: '0.40000000',
      volume: '0.10000000',
      quoteVolume: '5000.00000000',
      weightedAvgPrice: '50000.00000000',
      count: 1,
    });
    check(z.array(ticker24), (await b.call('GET', '/api/v3/ticker/24hr')).body);
    check(
      z.array(tickerMini),
      (await b.call('GET', '/api/v3/ticker/24hr', { type: 'MINI', symbols: '["BTCUSDT"]' })).body,
    );
    expect(
      check(tickerPrice, (await b.call('GET', '/api/v3/ticker/price', { symbol: 'BTCUSDT' })).body),
    ).toEqual({
      symbol: 'BTCUSDT',
      price: '50000.00000000',
    });
    check(z.array(tickerPrice), (await b.call('GET', '/api/v3/ticker/price')).body);
    expect(
      check(bookTicker, (await b.call('GET', '/api/v3/ticker/bookTicker', { symbol: 'BTCUSDT' })).body),
    ).toEqual({
      symbol: 'BTCUSDT',
      bidPrice: '49000.50000000',
      bidQty: '0.20000000',
      askPrice: '50000.00000000',
      askQty: '0.40000000',
    });
    check(z.array(bookTicker), (await b.call('GET', '/api/v3/ticker/bookTicker')).body);
  });

  it('new order in ACK, RESULT and FULL; test order; query, open orders, all orders, cancel', async () => {
    const full1 = check(
      full,
      (
        await b.signed('POST', '/api/v3/order', taker, {
          symbol: 'BTCUSDT',
          side: 'BUY',
          type: 'LIMIT',
          timeInForce: 'IOC',
          quantity: '0.01',
          price: '50000',
        })
      ).body,
    );
    expect(full1).toMatchObject({
      status: 'FILLED',
      executedQty: '0.01000000',
      cummulativeQuoteQty: '500.00000000',
    });
    expect(full1.fills).toEqual([
      {
        price: '50000.00000000',
        qty: '0.01000000',
        commission: '1.00000000',
        commissionAsset: 'USDT',
        tradeId: expect.any(Number),
      },
    ]);
    const resting = check(
      result,
      (
        await b.signed('POST', '/api/v3/order', taker, {
          symbol: 'BTCUSDT',
          side: 'BUY',
          type: 'LIMIT',
          timeInForce: 'GTC',
          quantity: '0.01',
          price: '40000',
          newClientOrderId: 'my-order-1',
          newOrderRespType: 'RESULT',
        })
      ).body,
    );
    expect(resting).toMatchObject({ clientOrderId: 'my-order-1', status: 'NEW', price: '40000.00000000' });
    const acked = check(
      ack,
      (
        await b.signed('POST', '/api/v3/order', taker, {
          symbol: 'BTCUSDT',
          side: 'BUY',
          type: 'STOP_LOSS_LIMIT',
          timeInForce: 'GTC',
          quantity: '0.01',
          price: '60000',
          stopPrice: '59000',
        })
      ).body,
    );
    expect(acked.clientOrderId).toMatch(/^[A-Za-z0-9_-]{22}$/);

    expect(
      (
        await b.signed('POST', '/api/v3/order/test', taker, {
          symbol: 'BTCUSDT',
          side: 'BUY',
          type: 'LIMIT',
          timeInForce: 'GTC',
          quantity: '0.01',
          price: '40000',
        })
      ).body,
    ).toEqual({});
    const rates = await b.signed('POST', '/api/v3/order/test', taker, {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: '0.01',
      computeCommissionRates: 'true',
    });
    expect(rates.body).toEqual({
      standardCommissionForOrder: { maker: '0.00100000', taker: '0.00200000' },
      taxCommissionForOrder: { maker: '0.00000000', taker: '0.00000000' },
      discount: {
        enabledForAccount: false,
        enabledForSymbol: false,
        discountAsset: null,
        discount: '0.00000000',
      },
    });

    const byId = check(
      queryOrder,
      (await b.signed('GET', '/api/v3/order', taker, { symbol: 'BTCUSDT', orderId: resting.orderId })).body,
    );
    expect(byId).toMatchObject({
      orderId: resting.orderId,
      status: 'NEW',
      isWorking: true,
      origQty: '0.01000000',
    });
    const byClient = check(
      queryOrder,
      (await b.signed('GET', '/api/v3/order', taker, { symbol: 'BTCUSDT', origClientOrderId: 'my-order-1' }))
        .body,
    );
    expect(byClient.orderId).toBe(resting.orderId);
    const stop = check(
      queryOrder,
      (await b.signed('GET', '/api/v3/order', taker, { symbol: 'BTCUSDT', orderId: acked.orderId })).body,
    );
    expect(stop).toMatchObject({ type: 'STOP_LOSS_LIMIT', stopPrice: '59000.00000000', isWorking: false });

    const open = check(
      z.array(queryOrder),
      (await b.signed('GET', '/api/v3/openOrders', taker, { symbol: 'BTCUSDT' })).body,
    );
    expect(open.map((o) => o.orderId)).toEqual(expect.arrayContaining([resting.orderId, acked.orderId]));
    check(z.array(queryOrder), (await b.signed('GET', '/api/v3/openOrders', taker)).body);
    const all = check(
      z.array(queryOrder),
      (await b.signed('GET', '/api/v3/allOrders', taker, { symbol: 'BTCUSDT' })).body,
    );
    expect(all.map((o) => o.status)).toContain('FILLED');

    const cancelled = check(
      cancel,
      (
        await b.signed('DELETE', '/api/v3/order', taker, {
          symbol: 'BTCUSDT',
          origClientOrderId: 'my-order-1',
        })
      ).body,
    );
    expect(cancelled).toMatchObject({
      orderId: resting.orderId,
      origClientOrderId: 'my-order-1',
      status: 'CANCELED',
    });
    const rest = check(
      z.array(cancel),
      (await b.signed('DELETE', '/api/v3/openOrders', taker, { symbol: 'BTCUSDT' })).body,
    );
    expect(rest.map((o) => o.status)).toEqual(rest.map(() => 'CANCELED'));
    expect(rest.map((o) => o.orderId)).toContain(acked.orderId);
  });

  it('myTrades and account', async () => {
    const trades = check(
      z.array(myTrade),
      (await b.signed('GET', '/api/v3/myTrades', taker, { symbol: 'BTCUSDT' })).body,
    );
    expect(trades.length).toBeGreaterThanOrEqual(1);
    expect(trades[0]).toMatchObject({ isBuyer: true, isMaker: false, commissionAsset: 'USDT' });
    const first = trades[0];
    const ofOrder = check(
      z.array(myTrade),
      (await b.signed('GET', '/api/v3/myTrades', taker, { symbol: 'BTCUSDT', orderId: first?.orderId ?? 0 }))
        .body,
    );
    expect(ofOrder.map((t) => t.orderId)).toEqual([first?.orderId]);

    const info = check(account, (await b.signed('GET', '/api/v3/account', maker)).body);
    const btc = info.balances.find((x) => x.asset === 'BTC');
    // 2 BTC, 0.11 sold, 0.39 still offered.
    expect(btc).toEqual({ asset: 'BTC', free: '1.50000000', locked: '0.39000000' });
    expect(info.balances.map((x) => x.asset)).toEqual(['BTC', 'ETH', 'USDT']);
    const nonZero = check(
      account,
      (await b.signed('GET', '/api/v3/account', maker, { omitZeroBalances: 'true' })).body,
    );
    expect(nonZero.balances.map((x) => x.asset)).toEqual(['BTC', 'USDT']);
  });

  it('OCO order lists: place (both forms), query, list and cancel', async () => {
    const placed = await b.signed('POST', '/api/v3/order/oco', maker, {
      symbol: 'BTCUSDT',
      side: 'SELL',
      quantity: '0.1',
      price: '60000',
      stopPrice: '45000',
      stopLimitPrice: '44900',
      stopLimitTimeInForce: 'GTC',
      listClientOrderId: 'my-list-1',
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(200);
    const list = check(orderList.extend({ orderReports: z.array(result) }), placed.body);
    expect(list).toMatchObject({
      listClientOrderId: 'my-list-1',
      listStatusType: 'EXEC_STARTED',
      listOrderStatus: 'EXECUTING',
    });
    expect(list.orderReports.map((o) => o.type).sort()).toEqual(['LIMIT_MAKER', 'STOP_LOSS_LIMIT']);

    const queried = check(
      orderList,
      (await b.signed('GET', '/api/v3/orderList', maker, { origClientOrderId: 'my-list-1' })).body,
    );
    expect(queried.orderListId).toBe(list.orderListId);
    const next = await b.signed('POST', '/api/v3/orderList/oco', maker, {
      symbol: 'BTCUSDT',
      side: 'SELL',
      quantity: '0.1',
      aboveType: 'LIMIT_MAKER',
      abovePrice: '61000',
      belowType: 'STOP_LOSS',
      belowStopPrice: '44000',
    });
    expect(next.status, JSON.stringify(next.body)).toBe(200);
    const lists = check(z.array(orderList), (await b.signed('GET', '/api/v3/allOrderList', maker)).body);
    expect(lists).toHaveLength(2);

    const cancelled = await b.signed('DELETE', '/api/v3/orderList', maker, {
      symbol: 'BTCUSDT',
      orderListId: list.orderListId,
    });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    const done = check(orderList.extend({ orderReports: z.array(cancel) }), cancelled.body);
    expect(done.listOrderStatus).toBe('ALL_DONE');
    expect(done.orderReports.map((o) => o.status)).toEqual(['CANCELED', 'CANCELED']);
  });

  it('user data stream listen keys: create (same key again), keepalive, close', async () => {
    const headers = { 'X-MBX-APIKEY': maker.apiKey };
    const created = await b.call('POST', '/api/v3/userDataStream', {}, headers);
    expect(created.status).toBe(200);
    check(z.strictObject({ listenKey: z.string().regex(/^[A-Za-z0-9]{60}$/) }), created.body);
    const again = await b.call('POST', '/api/v3/userDataStream', {}, headers);
    expect(again.body).toEqual(created.body);
    const listenKey = created.body.listenKey as string;
    expect((await b.call('PUT', '/api/v3/userDataStream', { listenKey }, headers)).body).toEqual({});
    expect((await b.call('DELETE', '/api/v3/userDataStream', { listenKey }, headers)).body).toEqual({});
    const gone = await b.call('PUT', '/api/v3/userDataStream', { listenKey }, headers);
    expect(gone.body).toEqual({ code: -1125, msg: 'This listenKey does not exist.' });
    const anonymous = await b.call('POST', '/api/v3/userDataStream');
    expect(anonymous.body.code).toBe(-2014);
  });

  it('reports the used request weight on every response', async () => {
    const first = await b.call('GET', '/api/v3/ping');
    const used = Number(first.headers.get('x-mbx-used-weight-1m'));
    expect(used).toBeGreaterThan(0);
    const depth = await b.call('GET', '/api/v3/depth', { symbol: 'BTCUSDT', limit: 500 });
    expect(Number(depth.headers.get('x-mbx-used-weight-1m'))).toBe(used + 25);
    const refused = await b.call('GET', '/api/v3/depth', { symbol: 'NOPE' });
    expect(Number(refused.headers.get('x-mbx-used-weight-1m'))).toBe(used + 30);
  });
});
