// The spot exchange over HTTP on the assembled platform (both modes): an admin creates a market, two
// users trade on it through /api/v1/spot, and the book, orders, trades, candles and tickers agree.
import { bothModes } from '@tradeloom/db/testing';
import type { SignedInUser } from '@tradeloom/identity/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBtcUsdtMarket, fundSpot } from '../support/spot-setup.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

interface Order {
  orderId: number;
  status: string;
  executedQty: string;
  cummulativeQuoteQty: string;
  price: string;
  fees: string;
}

describe.each(bothModes)('spot orders on %s', (mode) => {
  let tp: TestPlatform;
  let admin: SignedInUser;
  let alice: SignedInUser;
  let bob: SignedInUser;

  const fund = (user: SignedInUser, asset: string, amount: number) => fundSpot(tp, user, asset, amount);

  beforeAll(async () => {
    tp = await startTestPlatform(mode);
    admin = await tp.admin();
    alice = await tp.user({ totp: false });
    bob = await tp.user({ totp: false });
    const market = await createBtcUsdtMarket(admin, {
      tickSize: '0.01',
      lotSize: '0.0001',
      minPrice: '0.01',
      maxPrice: '1000000',
      minQty: '0.0001',
      maxQty: '100',
      minNotional: '5',
      makerFee: '0.001',
      takerFee: '0.002',
    });
    expect(market).toMatchObject({ symbol: 'BTCUSDT', lotUnits: 10_000, tickQuoteUnits: 1 });
    await fund(alice, 'BTC', 2 * 10 ** 8);
    await fund(bob, 'USDT', 200_000 * 10 ** 6);
  }, 60_000);
  afterAll(async () => {
    await tp?.stop();
  });

  it('matches a limit sell with a market buy and reports fills, fees and the book', async () => {
    const sell = await alice.browser.json<{ order: Order }>('POST', '/api/v1/spot/orders', {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'LIMIT',
      timeInForce: 'GTC',
      price: '50000.00',
      quantity: '0.5',
      clientOrderId: 'alice-1',
    });
    expect(sell.status, JSON.stringify(sell.body)).toBe(201);
    expect(sell.body.order).toMatchObject({ status: 'NEW', price: '50000.00', executedQty: '0' });

    const book = await fetch(`${tp.url}/api/v1/spot/markets/BTCUSDT/book?depth=5`);
    expect(await book.json()).toEqual({ symbol: 'BTCUSDT', bids: [], asks: [['50000.00', '0.5000']] });

    const buy = await bob.browser.json<{
      order: Order;
      fills: { price: string; qty: string; commission: string }[];
    }>('POST', '/api/v1/spot/orders', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.2' });
    expect(buy.status, JSON.stringify(buy.body)).toBe(201);
    expect(buy.body.order).toMatchObject({
      status: 'FILLED',
      executedQty: '0.2000',
      cummulativeQuoteQty: '10000.000000',
    });
    // Taker fee 0.2% of 10,000 USDT.
    expect(buy.body.fills).toEqual([
      {
        tradeId: expect.any(Number),
        price: '50000.00',
        qty: '0.2000',
        commission: '20.000000',
        commissionAsset: 'USDT',
      },
    ]);

    await tp.projected();
    const open = await alice.browser.json<{ orders: Order[] }>(
      'GET',
      '/api/v1/spot/orders?symbol=BTCUSDT&open=true',
    );
    expect(open.body.orders).toHaveLength(1);
    expect(open.body.orders[0]).toMatchObject({
      status: 'PARTIALLY_FILLED',
      executedQty: '0.2000',
      fees: '10.000000',
    });
    const byClientId = await alice.browser.json<Order>(
      'GET',
      '/api/v1/spot/orders/one?symbol=BTCUSDT&clientOrderId=alice-1',
    );
    expect(byClientId.body.orderId).toBe(sell.body.order.orderId);

    const trades = (await (await fetch(`${tp.url}/api/v1/spot/markets/BTCUSDT/trades`)).json()) as {
      trades: unknown[];
    };
    expect(trades.trades).toEqual([
      {
        id: expect.any(Number),
        price: '50000.00',
        qty: '0.2000',
        quoteQty: '10000.000000',
        time: expect.any(Number),
        isBuyerMaker: false,
      },
    ]);
    const mine = await bob.browser.json<{
      trades: { isBuyer: boolean; isMaker: boolean; commission: string }[];
    }>('GET', '/api/v1/spot/my-trades?symbol=BTCUSDT');
    expect(mine.body.trades).toMatchObject([{ isBuyer: true, isMaker: false, commission: '20.000000' }]);
    const candles = (await (
      await fetch(`${tp.url}/api/v1/spot/markets/BTCUSDT/candles?interval=1m`)
    ).json()) as {
      candles: { open: string; close: string; volume: string; trades: number }[];
    };
    expect(candles.candles).toMatchObject([
      { open: '50000.00', close: '50000.00', volume: '0.20000000', trades: 1 },
    ]);
    const tickers = (await (await fetch(`${tp.url}/api/v1/spot/tickers?symbol=BTCUSDT`)).json()) as {
      tickers: { lastPrice: string; count: number; priceChangePercent: string }[];
    };
    expect(tickers.tickers).toMatchObject([{ lastPrice: '50000.00', count: 1, priceChangePercent: '0.000' }]);
  });

  it('cancels by client id and all at once, releasing the holds', async () => {
    const cancelled = await alice.browser.json<{ order: Order }>('POST', '/api/v1/spot/orders/cancel', {
      symbol: 'BTCUSDT',
      clientOrderId: 'alice-1',
    });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body.order).toMatchObject({ status: 'CANCELED', executedQty: '0.2000' });
    for (const price of ['60000.00', '61000.00']) {
      const placed = await alice.browser.json('POST', '/api/v1/spot/orders', {
        symbol: 'BTCUSDT',
        side: 'SELL',
        type: 'LIMIT',
        price,
        quantity: '0.1',
      });
      expect(placed.status).toBe(201);
    }
    // Placed and cancelled at once: the answer is the placed order, now CANCELED.
    const quick = await alice.browser.json<{ order: Order }>('POST', '/api/v1/spot/orders', {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'LIMIT',
      price: '62000.00',
      quantity: '0.1',
    });
    const quickCancel = await alice.browser.json<{ order: Order }>('POST', '/api/v1/spot/orders/cancel', {
      symbol: 'BTCUSDT',
      orderId: quick.body.order.orderId,
    });
    expect(quickCancel.status).toBe(200);
    expect(quickCancel.body.order).toMatchObject({
      orderId: quick.body.order.orderId,
      status: 'CANCELED',
      price: '62000.00',
      executedQty: '0',
    });
    await tp.projected();
    const all = await alice.browser.json<{ orders: Order[] }>('POST', '/api/v1/spot/orders/cancel-all', {
      symbol: 'BTCUSDT',
    });
    expect(all.body.orders.map((o) => o.status)).toEqual(['CANCELED', 'CANCELED']);
    const accountNo = await tp.running.platform.wallet.engineAccountOf(alice.userId);
    const balances = await tp.running.engine.query<{ asset: string; held: number; available: number }[]>({
      query: 'balances',
      user: accountNo,
    });
    expect(balances.find((b) => b.asset === 'BTC')).toMatchObject({
      held: 0,
      available: 2 * 10 ** 8 - 20_000_000,
    });
  });

  it('refuses bad orders with a code and leaves nothing behind', async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ price: '50000.001', quantity: '0.1' }, 400, 'SPOT_PRICE_INVALID'],
      [{ price: '50000', quantity: '0.00001' }, 400, 'SPOT_QUANTITY_INVALID'],
      [{ price: '5e4', quantity: '0.1' }, 400, 'VALIDATION_FAILED'],
      [{ price: '1.00', quantity: '0.0001' }, 409, 'SPOT_ORDER_REJECTED'],
      [{ price: '50000', quantity: '1000' }, 409, 'SPOT_ORDER_REJECTED'],
      [{ symbol: 'NOPEUSDT', price: '1', quantity: '1' }, 404, 'SPOT_MARKET_NOT_FOUND'],
    ];
    for (const [fields, status, code] of cases) {
      const answer = await bob.browser.json<{ code: string; details?: { engineCode?: string } }>(
        'POST',
        '/api/v1/spot/orders',
        {
          symbol: 'BTCUSDT',
          side: 'BUY',
          type: 'LIMIT',
          timeInForce: 'GTC',
          ...fields,
        },
      );
      expect(answer.status, JSON.stringify(fields)).toBe(status);
      expect(answer.body.code).toBe(code);
    }
    const unknown = await bob.browser.json('POST', '/api/v1/spot/orders/cancel', {
      symbol: 'BTCUSDT',
      orderId: 999_999,
    });
    expect(unknown.status).toBe(404);
    await tp.projected();
    const open = await bob.browser.json<{ orders: Order[] }>('GET', '/api/v1/spot/orders?open=true');
    expect(open.body.orders).toEqual([]);
  });

  it('keeps admin market routes for admins and order routes for signed-in users', async () => {
    const asUser = await alice.browser.json('PATCH', '/api/v1/admin/spot/markets/BTCUSDT', {
      status: 'HALTED',
    });
    expect(asUser.status).toBe(403);
    const anonymous = await fetch(`${tp.url}/api/v1/spot/orders`);
    expect(anonymous.status).toBe(401);
    const halted = await admin.browser.json('PATCH', '/api/v1/admin/spot/markets/BTCUSDT', {
      status: 'HALTED',
    });
    expect(halted.status).toBe(200);
    const refused = await bob.browser.json<{ details: { engineCode: string } }>(
      'POST',
      '/api/v1/spot/orders',
      {
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'LIMIT',
        timeInForce: 'GTC',
        price: '100.00',
        quantity: '0.1',
      },
    );
    expect(refused.status).toBe(409);
    expect(refused.body.details.engineCode).toBe('MARKET_HALTED');
  });
});
