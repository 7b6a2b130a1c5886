// Trades, rates, balances' value, history and daily PnL from a real trade (both modes): admin-made
// BTC and USDT, a BTCUSDT market added to the engine, two users' crossing limit orders. The rate of
// BTC is the trade's price in exact decimals; an external feed prices what no market does; the PnL
// snapshot of a day is written once however often it runs.
import { randomBytes } from 'node:crypto';
import { bothModes } from '@tradeloom/db/testing';
import type { SignedInUser } from '@tradeloom/identity/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

const MARKET_ID = 901;

interface Rates {
  quote: string;
  rates: { asset: string; rate: string; source: string }[];
}

describe.each(bothModes)('wallet history, trades, rates and PnL on %s', (mode) => {
  let tp: TestPlatform;
  let admin: SignedInUser;
  let buyer: SignedInUser;
  let seller: SignedInUser;

  const accountOf = (user: SignedInUser) => tp.running.platform.wallet.engineAccountOf(user.userId);
  const wallet = () => tp.running.platform.wallet.transfers;

  const fund = async (user: SignedInUser, asset: string, network: string, amount: number) => {
    const result = await tp.running.engine.submit({
      type: 'transfer',
      ts: tp.clock.nowMs(),
      key: `fund:${randomBytes(8).toString('hex')}`,
      kind: 'deposit',
      asset,
      from: { system: `external:${network}` },
      to: { user: await accountOf(user), wallet: 'SPOT' },
      amount,
    });
    expect(result.ok).toBe(true);
  };

  beforeAll(async () => {
    tp = await startTestPlatform(mode);
    admin = await tp.admin();
    buyer = await tp.user({ totp: false });
    seller = await tp.user({ totp: false });
    for (const [code, precision, network] of [
      ['USDT', 6, 'tron'],
      ['BTC', 8, 'bitcoin'],
      ['ETH', 8, 'ethereum'],
    ] as const) {
      const created = await admin.browser.json('POST', '/api/v1/admin/wallet/assets', {
        code,
        name: code,
        kind: 'crypto',
        precision,
      });
      expect(created.status).toBe(201);
      const net = await admin.browser.json('POST', `/api/v1/admin/wallet/assets/${code}/networks`, {
        network,
      });
      expect(net.status).toBe(201);
    }
    await fund(buyer, 'USDT', 'tron', 100_000_000); // 100 USDT
    await fund(seller, 'BTC', 'bitcoin', 1_000_000); // 0.01 BTC
    await fund(seller, 'ETH', 'ethereum', 200_000_000); // 2 ETH
    // As the demo: lot 0.0001 BTC, tick 0.01 USDT, 0.1% fees.
    const market = await tp.running.engine.submit({
      type: 'addMarket',
      ts: tp.clock.nowMs(),
      market: {
        id: MARKET_ID,
        symbol: 'BTCUSDT',
        base: 'BTC',
        quote: 'USDT',
        lotUnits: 10_000,
        tickQuoteUnits: 1,
        filters: {
          minPrice: 1,
          maxPrice: 100_000_000,
          minQty: 1,
          maxQty: 1_000_000,
          minNotional: 5_000_000,
          priceBandBps: 0,
          maxNumOrders: 200,
          maxNumStopOrders: 10,
        },
        fees: { makerPpm: 1_000, takerPpm: 1_000 },
        status: 'TRADING',
      },
    });
    expect(market.ok).toBe(true);
    // 0.001 BTC at 50,000.01 USDT: the seller rests, the buyer takes.
    for (const [user, side] of [
      [seller, 'SELL'],
      [buyer, 'BUY'],
    ] as const) {
      const placed = await tp.running.engine.submit({
        type: 'placeOrder',
        ts: tp.clock.nowMs(),
        marketId: MARKET_ID,
        user: await accountOf(user),
        side,
        orderType: 'LIMIT',
        price: 5_000_001,
        qty: 10,
        timeInForce: 'GTC',
      });
      expect(placed.ok).toBe(true);
    }
    await tp.projected();
  }, 60_000);
  afterAll(async () => {
    await tp?.stop();
  });

  it('prices BTC from the last trade, exactly, and ETH from an external feed', async () => {
    const before = await fetch(`${tp.url}/api/v1/wallet/rates`);
    expect(((await before.json()) as Rates).rates.map((r) => r.asset)).toEqual(['USDT']);

    wallet().rates.useFeed({
      name: 'test',
      pricesInUsdt: async (assets) => new Map(assets.filter((a) => a === 'ETH').map((a) => [a, '3000.25'])),
    });
    const refreshed = await admin.browser.json<{ rates: Rates['rates'] }>(
      'POST',
      '/api/v1/admin/wallet/rates/refresh',
    );
    expect(refreshed.status).toBe(200);
    const rates = (await (await fetch(`${tp.url}/api/v1/wallet/rates`)).json()) as Rates;
    expect(rates.rates).toEqual([
      expect.objectContaining({ asset: 'BTC', rate: '50000.01', source: 'market:BTCUSDT' }),
      expect.objectContaining({ asset: 'ETH', rate: '3000.25', source: 'feed:test' }),
      expect.objectContaining({ asset: 'USDT', rate: '1', source: 'fixed' }),
    ]);
    const inBtc = (await (await fetch(`${tp.url}/api/v1/wallet/rates?quote=BTC`)).json()) as Rates;
    // 1 / 50000.01 at 18 decimals, half-even.
    expect(inBtc.rates.find((r) => r.asset === 'USDT')?.rate).toBe('0.000019999996000001');
    const audit = await tp.running.database.query(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'wallet.rates.refresh'",
    );
    expect(audit.rows[0]?.n).toBe(1);
    // The refresh job's handler is the same method.
    expect((await wallet().rates.refresh()).map((r) => r.asset)).toEqual(['BTC', 'ETH', 'USDT']);
  });

  it("lists each side's trade with its fee, and values balances in USDT and in BTC", async () => {
    const bought = await buyer.browser.json<{ trades: Record<string, unknown>[] }>(
      'GET',
      '/api/v1/wallet/trades',
    );
    expect(bought.body.trades).toEqual([
      expect.objectContaining({
        market: 'BTCUSDT',
        side: 'BUY',
        price: '50000.01',
        quantity: '0.00100000',
        quoteQuantity: '50.000010',
        fee: '0.050000',
        feeAsset: 'USDT',
        role: 'taker',
      }),
    ]);
    const sold = await seller.browser.json<{ trades: Record<string, unknown>[] }>(
      'GET',
      '/api/v1/wallet/trades?market=BTCUSDT',
    );
    expect(sold.body.trades).toEqual([
      expect.objectContaining({ side: 'SELL', role: 'maker', fee: '0.050000' }),
    ]);

    const balances = await buyer.browser.json<{
      totalValue: string;
      unpricedAssets: string[];
      balances: { asset: string; available: string; held: string; value: string | null }[];
    }>('GET', '/api/v1/wallet/balances');
    expect(balances.status).toBe(200);
    // 100 - 50.00001 - 0.05 fee = 49.94999 USDT, and 0.001 BTC worth 50.00001.
    expect(balances.body.balances).toEqual([
      {
        wallet: 'SPOT',
        asset: 'BTC',
        available: '0.00100000',
        held: '0.00000000',
        total: '0.00100000',
        value: '50.000010',
      },
      {
        wallet: 'SPOT',
        asset: 'USDT',
        available: '49.949990',
        held: '0.000000',
        total: '49.949990',
        value: '49.949990',
      },
    ]);
    expect(balances.body.totalValue).toBe('99.950000');
    const inBtc = await buyer.browser.json<{ totalValue: string; quote: string }>(
      'GET',
      '/api/v1/wallet/balances?quote=BTC',
    );
    expect(inBtc.body).toMatchObject({ quote: 'BTC', totalValue: '0.00199900' });
    const unknownQuote = await buyer.browser.json('GET', '/api/v1/wallet/balances?quote=NOPE');
    expect(unknownQuote.status).toBe(404);
  });

  it('shows the trade, the order hold and the deposit in the history, filtered by kind', async () => {
    const all = await buyer.browser.json<{
      entries: {
        kind: string;
        asset: string;
        amount: string;
        heldChange: string;
        trade: { side: string } | null;
      }[];
    }>('GET', '/api/v1/wallet/history');
    expect(all.body.entries.map((e) => [e.kind, e.asset, e.amount])).toEqual([
      ['trade', 'BTC', '0.00100000'],
      ['trade', 'USDT', '-50.050010'],
      ['order', 'USDT', '0.000000'],
      ['deposit', 'USDT', '100.000000'],
    ]);
    const trades = await buyer.browser.json<typeof all.body>(
      'GET',
      '/api/v1/wallet/history?kind=trade&asset=USDT',
    );
    expect(trades.body.entries).toHaveLength(1);
    expect(trades.body.entries[0]?.trade).toMatchObject({
      side: 'BUY',
      market: 'BTCUSDT',
      price: '50000.01',
    });
    const none = await buyer.browser.json<typeof all.body>(
      'GET',
      `/api/v1/wallet/history?to=${encodeURIComponent(new Date(tp.clock.nowMs() - 3_600_000).toISOString())}`,
    );
    expect(none.body.entries).toEqual([]);
    const badCursor = await buyer.browser.json('GET', '/api/v1/wallet/history?cursor=abc');
    expect(badCursor.status).toBe(400);
  });

  it('snapshots each user once per day and reports PnL net of the day’s deposits', async () => {
    const now = tp.clock.nowMs();
    const today = new Date(now).toISOString().slice(0, 10);
    const yesterday = new Date(now - 86_400_000).toISOString().slice(0, 10);
    const pnl = wallet().pnl;
    await pnl.snapshot(yesterday);
    const first = await pnl.snapshot(today);
    expect(first.written).toBeGreaterThanOrEqual(2);
    // Again, and after more money arrived: the day's values do not change.
    await fund(buyer, 'USDT', 'tron', 7_000_000);
    const again = await pnl.snapshot(today);
    expect(again.written).toBe(0);
    const { rows } = await tp.running.database.query(
      'SELECT value_usdt::text AS v, net_flows_usdt::text AS f FROM wallet_pnl_snapshots WHERE user_id = $1 AND day = $2',
      [buyer.userId, today],
    );
    expect(rows).toEqual([{ v: '99.95000000', f: '100.00000000' }]);
    // The job's step: yesterday is already done.
    expect((await pnl.runDaily()).ran).toBe(false);

    const series = await buyer.browser.json<{ days: { day: string; value: string; pnl: string | null }[] }>(
      'GET',
      '/api/v1/wallet/pnl?days=7',
    );
    expect(series.status).toBe(200);
    expect(series.body.days).toEqual([
      { day: yesterday, value: '0.00000000', netFlows: '0.00000000', pnl: null, unpricedAssets: [] },
      { day: today, value: '99.95000000', netFlows: '100.00000000', pnl: '-0.05000000', unpricedAssets: [] },
    ]);
    // The seller: 0.009 BTC at 50,000.01, 2 ETH at the feed's 3,000.25, 49.95001 USDT from the sale.
    const sellerSeries = await pnl.series(seller.userId, 7);
    expect(sellerSeries.days.at(-1)).toMatchObject({ value: '6500.45010000', netFlows: '6500.50010000' });

    // Clean-up keeps pnlRetentionDays (400) days.
    await pnl.snapshot('2020-01-01');
    expect(await pnl.cleanup()).toBeGreaterThanOrEqual(2);
    const left = await tp.running.database.query(
      'SELECT DISTINCT day::text AS day FROM wallet_pnl_snapshots ORDER BY 1',
    );
    expect(left.rows.map((r) => r.day)).toEqual([yesterday, today]);
  });
});
