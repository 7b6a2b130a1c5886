// Reconciliation: the projected postings, summed per account up to a command sequence, must equal
// the engine's balances at that sequence, and every asset's postings must sum to zero.
import type { Queryable } from '@tradeloom/db';
import { waitForProjection } from './wait-for-projection.js';

/** The engine's accounts at one command sequence (the engine's `accounts` query). */
export interface EngineLedgerView {
  commandSeq: number;
  /** Non-empty accounts: [user (0 = system), system name, asset, wallet, available, held]. */
  accounts: [number, string | null, string, string, number, number][];
}

export interface ReconcileMismatch {
  account: string;
  asset: string;
  engine: { available: string; held: string };
  projected: { available: string; held: string };
}

export interface ReconcileReport {
  commandSeq: number;
  accounts: number;
  mismatches: ReconcileMismatch[];
  /** Assets whose postings do not sum to zero, with the sum. */
  unbalancedAssets: { asset: string; total: string }[];
  ok: boolean;
}

/** Compares the engine's view with the postings up to its sequence (waiting for the projector to get there). */
export async function reconcileLedger(
  db: Queryable,
  view: EngineLedgerView,
  options: { timeoutMs?: number } = {},
): Promise<ReconcileReport> {
  await waitForProjection(db, view.commandSeq, options.timeoutMs ?? 30_000);
  const { rows } = await db.query(
    `SELECT account, asset, sum(d_available)::text AS available, sum(d_held)::text AS held
       FROM ledger_postings WHERE command_seq <= $1 GROUP BY account, asset`,
    [view.commandSeq],
  );
  const projected = new Map<string, { available: bigint; held: bigint }>();
  const totals = new Map<string, bigint>();
  for (const r of rows) {
    const available = BigInt(String(r.available));
    const held = BigInt(String(r.held));
    const asset = String(r.asset);
    totals.set(asset, (totals.get(asset) ?? 0n) + available + held);
    if (available !== 0n || held !== 0n) projected.set(`${String(r.account)}|${asset}`, { available, held });
  }
  const mismatches: ReconcileMismatch[] = [];
  const seen = new Set<string>();
  for (const [user, system, asset, wallet, available, held] of view.accounts) {
    if (available === 0 && held === 0) continue;
    const account = system === null ? `u:${user}:${wallet}` : `s:${system}`;
    const key = `${account}|${asset}`;
    seen.add(key);
    const p = projected.get(key) ?? { available: 0n, held: 0n };
    if (p.available !== BigInt(available) || p.held !== BigInt(held)) {
      mismatches.push({
        account,
        asset,
        engine: { available: String(available), held: String(held) },
        projected: { available: String(p.available), held: String(p.held) },
      });
    }
  }
  for (const [key, p] of projected) {
    if (seen.has(key)) continue;
    const [account = '', asset = ''] = key.split('|');
    mismatches.push({
      account,
      asset,
      engine: { available: '0', held: '0' },
      projected: { available: String(p.available), held: String(p.held) },
    });
  }
  const unbalancedAssets = [...totals]
    .filter(([, total]) => total !== 0n)
    .map(([asset, total]) => ({ asset, total: String(total) }));
  return {
    commandSeq: view.commandSeq,
    accounts: seen.size,
    mismatches,
    unbalancedAssets,
    ok: mismatches.length === 0 && unbalancedAssets.length === 0,
  };
}
