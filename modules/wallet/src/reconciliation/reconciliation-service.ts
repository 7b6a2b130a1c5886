// Reconciliation: the engine's balances at one command sequence against the projected postings up
// to it (every account and asset), and every asset's postings summing to zero. Each run is stored;
// a failed one raises (or bumps) an admin alert, and the job fails so the job log shows it.
import type { Queryable } from '@tradeloom/db';
import { DomainError, newId } from '@tradeloom/kernel';
import { type EngineLedgerView, type ReconcileReport, reconcileLedger } from '@tradeloom/projection';
import type { WalletContext } from '../wallet-context.js';

export const RECONCILIATION_ALERT = 'ledger-reconciliation-mismatch';

export interface ReconciliationRun {
  id: string;
  startedAt: string;
  finishedAt: string;
  commandSeq: number;
  accounts: number;
  ok: boolean;
  mismatches: ReconcileReport['mismatches'];
  unbalancedAssets: ReconcileReport['unbalancedAssets'];
  triggeredBy: string;
}

export interface WalletAlert {
  id: string;
  kind: string;
  severity: 'info' | 'warning' | 'critical';
  message: string;
  details: unknown;
  occurrences: number;
  createdAt: string;
  lastSeenAt: string;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
}

export interface ReconciliationService {
  /** Runs one reconciliation and stores it; `triggeredBy` is 'job' or the admin's id. */
  reconcile(triggeredBy?: string, ip?: string): Promise<ReconciliationRun>;
  listRuns(limit: number): Promise<ReconciliationRun[]>;
  listAlerts(options: { open?: boolean; limit: number }): Promise<WalletAlert[]>;
  acknowledgeAlert(id: string, actor: string, ip: string): Promise<WalletAlert>;
  /** Raises an alert, or bumps the open one of the same kind. */
  raiseAlert(
    alert: Pick<WalletAlert, 'kind' | 'severity' | 'message' | 'details'>,
    within?: Queryable,
  ): Promise<WalletAlert>;
}

const iso = (v: unknown) => new Date(String(v)).toISOString();
const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

function runOf(r: Record<string, unknown>): ReconciliationRun {
  return {
    id: String(r.id),
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    commandSeq: Number(r.command_seq),
    accounts: Number(r.accounts),
    ok: r.ok === true,
    mismatches: json(r.mismatches) as ReconcileReport['mismatches'],
    unbalancedAssets: json(r.unbalanced_assets) as ReconcileReport['unbalancedAssets'],
    triggeredBy: String(r.triggered_by),
  };
}

function alertOf(r: Record<string, unknown>): WalletAlert {
  return {
    id: String(r.id),
    kind: String(r.kind),
    severity: r.severity as WalletAlert['severity'],
    message: String(r.message),
    details: json(r.details),
    occurrences: Number(r.occurrences),
    createdAt: iso(r.created_at),
    lastSeenAt: iso(r.last_seen_at),
    acknowledgedBy: r.acknowledged_by === null ? null : String(r.acknowledged_by),
    acknowledgedAt: r.acknowledged_at === null ? null : iso(r.acknowledged_at),
  };
}

/** At most this many mismatches are stored per run (the count is kept in the alert). */
const MISMATCHES_STORED_MAX = 200;

