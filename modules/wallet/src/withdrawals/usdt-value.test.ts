// The USDT value of an amount from the last trade of the <ASSET>USDT market, exactly (bigint), and
// the four-eyes decision with its safe default (no price → above the threshold).
import { createTestDatabase, type TestDatabase } from '@tradeloom/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { valueInUsdtUnits, worthMoreThanUsdt } from './usdt-value.js';

describe('USDT value of a withdrawal', () => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await createTestDatabase('pglite');
    const db = test.database;
    // Only the columns the valuation reads (the read model's and the wallet's own tables).
    await db.query('CREATE TABLE wallet_assets (code text PRIMARY KEY, precision smallint NOT NULL)');
    await db.query(
      'CREATE TABLE ledger_markets (market_id integer PRIMARY KEY, symbol text, base text, quote text, spec jsonb)',
    );
    await db.query(
      'CREATE TABLE ledger_trades (trade_id bigint PRIMARY KEY, market_id integer, price_ticks bigint)',
    );
    await db.query("INSERT INTO wallet_assets VALUES ('USDT', 6), ('BTC', 8), ('ETH', 8)");
    // BTCUSDT: a lot is 0.001 BTC (100,000 units); one lot at one tick costs 10 USDT units, so a
    // price of P ticks is P * 0.01 USDT per BTC.
    await db.query(`INSERT INTO ledger_markets VALUES (1, 'BTCUSDT', 'BTC', 'USDT', $1)`, [
      JSON.stringify({ lotUnits: 100_000, tickQuoteUnits: 10 }),
    ]);
    // Two trades: the last one counts. 6,500,000 ticks = 65,000 USDT per BTC.
    await db.query('INSERT INTO ledger_trades VALUES (1, 1, 6000000), (2, 1, 6500000)');
  });
  afterAll(async () => {
    await test?.drop();
  });

  it('USDT is its own value; another asset is priced by its last trade, rounded down', async () => {
    expect(await valueInUsdtUnits(test.database, 'USDT', 123)).toBe(123n);
    // 1 BTC = 10^8 units = 1,000 lots; 1,000 * 6,500,000 * 10 = 65,000 * 10^6 USDT units.
    expect(await valueInUsdtUnits(test.database, 'BTC', 100_000_000)).toBe(65_000_000_000n);
    // 1 unit (a hundred-thousandth of a lot): 6,500,000 * 10 / 100,000 = 650 units = 0.00065 USDT.
    expect(await valueInUsdtUnits(test.database, 'BTC', 1)).toBe(650n);
    expect(await valueInUsdtUnits(test.database, 'ETH', 1)).toBeNull();
  });

  it('four-eyes: compares exactly; without a price the answer is "above" (the safe default)', async () => {
    const db = test.database;
    // 0.15384615 BTC * 65,000 = 9,999.99975 USDT: not above 10,000.
    expect(await worthMoreThanUsdt(db, 'BTC', 15_384_615, '10000')).toEqual({
      above: false,
      valueUsdt: 9_999_999_750n,
    });
    expect((await worthMoreThanUsdt(db, 'BTC', 15_384_616, '10000')).above).toBe(true);
    expect(await worthMoreThanUsdt(db, 'USDT', 10_000_000_000, '10000')).toEqual({
      above: false,
      valueUsdt: 10_000_000_000n,
    });
    expect((await worthMoreThanUsdt(db, 'USDT', 10_000_000_001, '10000')).above).toBe(true);
    expect(await worthMoreThanUsdt(db, 'ETH', 1, '10000')).toEqual({ above: true, valueUsdt: null });
  });
});
