// The projector against a real database (PGlite and PostgreSQL): exactly once across restarts,
// balances equal to the engine's, reconciliation that notices a tampered posting.
import { bothModes, createTestDatabase, type TestDatabase } from '@tradeloom/db/testing';
import { type Command, captureState, Engine } from '@tradeloom/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { Projector } from './projector.js';
import { reconcileLedger } from './reconcile.js';
import { projectionTestMigrations } from './testing.js';

const ts = 1_700_000_000_000;

function* stream(): Generator<Command> {
  yield { type: 'addAsset', ts, asset: 'BTC', scale: 8 };
  yield { type: 'addAsset', ts, asset: 'USDT', scale: 6 };
  yield { type: 'defineSystemAccount', ts, name: 'external:test', allowNegative: true };
  yield {
    type: 'addMarket',
    ts,
    market: {
      id: 1,
      symbol: 'BTCUSDT',
      base: 'BTC',
      quote: 'USDT',
      lotUnits: 100,
      tickQuoteUnits: 1,
      filters: {
        minPrice: 1,
        maxPrice: 100_000,
        minQty: 1,
        maxQty: 100_000,
        minNotional: 0,
        priceBandBps: 0,
        maxNumOrders: 10_000,
        maxNumStopOrders: 100,
      },
      fees: { makerPpm: 1_000, takerPpm: 2_000 },
      status: 'TRADING',
    },
  };
  for (const user of [1, 2, 3]) {
    for (const asset of ['BTC', 'USDT']) {
      yield {
        type: 'transfer',
        ts,
        key: `fund-${user}-${asset}`,
        kind: 'deposit',
        asset,
        from: { system: 'external:test' },
        to: { user, wallet: 'SPOT' },
        amount: 1_000_000_000,
      };
    }
  }
  for (let i = 0; i < 400; i++) {
    const user = 1 + (i % 3);
    if (i % 7 === 3) yield { type: 'cancelOrder', ts: ts + i, marketId: 1, user, orderId: i - 3 };
    else if (i % 11 === 5) {
      // A repeated key: the engine answers with the first result, which must not be projected twice.
      yield {
        type: 'transfer',
        ts: ts + i,
        key: 'repeated',
        kind: 'internal',
        asset: 'USDT',
        from: { user, wallet: 'SPOT' },
        to: { user: 1 + ((i + 1) % 3), wallet: 'FUNDING' },
        amount: 1_000,
      };
    } else {
      yield {
        type: 'placeOrder',
        ts: ts + i,
        marketId: 1,
        user,
        side: i % 2 === 0 ? 'BUY' : 'SELL',
        orderType: 'LIMIT',
        price: 1_000 + ((i * 37) % 21) - 10,
        qty: 1 + (i % 9),
      };
    }
  }
}