export function createReconciliationService(ctx: WalletContext): ReconciliationService {
  const db = ctx.database;
  const nowIso = () => new Date(ctx.clock.nowMs()).toISOString();

  const raiseAlert: ReconciliationService['raiseAlert'] = async (alert, within = db) => {
    const at = nowIso();
    const bumped = await within.query(
      `UPDATE wallet_alerts SET occurrences = occurrences + 1, last_seen_at = $2, details = $3, message = $4
       WHERE id = (SELECT id FROM wallet_alerts WHERE kind = $1 AND acknowledged_at IS NULL
                   ORDER BY seq DESC LIMIT 1)
       RETURNING *`,
      [alert.kind, at, JSON.stringify(alert.details), alert.message],
    );
    if (bumped.rows[0] !== undefined) return alertOf(bumped.rows[0]);
    const { rows } = await within.query(
      `INSERT INTO wallet_alerts (id, kind, severity, message, details, created_at, last_seen_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING *`,
      [newId('alrt'), alert.kind, alert.severity, alert.message, JSON.stringify(alert.details), at],
    );
    if (rows[0] === undefined) throw new Error('alert insert returned nothing');
    return alertOf(rows[0]);
  };

  return {
    raiseAlert,

    async reconcile(triggeredBy = 'job', ip) {
      const startedAt = nowIso();
      const view = await ctx.enginePort.query<EngineLedgerView>({ query: 'ledger' });
      // Waits for the projector outside any transaction (PGlite has one connection).
      const report = await reconcileLedger(db, view, { timeoutMs: 60_000 });
      const run: ReconciliationRun = {
        id: newId('recon'),
        startedAt,
        finishedAt: nowIso(),
        commandSeq: report.commandSeq,
        accounts: report.accounts,
        ok: report.ok,
        mismatches: report.mismatches.slice(0, MISMATCHES_STORED_MAX),
        unbalancedAssets: report.unbalancedAssets,
        triggeredBy,
      };
      await db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO wallet_reconciliation_runs
             (id, started_at, finished_at, command_seq, accounts, ok, mismatches, unbalanced_assets, triggered_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [
            run.id,
            run.startedAt,
            run.finishedAt,
            run.commandSeq,
            run.accounts,
            run.ok,
            JSON.stringify(run.mismatches),
            JSON.stringify(run.unbalancedAssets),
            triggeredBy,
          ],
        );
        if (!run.ok) {
          await raiseAlert(
            {
              kind: RECONCILIATION_ALERT,
              severity: 'critical',
              message: `Ledger reconciliation at command ${run.commandSeq}: ${report.mismatches.length} account mismatch(es), ${report.unbalancedAssets.length} unbalanced asset(s)`,
              details: {
                runId: run.id,
                commandSeq: run.commandSeq,
                mismatchCount: report.mismatches.length,
                mismatches: run.mismatches.slice(0, 20),
                unbalancedAssets: run.unbalancedAssets,
              },
            },
            tx,
          );
        }
        if (triggeredBy !== 'job') {
          await ctx.audit.record(
            {
              actor: triggeredBy,
              action: 'wallet.reconciliation.run',
              target: `reconciliation:${run.id}`,
              ...(ip === undefined ? {} : { ip }),
              after: { commandSeq: run.commandSeq, ok: run.ok, mismatches: report.mismatches.length },
            },
            tx,
          );
        }
      });
      return run;
    },

    async listRuns(limit) {
      const { rows } = await db.query('SELECT * FROM wallet_reconciliation_runs ORDER BY seq DESC LIMIT $1', [
        limit,
      ]);
      return rows.map(runOf);
    },

    async listAlerts({ open, limit }) {
      const { rows } = await db.query(
        `SELECT * FROM wallet_alerts ${open === true ? 'WHERE acknowledged_at IS NULL' : open === false ? 'WHERE acknowledged_at IS NOT NULL' : ''}
         ORDER BY seq DESC LIMIT $1`,
        [limit],
      );
      return rows.map(alertOf);
    },

    async acknowledgeAlert(id, actor, ip) {
      return db.transaction(async (tx) => {
        const before = await tx.query('SELECT * FROM wallet_alerts WHERE id = $1 FOR UPDATE', [id]);
        const row = before.rows[0];
        if (row === undefined) throw new DomainError('WALLET_ALERT_NOT_FOUND', `No alert ${id}`);
        const current = alertOf(row);
        if (current.acknowledgedAt !== null) return current;
        const { rows } = await tx.query(
          'UPDATE wallet_alerts SET acknowledged_by = $2, acknowledged_at = $3 WHERE id = $1 RETURNING *',
          [id, actor, nowIso()],
        );
        const after = alertOf(rows[0] ?? row);
        await ctx.audit.record(
          {
            actor,
            action: 'wallet.alert.acknowledge',
            target: `alert:${id}`,
            ip,
            before: { acknowledgedAt: null },
            after: { acknowledgedBy: actor, acknowledgedAt: after.acknowledgedAt },
          },
          tx,
        );
        return after;
      });
    },
  };
}
