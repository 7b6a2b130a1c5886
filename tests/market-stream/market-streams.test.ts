// Binance WebSocket market streams on the assembled platform (both modes; server mode follows the
// engine's publisher over Redis): a client keeps a local book from the depth snapshot plus diffs
// exactly as Binance documents and ends equal to the book; trades, combined streams, the control
// messages, and a slow client cut without stalling the others.
import { bothModes } from '@tradeloom/db/testing';
import type { SignedInUser } from '@tradeloom/identity/testing';
import { padDecimals } from '@tradeloom/spot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBtcUsdtMarket, fundSpot } from '../support/spot-setup.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';
import { StreamClient, wsUrl } from './stream-client.js';

interface DepthUpdate {
  e: 'depthUpdate';
  E: number;
  s: string;
  U: number;
  u: number;
  b: [string, string][];
  a: [string, string][];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Binance's "How to manage a local order book correctly", with the gaplessness checked strictly. */
class LocalBook {
  readonly bids = new Map<string, string>();
  readonly asks = new Map<string, string>();
  lastUpdateId = 0;

  constructor(snapshot: { lastUpdateId: number; bids: [string, string][]; asks: [string, string][] }) {
    this.lastUpdateId = snapshot.lastUpdateId;
    for (const [p, q] of snapshot.bids) this.bids.set(p, q);
    for (const [p, q] of snapshot.asks) this.asks.set(p, q);
  }

  private started = false;

  /** Applies buffered and live events: drops those the snapshot holds, checks that none is missing. */
  apply(events: DepthUpdate[]): void {
    for (const event of events) {
      if (event.u <= this.lastUpdateId) continue;
      if (this.started) expect(event.U).toBe(this.lastUpdateId + 1);
      // The first event applied spans the snapshot's id.
      else expect(event.U).toBeLessThanOrEqual(this.lastUpdateId + 1);
      this.started = true;
      for (const [side, levels] of [
        [this.bids, event.b],
        [this.asks, event.a],
      ] as const) {
        for (const [p, q] of levels) {
          if (Number(q) === 0) side.delete(p);
          else side.set(p, q);
        }
      }
      this.lastUpdateId = event.u;
    }
  }

