// /api/v3 in server mode (PostgreSQL, Redis, the engine over its socket with its projector): the
// read-your-writes path (orders read from the projection right after the engine acknowledged them),
// the depth snapshot's sequence, balances over the engine client, listen keys in PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiKeyPair, type BinanceTestPlatform, startBinancePlatform } from './binance-test-platform.js';

describe('Binance /api/v3 in server mode (postgres)', () => {
  let b: BinanceTestPlatform;
  let key: ApiKeyPair;

  beforeAll(async () => {
    b = await startBinancePlatform('postgres');
    const trader = await b.trader();
    key = trader.key;
    await b.fund(trader.userId, 'USDT', 10_000 * 10 ** 6);
    await b.fund(trader.userId, 'BTC', 10 ** 8);
  }, 60_000);
  afterAll(async () => {
    await b?.stop();
  });

  it('places, reads at once, trades, cancels; depth ids follow the engine', async () => {
    const before = (await b.call('GET', '/api/v3/depth', { symbol: 'BTCUSDT' })).body.lastUpdateId as number;
    const placed: number[] = [];
    for (const price of ['20000', '20000.5', '21000']) {
      const answer = await b.signed('POST', '/api/v3/order', key, {
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'LIMIT',
        timeInForce: 'GTC',
        quantity: '0.01',
        price,
        newOrderRespType: 'ACK',
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      placed.push(answer.body.orderId);
      // Asked right away: the answer waits for the projection to hold the order.
      const query = await b.signed('GET', '/api/v3/order', key, {
        symbol: 'BTCUSDT',
        orderId: answer.body.orderId,
      });
      expect(query.body).toMatchObject({ orderId: answer.body.orderId, status: 'NEW' });
    }
    const depth = await b.call('GET', '/api/v3/depth', { symbol: 'BTCUSDT' });
    expect(depth.body.lastUpdateId).toBeGreaterThanOrEqual(before + 3);
    expect(depth.body.bids).toEqual([
      ['21000.00000000', '0.01000000'],
      ['20000.50000000', '0.01000000'],
      ['20000.00000000', '0.01000000'],
    ]);

    const sell = await b.signed('POST', '/api/v3/order', key, {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'MARKET',
      quantity: '0.01',
      selfTradePreventionMode: 'NONE',
    });
    expect(sell.body).toMatchObject({
      status: 'FILLED',
      fills: [expect.objectContaining({ price: '21000.00000000' })],
    });
    const trades = await b.signed('GET', '/api/v3/myTrades', key, { symbol: 'BTCUSDT' });
    // A self-trade is one row, from the buy side (the spot module's choice; Binance lists it twice).
    expect(trades.body).toHaveLength(1);

    const open = await b.signed('GET', '/api/v3/openOrders', key, { symbol: 'BTCUSDT' });
    expect(open.body.map((o: { orderId: number }) => o.orderId).sort()).toEqual(placed.slice(0, 2).sort());
    const cancelled = await b.signed('DELETE', '/api/v3/openOrders', key, { symbol: 'BTCUSDT' });
    expect(cancelled.body.map((o: { status: string }) => o.status)).toEqual(['CANCELED', 'CANCELED']);
    const account = await b.signed('GET', '/api/v3/account', key, { omitZeroBalances: 'true' });
    expect(account.body.balances).toEqual([
      { asset: 'BTC', free: '1.00000000', locked: '0.00000000' },
      // 10,000 - the fees of both sides of the self-trade of 210 USDT (maker 0.1%, taker 0.2%).
      { asset: 'USDT', free: '9999.37000000', locked: '0.00000000' },
    ]);
  });

  it('listen keys and error codes', async () => {
    const headers = { 'X-MBX-APIKEY': key.apiKey };
    const created = await b.call('POST', '/api/v3/userDataStream', {}, headers);
    expect(created.body.listenKey).toMatch(/^[A-Za-z0-9]{60}$/);
    expect(
      (await b.call('PUT', '/api/v3/userDataStream', { listenKey: created.body.listenKey }, headers)).body,
    ).toEqual({});
    const bad = await b.signed('POST', '/api/v3/order', key, {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '100',
      price: '100000',
    });
    expect(bad.body).toEqual({ code: -2010, msg: 'Account has insufficient balance for requested action.' });
  });
});
