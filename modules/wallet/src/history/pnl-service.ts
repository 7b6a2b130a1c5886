// Daily PnL: each user's total balance value in USDT at the end of each UTC day, from the read model
// (balances now minus what moved after the day ended), and the day's deposits, withdrawals and
// transfers from/to other users valued the same way, so that PnL = value - previous value - flows.
// Values use the rates at snapshot time (the job runs minutes after midnight).

import { formatAmount, parseAmount } from '@tradeloom/money';
import { waitForProjection } from '@tradeloom/projection';
import { valueInQuote } from '../rates/rate-math.js';
import { RATE_QUOTE, type RateService } from '../rates/rate-service.js';
import type { WalletContext } from '../wallet-context.js';
import { assetScales } from './asset-scales.js';

/** Decimals of the stored USDT values. */
export const PNL_SCALE = 8;
const DAY_MS = 86_400_000;
/** The daily run takes the previous day from this time of day (UTC) on. */
export const PNL_RUN_AFTER_MS = 5 * 60_000;
/** Posting kinds that are money coming in or going out rather than gains or losses. */
const FLOW_KINDS = ['deposit', 'withdrawal', 'internal'];

export interface PnlDay {
  day: string;
  value: string;
  netFlows: string;
  /** value - previous day's value - net flows; null for the first day known. */
  pnl: string | null;
  unpricedAssets: string[];
}