  view(): { bids: [string, string][]; asks: [string, string][] } {
    const sorted = (side: Map<string, string>, descending: boolean) =>
      [...side].sort((x, y) => (descending ? Number(y[0]) - Number(x[0]) : Number(x[0]) - Number(y[0])));
    return { bids: sorted(this.bids, true), asks: sorted(this.asks, false) };
  }
}

describe.each(bothModes)('market streams on %s', (mode) => {
  let tp: TestPlatform;
  let alice: SignedInUser;
  let bob: SignedInUser;
  const clients: StreamClient[] = [];
  const open = async (path: string) => {
    const client = await StreamClient.open(wsUrl(tp.url, path));
    clients.push(client);
    return client;
  };

  const fund = (user: SignedInUser, asset: string, amount: number) => fundSpot(tp, user, asset, amount);

  const order = async (user: SignedInUser, body: Record<string, unknown>) => {
    const response = await user.browser.json('POST', '/api/v1/spot/orders', { symbol: 'BTCUSDT', ...body });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
  };
  const limit = (user: SignedInUser, side: 'BUY' | 'SELL', price: string, quantity: string) =>
    order(user, { side, type: 'LIMIT', timeInForce: 'GTC', price, quantity });

  beforeAll(async () => {
    tp = await startTestPlatform(mode);
    const admin = await tp.admin();
    alice = await tp.user({ totp: false });
    bob = await tp.user({ totp: false });
    await createBtcUsdtMarket(admin, {
      tickSize: '0.01',
      lotSize: '0.0001',
      minPrice: '0.01',
      maxPrice: '1000000',
      minQty: '0.0001',
      maxQty: '100',
      minNotional: '0.01',
      makerFee: '0.001',
      takerFee: '0.002',
    });
    await fund(alice, 'BTC', 1_000 * 10 ** 8);
    await fund(bob, 'USDT', 100_000_000 * 10 ** 6);
  }, 60_000);
  afterAll(async () => {
    for (const client of clients) client.close();
    await tp?.stop();
  });

  it('lets a client keep a local book from the snapshot and gapless diffs, equal to the book at the end', async () => {
    await limit(alice, 'SELL', '50010.00000000', '0.50000000');
    await limit(bob, 'BUY', '49990.00000000', '0.30000000');
    const client = await open('/ws/btcusdt@depth@100ms');
    const events = () => client.messages as DepthUpdate[];
    await limit(alice, 'SELL', '50020.00000000', '0.20000000');
    await limit(bob, 'BUY', '49980.00000000', '0.40000000');
    // The snapshot is taken mid-stream, as a client would.
    const snapshot = await tp.running.platform.marketStream.depthSnapshot('BTCUSDT', 1000);
    await limit(bob, 'BUY', '50015.00000000', '0.60000000'); // takes 0.5 at 50010, rests 0.1 at 50015
    await limit(alice, 'SELL', '49985.00000000', '0.35000000'); // takes 0.1 at 50015 and 0.25 at 49990
    await order(bob, { side: 'BUY', type: 'MARKET', quantity: '0.10000000' });
    // In server mode the gateway may not have the last updates yet: follow until stream and snapshot meet.
    let final = await tp.running.platform.marketStream.depthSnapshot('BTCUSDT', 1000);
    for (;;) {
      const target = final.lastUpdateId;
      await client.waitFor(() => (events().at(-1)?.u ?? 0) >= target, 5_000, 'the last diff');
      final = await tp.running.platform.marketStream.depthSnapshot('BTCUSDT', 1000);
      if (events().at(-1)?.u === final.lastUpdateId) break;
    }

    expect(events().every((e) => e.e === 'depthUpdate' && e.s === 'BTCUSDT')).toBe(true);
    // Gapless: each event starts right after the previous one.
    for (let i = 1; i < events().length; i++) expect(events()[i]!.U).toBe(events()[i - 1]!.u + 1);
    expect(events()[0]!.U).toBeLessThanOrEqual(snapshot.lastUpdateId + 1);

    const book = new LocalBook(snapshot);
    book.apply(events());
    expect(book.lastUpdateId).toBe(final.lastUpdateId);
    expect(book.view()).toEqual({ bids: final.bids, asks: final.asks });
    // And the engine's own book agrees.
    const engineBook = (await (
      await fetch(`${tp.url}/api/v1/spot/markets/BTCUSDT/book?depth=100`)
    ).json()) as {
      bids: [string, string][];
      asks: [string, string][];
    };
    const pad8 = (levels: [string, string][]) =>
      levels.map((l) => l.map((v) => padDecimals(v)) as [string, string]);
    expect(book.view()).toEqual({ bids: pad8(engineBook.bids), asks: pad8(engineBook.asks) });
    // A Binance client takes its snapshot from /api/v3/depth: same counter, same formatting.
    const rest = (await (await fetch(`${tp.url}/api/v3/depth?symbol=BTCUSDT&limit=100`)).json()) as {
      lastUpdateId: number;
      bids: [string, string][];
      asks: [string, string][];
    };
    expect(rest).toEqual({ lastUpdateId: final.lastUpdateId, bids: final.bids, asks: final.asks });
    expect(final.asks).toEqual([['50020.00000000', '0.10000000']]);
    expect(final.bids).toEqual([
      ['49990.00000000', '0.05000000'],
      ['49980.00000000', '0.40000000'],
    ]);
  });

  it('serves trades, aggregate trades and the book ticker on a combined stream', async () => {
    const client = await open('/stream?streams=btcusdt@trade/btcusdt@aggTrade/btcusdt@bookTicker');
    await limit(alice, 'SELL', '50015.00000000', '0.01000000');
    await order(bob, {
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'IOC',
      price: '50015.00000000',
      quantity: '0.01000000',
    });
    type Wrapped = { stream: string; data: Record<string, unknown> };
    const trade = await client.next<Wrapped>((m) => (m as Wrapped).stream === 'btcusdt@trade');
    expect(trade.data).toEqual({
      e: 'trade',
      E: expect.any(Number),
      s: 'BTCUSDT',
      t: expect.any(Number),
      p: '50015.00000000',
      q: '0.01000000',
      T: expect.any(Number),
      m: false,
      M: true,
    });
    const agg = await client.next<Wrapped>((m) => (m as Wrapped).stream === 'btcusdt@aggTrade');
    expect(agg.data).toMatchObject({
      e: 'aggTrade',
      s: 'BTCUSDT',
      a: trade.data.t,
      f: trade.data.t,
      l: trade.data.t,
    });
    const ticker = await client.next<Wrapped>((m) => (m as Wrapped).stream === 'btcusdt@bookTicker');
    expect(ticker.data).toEqual({
      u: expect.any(Number),
      s: 'BTCUSDT',
      b: expect.any(String),
      B: expect.any(String),
      a: expect.any(String),
      A: expect.any(String),
    });
  });

  it('pushes partial books, klines and 24h tickers', async () => {
    const client = await open(
      '/stream?streams=btcusdt@depth5@100ms/btcusdt@kline_1m/btcusdt@ticker/!miniTicker@arr',
    );
    type Wrapped = { stream: string; data: Record<string, unknown> };
    const partial = await client.next<Wrapped>((m) => (m as Wrapped).stream === 'btcusdt@depth5@100ms');
    expect(partial.data).toEqual({
      lastUpdateId: expect.any(Number),
      bids: expect.any(Array),
      asks: expect.any(Array),
    });
    expect((partial.data.asks as unknown[]).length).toBeLessThanOrEqual(5);
    await tp.projected();
    const kline = await client.next<Wrapped>((m) => (m as Wrapped).stream === 'btcusdt@kline_1m', 0, 5_000);
    expect(kline.data).toMatchObject({ e: 'kline', s: 'BTCUSDT', k: { i: '1m', s: 'BTCUSDT', x: false } });
    const ticker = await client.next<Wrapped>((m) => (m as Wrapped).stream === 'btcusdt@ticker', 0, 5_000);
    expect(ticker.data).toMatchObject({
      e: '24hrTicker',
      s: 'BTCUSDT',
      c: expect.any(String),
      n: expect.any(Number),
    });
    expect(Number(ticker.data.n)).toBeGreaterThan(0);
    const mini = await client.next<Wrapped>((m) => (m as Wrapped).stream === '!miniTicker@arr', 0, 5_000);
    expect(mini.data).toEqual([expect.objectContaining({ e: '24hrMiniTicker', s: 'BTCUSDT' })]);
  });

  it('answers SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS and properties as Binance, and refuses bad messages', async () => {
    const client = await open('/ws');
    let at = 0;
    const ask = async (message: unknown) => {
      at = client.messages.length;
      client.send(message);
      const reply = await client.next<Record<string, unknown>>(() => true, at);
      // Binance allows 5 messages a second.
      await sleep(210);
      return reply;
    };
    expect(await ask({ method: 'SUBSCRIBE', params: ['btcusdt@trade', 'btcusdt@depth'], id: 1 })).toEqual({
      result: null,
      id: 1,
    });
    expect(await ask({ method: 'LIST_SUBSCRIPTIONS', id: 3 })).toEqual({
      result: ['btcusdt@trade', 'btcusdt@depth'],
      id: 3,
    });
    expect(await ask({ method: 'UNSUBSCRIBE', params: ['btcusdt@depth'], id: 312 })).toEqual({
      result: null,
      id: 312,
    });
    expect(await ask({ method: 'LIST_SUBSCRIPTIONS', id: 4 })).toEqual({ result: ['btcusdt@trade'], id: 4 });
    expect(await ask('{not json')).toMatchObject({ code: 3, msg: expect.stringContaining('Invalid JSON') });
    expect(await ask({ method: 'SUBSCRIBED', params: [], id: 5 })).toMatchObject({
      code: 2,
      msg: expect.stringContaining('unknown variant'),
    });
    expect(await ask({ params: [], id: 5 })).toMatchObject({
      code: 2,
      msg: expect.stringContaining('missing field'),
    });
    expect(await ask({ method: 'SUBSCRIBE', params: ['x'], id: -1 })).toMatchObject({
      code: 2,
      msg: 'Invalid request: request ID must be an unsigned integer',
    });
    expect(await ask({ method: 'SET_PROPERTY', params: ['combined', 'yes'], id: 6 })).toMatchObject({
      code: 1,
      msg: 'Invalid value type: expected Boolean',
    });
    expect(await ask({ method: 'GET_PROPERTY', params: ['colour'], id: 7 })).toEqual({
      code: 0,
      msg: 'Unknown property',
      id: 7,
    });
    expect(await ask({ method: 'SET_PROPERTY', params: ['combined', true], id: 8 })).toEqual({
      result: null,
      id: 8,
    });
    expect(await ask({ method: 'GET_PROPERTY', params: ['combined'], id: 9 })).toEqual({
      result: true,
      id: 9,
    });
    // Combined from now on: the trade arrives wrapped.
    const from = client.messages.length;
    await limit(alice, 'SELL', '50040.00000000', '0.01000000');
    await order(bob, { side: 'BUY', type: 'MARKET', quantity: '0.01000000' });
    const trade = await client.next<{ stream: string; data: { e: string } }>(
      (m) => (m as { stream?: string }).stream === 'btcusdt@trade',
      from,
    );
    expect(trade.data.e).toBe('trade');
    // More than 5 messages a second: the connection is closed, as Binance does.
    for (let i = 0; i < 8; i++) client.send({ method: 'LIST_SUBSCRIPTIONS', id: 100 + i });
    await client.waitFor(() => client.closed, 5_000, 'the close');
  });

  it('cuts a client that does not read, without stalling the others', async () => {
    tp.running.platform.marketStream.setClientBufferLimit(256 * 1024);
    const streams =
      'btcusdt@trade/btcusdt@aggTrade/btcusdt@depth@100ms/btcusdt@bookTicker/btcusdt@depth20@100ms';
    const slow = await open(`/stream?streams=${streams}`);
    const healthy = await open(`/stream?streams=${streams}`);
    slow.ws.pause();
    const dropped = tp.running.platform.marketStream.stats().slowClientsDropped;
    const aliceNo = await tp.running.platform.wallet.engineAccountOf(alice.userId);
    const bobNo = await tp.running.platform.wallet.engineAccountOf(bob.userId);
    const market = await tp.running.platform.spot.markets.market('BTCUSDT');
    const rounds = 15_000;
    // In chunks, as orders arrive: the healthy client (in this process) reads between them.
    for (let chunk = 0; chunk < rounds; chunk += 250) {
      const pending: Promise<unknown>[] = [];
      for (let i = chunk; i < chunk + 250; i++) {
        const price = 5_000_000 + (i % 50);
        const ts = tp.clock.nowMs();
        const common = {
          type: 'placeOrder',
          ts,
          marketId: market.id,
          orderType: 'LIMIT',
          timeInForce: 'GTC',
          price,
          qty: 1,
        } as const;
        pending.push(tp.running.engine.submit({ ...common, user: aliceNo, side: 'SELL' }));
        pending.push(tp.running.engine.submit({ ...common, user: bobNo, side: 'BUY' }));
      }
      await Promise.all(pending);
      await sleep(5);
    }
    const trades = () =>
      healthy.messages.filter((m) => (m as { stream: string }).stream === 'btcusdt@trade').length;
    await healthy.waitFor(() => trades() >= rounds, 20_000, 'every trade on the healthy client');
    expect(tp.running.platform.marketStream.stats().slowClientsDropped).toBeGreaterThan(dropped);
    slow.ws.resume();
    await slow.waitFor(() => slow.closed, 5_000, 'the slow client cut');
    expect(healthy.closed).toBe(false);
    tp.running.platform.marketStream.setClientBufferLimit(4 * 1024 * 1024);
  }, 60_000);
});
