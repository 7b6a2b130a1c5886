// A popular open-source client library (ccxt's binance exchange), used as a user would, against
// Tradeloom: only its URLs are pointed here, and its calls to Binance's other APIs (sapi, futures)
// are turned off. It loads markets, reads the book and a ticker, places, fetches and cancels a limit
// order, and reads the balance.
import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiKeyPair, type BinanceTestPlatform, startBinancePlatform } from './binance-test-platform.js';

describe('ccxt binance against Tradeloom (embedded)', () => {
  let b: BinanceTestPlatform;
  let key: ApiKeyPair;
  let clockTimer: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    b = await startBinancePlatform('pglite');
    const trader = await b.trader();
    key = trader.key;
    await b.fund(trader.userId, 'USDT', 10_000 * 10 ** 6);
    const maker = await b.trader();
    await b.fund(maker.userId, 'BTC', 10 ** 8);
    const ask = await b.signed('POST', '/api/v3/order', maker.key, {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.5',
      price: '30000',
    });
    expect(ask.status, JSON.stringify(ask.body)).toBe(200);
    // ccxt stamps requests with the real time: the platform's clock follows it during this test.
    clockTimer = setInterval(() => b.tp.clock.set(Math.max(b.tp.clock.nowMs(), Date.now())), 5);
  }, 60_000);
  afterAll(async () => {
    if (clockTimer !== undefined) clearInterval(clockTimer);
    await b?.stop();
  });

  it('loads markets, reads the book and ticker, places, fetches and cancels an order, reads the balance', async () => {
    const api = `${b.url}/api/v3`;
    const exchange = new ccxt.binance({
      apiKey: key.apiKey,
      secret: key.secret,
      enableRateLimit: false,
      urls: { api: { public: api, private: api, v1: `${b.url}/api/v1` } },
      options: {
        fetchMarkets: { types: ['spot'] },
        fetchCurrencies: false,
        fetchMargins: false,
        defaultType: 'spot',
      },
    });

    const markets = await exchange.loadMarkets();
    const market = markets['BTC/USDT'];
    expect(market).toMatchObject({ id: 'BTCUSDT', base: 'BTC', quote: 'USDT', spot: true, active: true });
    expect(market?.precision).toMatchObject({ price: 0.01, amount: 0.0001 });
    expect(market?.limits.cost?.min).toBe(5);

    const book = await exchange.fetchOrderBook('BTC/USDT', 5);
    expect(book.asks).toEqual([[30000, 0.5]]);
    expect(book.bids).toEqual([]);
    expect(book.nonce).toBeGreaterThan(0);

    const ticker = await exchange.fetchTicker('BTC/USDT');
    expect(ticker).toMatchObject({ symbol: 'BTC/USDT', ask: 30000, askVolume: 0.5 });

    const order = await exchange.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 25000);
    expect(order).toMatchObject({
      symbol: 'BTC/USDT',
      type: 'limit',
      side: 'buy',
      price: 25000,
      amount: 0.01,
      status: 'open',
    });
    const orderId = order.id ?? '';
    expect(orderId).toMatch(/^\d+$/);

    const fetched = await exchange.fetchOrder(orderId, 'BTC/USDT');
    expect(fetched).toMatchObject({ id: order.id, status: 'open', filled: 0, remaining: 0.01 });
    const open = await exchange.fetchOpenOrders('BTC/USDT');
    expect(open.map((o) => o.id)).toEqual([order.id]);

    const balance = await exchange.fetchBalance();
    // The hold covers the price and the taker fee at most (0.2%).
    expect(balance.USDT).toMatchObject({ free: 9749.5, used: 250.5, total: 10000 });

    const cancelled = await exchange.cancelOrder(orderId, 'BTC/USDT');
    expect(cancelled).toMatchObject({ id: order.id, status: 'canceled' });
    expect(await exchange.fetchOpenOrders('BTC/USDT')).toEqual([]);

    // A market buy that fills against the resting ask, then the trade from both sides' views.
    const bought = await exchange.createOrder('BTC/USDT', 'market', 'buy', 0.02);
    expect(bought).toMatchObject({ status: 'closed', filled: 0.02, average: 30000 });
    const trades = await exchange.fetchMyTrades('BTC/USDT');
    expect(trades.map((t) => [t.side, t.price, t.amount])).toEqual([['buy', 30000, 0.02]]);
    const after = await exchange.fetchBalance();
    expect(after.BTC).toMatchObject({ free: 0.02, total: 0.02 });

    // Errors arrive as ccxt's typed exceptions, from Binance's codes.
    await expect(exchange.createOrder('BTC/USDT', 'limit', 'buy', 10, 29000)).rejects.toBeInstanceOf(
      ccxt.InsufficientFunds,
    );
    await expect(exchange.fetchOrder('999999', 'BTC/USDT')).rejects.toBeInstanceOf(ccxt.OrderNotFound);
  }, 60_000);
});
