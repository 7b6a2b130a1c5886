import type { Queryable } from '@tradeloom/db';

/**
 * The precision of every asset the wallet or the engine knows: the wallet's own list first, the
 * engine's (projected) scale for assets only the engine has. They are the same number when both exist.
 */
export async function assetScales(db: Queryable): Promise<Map<string, number>> {
  const { rows } = await db.query(
    `SELECT code AS asset, precision AS scale FROM wallet_assets
     UNION ALL SELECT asset, scale FROM ledger_assets WHERE asset NOT IN (SELECT code FROM wallet_assets)`,
  );
  return new Map(rows.map((r) => [String(r.asset), Number(r.scale)]));
}
