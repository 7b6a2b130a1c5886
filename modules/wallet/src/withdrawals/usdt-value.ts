// The value of an amount in USDT, for the four-eyes rule, from the platform's own last trade price.
// Exact integer arithmetic: one lot (lotUnits base units) at price_ticks costs
// price_ticks * tickQuoteUnits quote units, so `units` base units are worth
// units * price_ticks * tickQuoteUnits / lotUnits quote (USDT) units.
// (A general currency-rate service comes later; this stays a small function until then.)
import type { Queryable } from '@tradeloom/db';
import { parseAmount } from '@tradeloom/money';

export const USDT = 'USDT';

/** An amount's value in USDT units (rounded down), or null when there is no USDT price for the asset. */
export async function valueInUsdtUnits(db: Queryable, asset: string, units: number): Promise<bigint | null> {
  if (asset === USDT) return BigInt(units);
  const { rows } = await db.query(
    `SELECT t.price_ticks::text AS price_ticks, m.spec
     FROM ledger_markets m JOIN ledger_trades t ON t.market_id = m.market_id
     WHERE m.base = $1 AND m.quote = $2
     ORDER BY t.trade_id DESC LIMIT 1`,
    [asset, USDT],
  );
  const row = rows[0];
  if (row === undefined) return null;
  const spec = (typeof row.spec === 'string' ? JSON.parse(row.spec) : row.spec) as {
    lotUnits?: unknown;
    tickQuoteUnits?: unknown;
  };
  if (!Number.isSafeInteger(spec.lotUnits) || !Number.isSafeInteger(spec.tickQuoteUnits)) return null;
  const lotUnits = BigInt(spec.lotUnits as number);
  if (lotUnits <= 0n) return null;
  return (BigInt(units) * BigInt(String(row.price_ticks)) * BigInt(spec.tickQuoteUnits as number)) / lotUnits;
}

/** The precision of USDT in the wallet (null when the platform has no USDT). */
export async function usdtPrecision(db: Queryable): Promise<number | null> {
  const { rows } = await db.query('SELECT precision FROM wallet_assets WHERE code = $1', [USDT]);
  return rows[0] === undefined ? null : Number(rows[0].precision);
}

/**
 * Whether an amount is worth more than `thresholdUsdt` (a decimal string). Without a price, or
 * without USDT on the platform, the answer is yes: the safe default is the stricter review.
 */
export async function worthMoreThanUsdt(
  db: Queryable,
  asset: string,
  units: number,
  thresholdUsdt: string,
): Promise<{ above: boolean; valueUsdt: bigint | null }> {
  const precision = await usdtPrecision(db);
  const valueUsdt = precision === null ? null : await valueInUsdtUnits(db, asset, units);
  if (precision === null || valueUsdt === null) return { above: true, valueUsdt };
  const threshold = parseAmount(thresholdUsdt, precision, { allowZero: true });
  return { above: valueUsdt > threshold, valueUsdt };
}
