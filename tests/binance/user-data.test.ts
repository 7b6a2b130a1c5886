// The legacy user data stream (/ws/<listenKey>, /stream?streams=<listenKey>) on the assembled
// platform, both modes (server mode: the events ride the engine's Redis feed to the API process):
// a user places, is partly filled by another user, cancels; the stream carries executionReports
// with Binance's fields and cumulative figures, outboundAccountPosition equal to /api/v3/account,
// balanceUpdate on a deposit; nothing of another user; listenKeyExpired after 60 minutes without
// keepalive, while a kept-alive key's stream lives on.
import { bothModes } from '@tradeloom/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamClient, wsUrl } from '../market-stream/stream-client.js';
import { type ApiKeyPair, type BinanceTestPlatform, startBinancePlatform } from './binance-test-platform.js';

// biome-ignore lint/suspicious/noExplicitAny: Binance's JSON payloads, checked field by field
type Payload = Record<string, any>;

const MINUTE = 60_000;

describe.each(bothModes)('Binance user data stream on %s', (mode) => {
  let b: BinanceTestPlatform;
  let alice: { userId: string; key: ApiKeyPair };
  let bob: { userId: string; key: ApiKeyPair };
  let aliceKey: string;
  let bobKey: string;
  let aliceStream: StreamClient;
  let bobStream: StreamClient;
  const aliceOrders = new Set<number>();
  const bobOrders = new Set<number>();

  const listenKey = async (key: ApiKeyPair) => {
    const answer = await b.call('POST', '/api/v3/userDataStream', {}, { 'X-MBX-APIKEY': key.apiKey });
    expect(answer.status).toBe(200);
    return answer.body.listenKey as string;
  };
  const events = (client: StreamClient): Payload[] =>
    client.messages.map((m) => ((m as Payload).data ?? m) as Payload);
  const waitForEvent = async (client: StreamClient, test: (e: Payload) => boolean, what: string) => {
    await client.waitFor(() => events(client).some(test), 10_000, what);
    return events(client).find(test) as Payload;
  };

  beforeAll(async () => {
    b = await startBinancePlatform(mode);
    alice = await b.trader();
    bob = await b.trader();
    await b.fund(alice.userId, 'USDT', 10_000 * 10 ** 6);
    await b.fund(bob.userId, 'BTC', 10 ** 8);
    aliceKey = await listenKey(alice.key);
    bobKey = await listenKey(bob.key);
    aliceStream = await StreamClient.open(wsUrl(b.url, `/ws/${aliceKey}`));
    bobStream = await StreamClient.open(wsUrl(b.url, `/stream?streams=btcusdt@trade/${bobKey}`));
    const userData = b.tp.running.platform.marketStream.userData;
    // Binance acknowledges nothing on connect: wait until both keys are resolved to their users.
    const deadline = Date.now() + 10_000;
    while (userData.stats().listenKeyStreams < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(userData.stats().listenKeyStreams).toBe(2);
  }, 90_000);

  afterAll(async () => {
    aliceStream?.close();
    bobStream?.close();
    await b?.stop();
  });

  it('sends balanceUpdate and outboundAccountPosition on a deposit', async () => {
    await b.fund(alice.userId, 'USDT', 250 * 10 ** 6);
    const update = await waitForEvent(aliceStream, (e) => e.e === 'balanceUpdate', 'balanceUpdate');
    expect(update).toEqual({
      e: 'balanceUpdate',
      E: expect.any(Number),
      a: 'USDT',
      d: '250.00000000',
      T: expect.any(Number),
    });
    const position = await waitForEvent(aliceStream, (e) => e.e === 'outboundAccountPosition', 'position');
    expect(position).toEqual({
      e: 'outboundAccountPosition',
      E: expect.any(Number),
      u: expect.any(Number),
      B: [{ a: 'USDT', f: '10250.00000000', l: '0.00000000' }],
    });
  });

  it('reports NEW, TRADE (partial fill by another user) and CANCELED with cumulative figures', async () => {
    const placed = await b.signed('POST', '/api/v3/order', alice.key, {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.01',
      price: '20000',
      newClientOrderId: 'alice-buy-1',
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(200);
    const orderId = placed.body.orderId as number;
    aliceOrders.add(orderId);
    const reportOf = (x: string) => (e: Payload) => e.e === 'executionReport' && e.i === orderId && e.x === x;

    const created = await waitForEvent(aliceStream, reportOf('NEW'), 'NEW');
    expect(created).toEqual({
      e: 'executionReport',
      E: expect.any(Number),
      s: 'BTCUSDT',
      c: 'alice-buy-1',
      S: 'BUY',
      o: 'LIMIT',
      f: 'GTC',
      q: '0.01000000',
      p: '20000.00000000',
      P: '0.00000000',
      F: '0.00000000',
      g: -1,
      C: '',
      x: 'NEW',
      X: 'NEW',
      r: 'NONE',
      i: orderId,
      l: '0.00000000',
      z: '0.00000000',
      L: '0.00000000',
      n: '0',
      N: null,
      T: expect.any(Number),
      t: -1,
      I: expect.any(Number),
      w: true,
      m: false,
      M: false,
      O: expect.any(Number),
      Z: '0.00000000',
      Y: '0.00000000',
      Q: '0.00000000',
      W: created.O,
      V: expect.any(String),
    });

    const sold = await b.signed('POST', '/api/v3/order', bob.key, {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'MARKET',
      quantity: '0.004',
    });
    expect(sold.status, JSON.stringify(sold.body)).toBe(200);
    bobOrders.add(sold.body.orderId);
    const trade = await waitForEvent(aliceStream, reportOf('TRADE'), 'TRADE');
    expect(trade).toMatchObject({
      X: 'PARTIALLY_FILLED',
      l: '0.00400000',
      z: '0.00400000',
      L: '20000.00000000',
      Y: '80.00000000',
      Z: '80.00000000',
      // Maker fee 0.1% of 80 USDT, in the quote asset.
      n: '0.08000000',
      N: 'USDT',
      m: true,
      t: expect.any(Number),
    });
    expect(trade.t).toBeGreaterThan(0);

    const cancelled = await b.signed('DELETE', '/api/v3/order', alice.key, { symbol: 'BTCUSDT', orderId });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    const cancel = await waitForEvent(aliceStream, reportOf('CANCELED'), 'CANCELED');
    expect(cancel).toMatchObject({
      X: 'CANCELED',
      C: 'alice-buy-1',
      z: '0.00400000',
      Z: '80.00000000',
      l: '0.00000000',
      t: -1,
    });
    // In command order: NEW, TRADE, CANCELED.
    const reports = events(aliceStream).filter((e) => e.e === 'executionReport' && e.i === orderId);
    expect(reports.map((e) => e.x)).toEqual(['NEW', 'TRADE', 'CANCELED']);

    // The taker's own report on the other stream: filled at once, taker fee 0.2%.
    const bobTrade = await waitForEvent(
      bobStream,
      (e) => e.e === 'executionReport' && e.i === sold.body.orderId && e.x === 'TRADE',
      "bob's TRADE",
    );
    expect(bobTrade).toMatchObject({ S: 'SELL', o: 'MARKET', X: 'FILLED', m: false, n: '0.16000000' });
    const bobMessage = bobStream.messages.find(
      (m) => (m as Payload).data?.i === sold.body.orderId,
    ) as Payload;
    expect(bobMessage.stream).toBe(bobKey);

    // The last account position equals /api/v3/account.
    await aliceStream.waitFor(
      () => {
        const positions = events(aliceStream).filter((e) => e.e === 'outboundAccountPosition');
        return positions.at(-1)?.B.some((x: Payload) => x.a === 'USDT' && x.l === '0.00000000') ?? false;
      },
      10_000,
      'position after the cancel',
    );
    const latest = new Map<string, Payload>();
    for (const e of events(aliceStream)) {
      if (e.e === 'outboundAccountPosition') for (const x of e.B) latest.set(x.a, x);
    }
    const account = await b.signed('GET', '/api/v3/account', alice.key, { omitZeroBalances: 'true' });
    for (const balance of account.body.balances) {
      expect(latest.get(balance.asset)).toEqual({ a: balance.asset, f: balance.free, l: balance.locked });
    }
    expect(latest.get('BTC')?.f).toBe('0.00400000');
  });

  it("never carries another user's events", async () => {
    for (const e of events(aliceStream)) {
      if (e.e === 'executionReport') expect(aliceOrders.has(e.i)).toBe(true);
    }
    for (const e of events(bobStream)) {
      if (e.e === 'executionReport') expect(bobOrders.has(e.i)).toBe(true);
    }
    // Bob's balance events name his assets only (he never held USDT before his sale).
    const bobBalances = events(bobStream).filter((e) => e.e === 'balanceUpdate');
    expect(bobBalances.every((e) => e.a !== 'USDT' || e.d !== '250.00000000')).toBe(true);
  });

  it('sends listStatus for an OCO: EXEC_STARTED when placed, ALL_DONE when cancelled', async () => {
    const placed = await b.signed('POST', '/api/v3/order/oco', alice.key, {
      symbol: 'BTCUSDT',
      side: 'SELL',
      quantity: '0.004',
      price: '30000',
      stopPrice: '15000',
      listClientOrderId: 'alice-oco',
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(200);
    const listId = placed.body.orderListId as number;
    for (const o of placed.body.orders) aliceOrders.add(o.orderId);
    const started = await waitForEvent(
      aliceStream,
      (e) => e.e === 'listStatus' && e.l === 'EXEC_STARTED',
      'EXEC_STARTED',
    );
    expect(started).toEqual({
      e: 'listStatus',
      E: expect.any(Number),
      s: 'BTCUSDT',
      g: listId,
      c: 'OCO',
      l: 'EXEC_STARTED',
      L: 'EXECUTING',
      r: 'NONE',
      C: 'alice-oco',
      T: expect.any(Number),
      O: placed.body.orders.map((o: Payload) => ({ s: 'BTCUSDT', i: o.orderId, c: o.clientOrderId })),
    });
    const legs = events(aliceStream).filter(
      (e) => e.e === 'executionReport' && e.g === listId && e.x === 'NEW',
    );
    expect(legs.map((e) => e.o).sort()).toEqual(['LIMIT_MAKER', 'STOP_LOSS']);
    const cancelled = await b.signed('DELETE', '/api/v3/orderList', alice.key, {
      symbol: 'BTCUSDT',
      orderListId: listId,
    });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    const done = await waitForEvent(
      aliceStream,
      (e) => e.e === 'listStatus' && e.l === 'ALL_DONE',
      'ALL_DONE',
    );
    expect(done).toMatchObject({ g: listId, L: 'ALL_DONE', C: 'alice-oco' });
    await aliceStream.waitFor(
      () =>
        events(aliceStream).filter((e) => e.e === 'executionReport' && e.g === listId && e.x === 'CANCELED')
          .length === 2,
      10_000,
      'both legs cancelled',
    );
  });

  it('expires a listen key 60 minutes after its last keepalive', async () => {
    const clock = b.tp.clock;
    clock.advance(30 * MINUTE);
    const kept = await b.call(
      'PUT',
      '/api/v3/userDataStream',
      { listenKey: bobKey },
      { 'X-MBX-APIKEY': bob.key.apiKey },
    );
    expect(kept.status).toBe(200);
    clock.advance(31 * MINUTE);
    await b.tp.running.platform.marketStream.userData.checkListenKeys();
    const expired = await waitForEvent(aliceStream, (e) => e.e === 'listenKeyExpired', 'listenKeyExpired');
    expect(expired).toEqual({ e: 'listenKeyExpired', E: expect.any(Number), listenKey: aliceKey });
    await aliceStream.waitFor(() => aliceStream.closed, 5_000, 'the expired stream to close');
    // Bob kept his key alive: his stream still delivers.
    expect(bobStream.closed).toBe(false);
    expect(events(bobStream).some((e) => e.e === 'listenKeyExpired')).toBe(false);
    const before = bobStream.messages.length;
    await b.fund(bob.userId, 'BTC', 10 ** 6);
    await waitForEvent(bobStream, (e) => e.e === 'balanceUpdate' && e.d === '0.01000000', 'bob deposit');
    expect(bobStream.messages.length).toBeGreaterThan(before);
  });
});
