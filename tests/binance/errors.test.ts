// Bad input on /api/v3 gets Binance's error code and message (errors.md), never a 500, and changes
// nothing; authentication failures from the platform's pipeline come back in Binance's shape too.
import { signRequest } from '@tradeloom/api-keys/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiKeyPair, type BinanceTestPlatform, startBinancePlatform } from './binance-test-platform.js';

describe('Binance /api/v3 error codes (embedded)', () => {
  let b: BinanceTestPlatform;
  let key: ApiKeyPair;
  let readOnly: ApiKeyPair;

  beforeAll(async () => {
    b = await startBinancePlatform('pglite');
    const trader = await b.trader();
    key = trader.key;
    readOnly = (await b.trader(['read'])).key;
    await b.fund(trader.userId, 'USDT', 1_000 * 10 ** 6);
    await b.fund(trader.userId, 'BTC', 10 ** 7);
  }, 60_000);
  afterAll(async () => {
    await b?.stop();
  });

  const limit = {
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'LIMIT',
    timeInForce: 'GTC',
    quantity: '0.01',
    price: '100',
  };
  const without = (name: string) => Object.fromEntries(Object.entries(limit).filter(([k]) => k !== name));

  it.each([
    [
      'missing symbol',
      '/api/v3/depth',
      {},
      -1102,
      "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
    ],
    ['lower-case symbol', '/api/v3/depth', { symbol: 'btcusdt' }, -1100, undefined],
    ['unknown symbol', '/api/v3/depth', { symbol: 'DOGEUSDT' }, -1121, 'Invalid symbol.'],
    ['limit not a number', '/api/v3/trades', { symbol: 'BTCUSDT', limit: 'ten' }, -1100, undefined],
    ['limit zero', '/api/v3/trades', { symbol: 'BTCUSDT', limit: 0 }, -1130, undefined],
    ['bad interval', '/api/v3/klines', { symbol: 'BTCUSDT', interval: '7m' }, -1120, 'Invalid interval.'],
    ['missing interval', '/api/v3/klines', { symbol: 'BTCUSDT' }, -1102, undefined],
    [
      'symbol and symbols',
      '/api/v3/ticker/price',
      { symbol: 'BTCUSDT', symbols: '["BTCUSDT"]' },
      -1128,
      undefined,
    ],
    ['symbols malformed', '/api/v3/ticker/price', { symbols: 'BTCUSDT' }, -1100, undefined],
    ['symbols unknown', '/api/v3/ticker/24hr', { symbols: '["BTCUSDT","XXXYYY"]' }, -1121, undefined],
    [
      'aggTrades over an hour',
      '/api/v3/aggTrades',
      { symbol: 'BTCUSDT', startTime: 0, endTime: 7_200_000 },
      -1127,
      undefined,
    ],
  ])('public: %s', async (_name, path, params, code, message) => {
    const answer = await b.call('GET', path, params as Record<string, string>);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe(code);
    if (message !== undefined) expect(answer.body.msg).toBe(message);
  });

  it('a parameter sent twice is -1101', async () => {
    const answer = await fetch(`${b.url}/api/v3/depth?symbol=BTCUSDT&symbol=ETHUSDT`);
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ code: -1101, msg: 'Duplicate values for a parameter detected.' });
  });

  it.each([
    [
      'no side',
      without('side'),
      -1102,
      "Mandatory parameter 'side' was not sent, was empty/null, or malformed.",
    ],
    ['bad side', { ...limit, side: 'HOLD' }, -1117, 'Invalid side.'],
    ['bad type', { ...limit, type: 'ICEBERG' }, -1116, 'Invalid orderType.'],
    ['bad timeInForce', { ...limit, timeInForce: 'GTX' }, -1115, 'Invalid timeInForce.'],
    ['LIMIT without timeInForce', without('timeInForce'), -1102, undefined],
    ['LIMIT without price', without('price'), -1102, undefined],
    [
      'MARKET with price',
      { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01', price: '100' },
      -1106,
      "Parameter 'price' sent when not required.",
    ],
    [
      'MARKET without amounts',
      { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET' },
      -1102,
      "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!",
    ],
    ['LIMIT with stopPrice', { ...limit, stopPrice: '90' }, -1106, undefined],
    ['iceberg', { ...limit, icebergQty: '0.005' }, -1106, undefined],
    ['price with letters', { ...limit, price: '1e5' }, -1100, undefined],
    [
      'price finer than the asset',
      { ...limit, price: '100.0000001' },
      -1111,
      'Precision is over the maximum defined for this asset.',
    ],
    ['price off the tick', { ...limit, price: '100.001' }, -1013, 'Filter failure: PRICE_FILTER'],
    ['quantity off the lot', { ...limit, quantity: '0.00001' }, -1013, 'Filter failure: LOT_SIZE'],
    ['price above the maximum', { ...limit, price: '2000000' }, -1013, 'Filter failure: PRICE_FILTER'],
    [
      'notional below the minimum',
      { ...limit, quantity: '0.0001', price: '100' },
      -1013,
      'Filter failure: NOTIONAL',
    ],
    [
      'more than the balance',
      { ...limit, quantity: '1', price: '10000' },
      -2010,
      'Account has insufficient balance for requested action.',
    ],
    ['bad client order id', { ...limit, newClientOrderId: 'has space' }, -1100, undefined],
    ['bad newOrderRespType', { ...limit, newOrderRespType: 'ALL' }, -1130, undefined],
    ['bad STP mode', { ...limit, selfTradePreventionMode: 'KEEP' }, -1130, undefined],
    ['unknown symbol', { ...limit, symbol: 'DOGEUSDT' }, -1121, 'Invalid symbol.'],
  ])('new order: %s', async (_name, params, code, message) => {
    const answer = await b.signed('POST', '/api/v3/order', key, params as Record<string, string>);
    expect(answer.status, JSON.stringify(answer.body)).toBe(400);
    expect(answer.body.code).toBe(code);
    if (message !== undefined) expect(answer.body.msg).toBe(message);
  });

  it('no order was placed by any of the refused requests', async () => {
    await b.tp.projected();
    expect((await b.signed('GET', '/api/v3/allOrders', key, { symbol: 'BTCUSDT' })).body).toEqual([]);
  });

  it('LIMIT_MAKER that would take, and a duplicate client order id, are -2010', async () => {
    const ask = await b.signed('POST', '/api/v3/order', key, {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.05',
      price: '200',
      newClientOrderId: 'dup-1',
    });
    expect(ask.status, JSON.stringify(ask.body)).toBe(200);
    const maker = await b.signed('POST', '/api/v3/order', key, {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT_MAKER',
      quantity: '0.05',
      price: '200',
    });
    expect(maker.body).toEqual({ code: -2010, msg: 'Order would immediately match and take.' });
    const again = await b.signed('POST', '/api/v3/order', key, {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.05',
      price: '201',
      newClientOrderId: 'dup-1',
    });
    expect(again.body).toEqual({ code: -2010, msg: 'Duplicate order sent.' });
  });

  it('query and cancel of an unknown order: -2013 and -2011', async () => {
    const query = await b.signed('GET', '/api/v3/order', key, { symbol: 'BTCUSDT', orderId: 999_999 });
    expect(query.body).toEqual({ code: -2013, msg: 'Order does not exist.' });
    const cancel = await b.signed('DELETE', '/api/v3/order', key, { symbol: 'BTCUSDT', orderId: 999_999 });
    expect(cancel.body).toEqual({ code: -2011, msg: 'Unknown order sent.' });
    const neither = await b.signed('GET', '/api/v3/order', key, { symbol: 'BTCUSDT' });
    expect(neither.body).toEqual({
      code: -1102,
      msg: "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!",
    });
  });

  it('authentication failures in Binance shape: -2014, -2015, -1022, -1021, -1102', async () => {
    const noKey = await b.call('GET', '/api/v3/account', { timestamp: b.tp.clock.nowMs(), signature: 'ab' });
    expect(noKey.status).toBe(401);
    expect(noKey.body).toEqual({ code: -2014, msg: 'API-key format invalid.' });
    const malformed = await b.call(
      'GET',
      '/api/v3/account',
      { timestamp: 1, signature: 'ab' },
      { 'X-MBX-APIKEY': 'short' },
    );
    expect(malformed.body.code).toBe(-2014);
    const unknown = await b.call(
      'GET',
      '/api/v3/account',
      { timestamp: b.tp.clock.nowMs(), signature: 'ab' },
      { 'X-MBX-APIKEY': 'A'.repeat(64) },
    );
    expect(unknown.body).toEqual({ code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' });

    const wrongSecret = signRequest({
      apiKey: key.apiKey,
      secret: 'not-the-secret',
      timestamp: b.tp.clock.nowMs(),
    });
    const bad = await fetch(wrongSecret.urlFor(`${b.url}/api/v3/account`), { headers: wrongSecret.headers });
    expect(await bad.json()).toEqual({ code: -1022, msg: 'Signature for this request is not valid.' });

    const stale = signRequest({
      apiKey: key.apiKey,
      secret: key.secret,
      timestamp: b.tp.clock.nowMs() - 60_000,
    });
    const late = await fetch(stale.urlFor(`${b.url}/api/v3/account`), { headers: stale.headers });
    expect(((await late.json()) as { code: number }).code).toBe(-1021);

    const unsigned = await b.call(
      'GET',
      '/api/v3/account',
      { timestamp: b.tp.clock.nowMs() },
      { 'X-MBX-APIKEY': key.apiKey },
    );
    expect(unsigned.body).toEqual({
      code: -1102,
      msg: "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.",
    });
    const noTimestamp = await b.call(
      'GET',
      '/api/v3/account',
      { signature: 'ab' },
      { 'X-MBX-APIKEY': key.apiKey },
    );
    expect(noTimestamp.body.code).toBe(-1102);
  });

  it('a key without the spot_trade scope cannot trade: -2015', async () => {
    const answer = await b.signed('POST', '/api/v3/order', readOnly, limit);
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' });
    expect((await b.signed('GET', '/api/v3/account', readOnly)).status).toBe(200);
  });

  it('unknown /api/v3 paths answer 404 in Binance shape', async () => {
    const answer = await b.call('GET', '/api/v3/nothing');
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe(-1000);
  });

  it('beyond the request weight limit: 429 and -1003 until the next minute', async () => {
    let last = await b.call('GET', '/api/v3/depth', { symbol: 'BTCUSDT', limit: 5000 });
    for (let i = 0; i < 30 && last.status === 200; i++) {
      last = await b.call('GET', '/api/v3/depth', { symbol: 'BTCUSDT', limit: 5000 });
    }
    expect(last.status).toBe(429);
    expect(last.body.code).toBe(-1003);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(last.headers.get('x-mbx-used-weight-1m'))).toBeGreaterThan(6000);
    b.tp.clock.advance(60_000);
    expect((await b.call('GET', '/api/v3/ping')).status).toBe(200);
  });
});