describe.each(bothModes)('projector (%s)', (mode) => {
  let test: TestDatabase | undefined;
  afterEach(async () => {
    await test?.drop();
    test = undefined;
  });

  it('projects each command once across a restart and reconciles with the engine', async () => {
    test = await createTestDatabase(mode, { migrate: { sources: projectionTestMigrations } });
    const db = test.database;
    const engine = new Engine();
    const results = [...stream()].map((c) => ({ ts: c.ts, result: engine.execute(c) }));
    const half = Math.floor(results.length / 2);

    const first = await Projector.open(db, { batchMax: 50 });
    for (const { ts, result } of results.slice(0, half)) first.push(result.commandSeq, ts, result);
    await first.close();
    expect(first.appliedSeq).toBe(half);

    // A restarted engine replays from an earlier point: what is already projected is skipped.
    const second = await Projector.open(db, { batchMax: 64 });
    expect(second.appliedSeq).toBe(half);
    for (const { ts, result } of results) second.push(result.commandSeq, ts, result);
    await second.whenApplied(results.length);
    await second.close();

    const state = captureState(engine);
    const report = await reconcileLedger(db, { commandSeq: engine.commandSeq, accounts: state.accounts });
    expect(report.mismatches).toEqual([]);
    expect(report.unbalancedAssets).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.accounts).toBeGreaterThan(6);

    // The running balances table agrees with the engine too.
    const { rows } = await db.query(
      'SELECT account, asset, available::text, held::text FROM ledger_balances WHERE available <> 0 OR held <> 0 ORDER BY account, asset',
    );
    const expected = state.accounts
      .filter((a) => a[4] !== 0 || a[5] !== 0)
      .map(([user, system, asset, wallet, available, held]) => ({
        account: system === null ? `u:${user}:${wallet}` : `s:${system}`,
        asset,
        available: String(available),
        held: String(held),
      }))
      .sort((a, b) => (a.account + a.asset < b.account + b.asset ? -1 : 1));
    expect(rows).toEqual(expected);
    const trades = await db.query('SELECT count(*)::int AS n FROM ledger_trades');
    expect(trades.rows[0]?.n).toBeGreaterThan(20);
    // Orders: the engine's open orders are open in the read model with the same fills; every other is closed.
    const open = new Map(
      state.markets.flatMap((m) =>
        [...m.bids, ...m.asks].map((r) => [r[0], { filled: r[16], notional: r[17] }] as const),
      ),
    );
    const orders = await db.query(
      'SELECT order_id::int AS id, status, filled_lots::int AS filled, filled_notional::int AS notional FROM spot_orders',
    );
    expect(orders.rows.length).toBeGreaterThan(100);
    for (const o of orders.rows) {
      const live = open.get(Number(o.id));
      if (live === undefined)
        expect(['FILLED', 'CANCELED', 'EXPIRED', 'EXPIRED_IN_MATCH']).toContain(o.status);
      else {
        expect(['NEW', 'PARTIALLY_FILLED']).toContain(o.status);
        expect({ filled: o.filled, notional: o.notional }).toEqual(live);
      }
    }
    expect(orders.rows.filter((o) => o.status === 'FILLED').length).toBeGreaterThan(10);
    // Candles of every interval add up to the trades.
    const volume = await db.query(
      `SELECT interval, sum(base_volume)::text AS base, sum(trades)::int AS trades FROM spot_candles GROUP BY interval`,
    );
    const tradeTotals = await db.query(
      'SELECT sum(base_amount)::text AS base, count(*)::int AS trades FROM ledger_trades',
    );
    expect(volume.rows).toHaveLength(16);
    for (const row of volume.rows) {
      expect({ base: row.base, trades: row.trades }).toEqual(tradeTotals.rows[0]);
    }
    const repeated = await db.query("SELECT count(*)::int AS n FROM ledger_postings WHERE ref = 'repeated'");
    expect(repeated.rows[0]?.n).toBe(2);

    // A posting changed behind the projector's back is a mismatch, and the asset no longer sums to zero.
    await db.query(
      "UPDATE ledger_postings SET d_available = d_available + 1 WHERE ref = 'repeated' AND d_available > 0",
    );
    const tampered = await reconcileLedger(db, { commandSeq: engine.commandSeq, accounts: state.accounts });
    expect(tampered.ok).toBe(false);
    expect(tampered.mismatches).toHaveLength(1);
    expect(tampered.unbalancedAssets).toEqual([{ asset: 'USDT', total: '1' }]);
  });

  it('refuses a gap and a second writer', async () => {
    test = await createTestDatabase(mode, { migrate: { sources: projectionTestMigrations } });
    const db = test.database;
    const engine = new Engine();
    const results = [...stream()].slice(0, 5).map((c) => engine.execute(c));
    const projector = await Projector.open(db);
    expect(() => projector.push(2, ts, results[1]!)).toThrow(/gap/);
    const errors: unknown[] = [];
    const a = await Projector.open(db, { onError: (e) => errors.push(e) });
    const b = await Projector.open(db, { onError: (e) => errors.push(e) });
    a.push(1, ts, results[0]!);
    await a.whenApplied(1);
    b.push(1, ts, results[0]!);
    await b.close();
    expect(String(errors[0])).toMatch(/another projector/);
    const count = await db.query('SELECT count(*)::int AS n FROM ledger_assets');
    expect(count.rows[0]?.n).toBe(1);
  });
});