export interface PnlService {
  /** Snapshots every user for a UTC day ('YYYY-MM-DD'); a repeated day writes nothing new. */
  snapshot(day: string): Promise<{ day: string; users: number; written: number }>;
  /** The job's step: the previous UTC day once it is past 00:05 UTC, if not done yet. */
  runDaily(): Promise<{ day: string; ran: boolean }>;
  /** Deletes snapshots older than the retention (settings.pnlRetentionDays). */
  cleanup(): Promise<number>;
  series(userId: string, days: number): Promise<{ quote: string; days: PnlDay[] }>;
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayStartMs = (day: string) => Date.parse(`${day}T00:00:00.000Z`);

export function createPnlService(ctx: WalletContext, rates: RateService): PnlService {
  const db = ctx.database;

  const valueByUser = (
    rows: Record<string, unknown>[],
    scales: Map<string, number>,
    rateOf: Map<string, { num: bigint; den: bigint }>,
  ) => {
    const out = new Map<string, { value: bigint; unpriced: Set<string> }>();
    for (const r of rows) {
      const userId = String(r.user_id);
      const asset = String(r.asset);
      const units = BigInt(String(r.units));
      const entry = out.get(userId) ?? { value: 0n, unpriced: new Set<string>() };
      out.set(userId, entry);
      if (units === 0n) continue;
      const rate = rateOf.get(asset);
      if (rate === undefined) entry.unpriced.add(asset);
      else entry.value += valueInQuote(units, scales.get(asset) ?? 0, rate, PNL_SCALE);
    }
    return out;
  };

  const snapshot: PnlService['snapshot'] = async (day) => {
    const start = dayStartMs(day);
    const end = new Date(start + DAY_MS).toISOString();
    // The read model must hold everything the engine did so far, or "balance now minus later
    // movements" would miss some.
    const status = await ctx.enginePort.query<{ commandSeq: number }>({ query: 'status' });
    await waitForProjection(db, status.commandSeq, 60_000);
    const balances = await db.query(
      `SELECT ea.user_id, b.asset, (b.total - coalesce(later.moved, 0))::text AS units
         FROM (SELECT user_no, asset, sum(available + held) AS total FROM ledger_balances
                WHERE user_no IS NOT NULL GROUP BY user_no, asset) b
         LEFT JOIN (SELECT user_no, asset, sum(d_available + d_held) AS moved FROM ledger_postings
                     WHERE user_no IS NOT NULL AND at >= $1::timestamptz GROUP BY user_no, asset) later
                ON later.user_no = b.user_no AND later.asset = b.asset
         JOIN engine_accounts ea ON ea.account_no = b.user_no`,
      [end],
    );
    const flows = await db.query(
      `SELECT ea.user_id, p.asset, sum(p.d_available + p.d_held)::text AS units
         FROM ledger_postings p JOIN engine_accounts ea ON ea.account_no = p.user_no
        WHERE p.kind = ANY($1::text[]) AND p.at >= $2::timestamptz AND p.at < $3::timestamptz
        GROUP BY ea.user_id, p.asset`,
      [FLOW_KINDS, new Date(start).toISOString(), end],
    );
    const scales = await assetScales(db);
    const rateOf = await rates.ratesIn(RATE_QUOTE);
    const values = valueByUser(balances.rows, scales, rateOf);
    const flowValues = valueByUser(flows.rows, scales, rateOf);
    const users = [...values.keys()];
    const createdAt = new Date(ctx.clock.nowMs()).toISOString();
    const written = await db.transaction(async (tx) => {
      const { rows } = await tx.query(
        `INSERT INTO wallet_pnl_snapshots (user_id, day, value_usdt, net_flows_usdt, unpriced_assets, created_at)
         SELECT u, $2::date, v::numeric, f::numeric, coalesce(string_to_array(nullif(a, ''), ','), '{}'), $6::timestamptz
           FROM unnest($1::text[], $3::text[], $4::text[], $5::text[]) AS s(u, v, f, a)
         ON CONFLICT (user_id, day) DO NOTHING RETURNING user_id`,
        [
          users,
          day,
          users.map((u) => formatAmount(values.get(u)?.value ?? 0n, PNL_SCALE)),
          users.map((u) => formatAmount(flowValues.get(u)?.value ?? 0n, PNL_SCALE)),
          users.map((u) => [...(values.get(u)?.unpriced ?? [])].sort().join(',')),
          createdAt,
        ],
      );
      await tx.query(
        `INSERT INTO wallet_pnl_days (day, users, completed_at) VALUES ($1, $2, $3) ON CONFLICT (day) DO NOTHING`,
        [day, users.length, createdAt],
      );
      return rows.length;
    });
    return { day, users: users.length, written };
  };

  return {
    snapshot,

    async runDaily() {
      const now = ctx.clock.nowMs();
      const today = dayOf(now);
      const day = dayOf(now - DAY_MS);
      if (now - dayStartMs(today) < PNL_RUN_AFTER_MS) return { day, ran: false };
      const { rows } = await db.query('SELECT 1 FROM wallet_pnl_days WHERE day = $1', [day]);
      if (rows.length > 0) return { day, ran: false };
      await snapshot(day);
      return { day, ran: true };
    },

    async cleanup() {
      const cutoff = dayOf(ctx.clock.nowMs() - ctx.settings.pnlRetentionDays * DAY_MS);
      const { rows } = await db.query('DELETE FROM wallet_pnl_snapshots WHERE day < $1 RETURNING 1', [
        cutoff,
      ]);
      await db.query('DELETE FROM wallet_pnl_days WHERE day < $1', [cutoff]);
      return rows.length;
    },

    async series(userId, days) {
      const first = dayOf(ctx.clock.nowMs() - days * DAY_MS);
      // One day more than asked, for the first day's PnL.
      const { rows } = await db.query(
        `SELECT day::text AS day, value_usdt::text AS value, net_flows_usdt::text AS flows, unpriced_assets
           FROM wallet_pnl_snapshots WHERE user_id = $1 AND day >= ($2::date - 1) ORDER BY day`,
        [userId, first],
      );
      const parse = (text: string) => parseAmount(text, PNL_SCALE, { allowNegative: true });
      const out: PnlDay[] = [];
      let previous: { day: string; value: bigint } | null = null;
      for (const r of rows) {
        const day = String(r.day);
        const value = parse(String(r.value));
        const flows = parse(String(r.flows));
        const consecutive = previous !== null && dayStartMs(day) - dayStartMs(previous.day) === DAY_MS;
        if (day >= first) {
          out.push({
            day,
            value: formatAmount(value, PNL_SCALE),
            netFlows: formatAmount(flows, PNL_SCALE),
            pnl:
              consecutive && previous !== null
                ? formatAmount(value - previous.value - flows, PNL_SCALE)
                : null,
            unpricedAssets: Array.isArray(r.unpriced_assets) ? r.unpriced_assets.map(String) : [],
          });
        }
        previous = { day, value };
      }
      return { quote: RATE_QUOTE, days: out };
    },
  };
}
