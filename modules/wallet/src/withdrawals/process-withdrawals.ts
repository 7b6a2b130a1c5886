// The background work of withdrawals; every function is idempotent and safe to run concurrently
// (claims use SKIP LOCKED and a lease; engine commands are keyed or answer "already done").
//  - processApproved: approved → processing → the payout adapter → settle the hold → completed.
//  - expireStale: pending review too long → expired, hold released.
//  - reconcile: finishes what a crash interrupted (holds of 'holding' rows, releases not confirmed).
import { formatUnits } from '../amounts.js';
import type { WalletContext } from '../wallet-context.js';
import { adapterFor, type PayoutAdapter, PayoutError } from './payout-adapter.js';
import { reconcileHolding } from './request-withdrawal.js';
import type { Withdrawal } from './withdrawal.js';
import type { Lifecycle } from './withdrawal-lifecycle.js';
import * as repo from './withdrawal-repository.js';

/** How long a claimed withdrawal is left to the run that claimed it before another may retry. */
const LEASE_MS = 5 * 60_000;
/** Retryable payout failures are tried this often in total before the withdrawal fails. */
const ATTEMPTS_MAX = 10;
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_MAX_MS = 3_600_000;
/** A 'holding' row this old lost its request (a crash): its hold is resolved by the job. */
export const HOLDING_STALE_MS = 5 * 60_000;
const BATCH = 100;

export interface ProcessReport {
  completed: number;
  awaitingManual: number;
  retrying: number;
  failed: number;
}

export function createProcessing(
  ctx: WalletContext,
  life: Lifecycle,
  adapters: () => readonly PayoutAdapter[],
) {
  const db = ctx.database;

  const fail = async (w: Withdrawal, reason: string) => {
    await life.endReleasing(w.id, ['processing'], 'failed', {
      reason,
      audit: { actor: 'system', action: 'wallet.withdrawal.fail' },
    });
  };

  /** Settles withdrawals whose payout has a tx id (just sent, or interrupted before completing). */
  const settleSent = async (): Promise<number> => {
    let completed = 0;
    for (const id of await repo.idsWhere(db, 'sent-unsettled', 0, BATCH)) {
      const w = await repo.findWithdrawal(db, id);
      if (w !== null && w.status === 'processing' && (await life.settle(w))) completed++;
    }
    return completed;
  };

  const pay = async (w: Withdrawal, report: ProcessReport): Promise<void> => {
    if (w.payoutAttempts === 1) await (await life.mailer(w, 'processing'))();
    const adapter = adapterFor(adapters(), w.network);
    if (adapter === null) {
      await repo.recordRetry(
        db,
        w.id,
        `no payout adapter serves ${w.network}`,
        ctx.clock.nowMs() + BACKOFF_MAX_MS,
        ctx.clock.nowMs(),
      );
      report.retrying++;
      return;
    }
    try {
      const result = await adapter.send({
        withdrawalId: w.id,
        asset: w.asset,
        network: w.network,
        address: w.address,
        memo: w.memo,
        amount: w.amount,
        amountText: formatUnits(w.amount, await life.precisionOf(w.asset)),
      });
      await repo.recordPayout(db, w.id, adapter.name, result.txId, ctx.clock.nowMs());
      if (result.txId === null) report.awaitingManual++;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const retryable = !(error instanceof PayoutError) || error.retryable;
      if (!retryable || w.payoutAttempts >= ATTEMPTS_MAX) {
        await fail(w, `payout failed: ${message}`);
        report.failed++;
        return;
      }
      const backoff = Math.min(BACKOFF_BASE_MS * 2 ** (w.payoutAttempts - 1), BACKOFF_MAX_MS);
      const nowMs = ctx.clock.nowMs();
      await repo.recordRetry(
        db,
        w.id,
        `payout attempt ${w.payoutAttempts} failed: ${message}`,
        nowMs + backoff,
        nowMs,
      );
      report.retrying++;
    }
  };

  return {
    async processApproved(): Promise<ProcessReport> {
      const report: ProcessReport = { completed: 0, awaitingManual: 0, retrying: 0, failed: 0 };
      report.completed += await settleSent();
      const claimed = await db.transaction((tx) =>
        repo.claimForPayout(tx, ctx.clock.nowMs(), LEASE_MS, BATCH),
      );
      for (const w of claimed) await pay(w, report);
      report.completed += await settleSent();
      return report;
    },

    async expireStale(): Promise<number> {
      const before = ctx.clock.nowMs() - ctx.settings.withdrawalExpiryMs;
      let expired = 0;
      for (const id of await repo.idsWhere(db, 'pending-expired', before, BATCH)) {
        try {
          await life.endReleasing(id, ['pending'], 'expired', {
            reason: 'not reviewed in time',
            audit: { actor: 'system', action: 'wallet.withdrawal.expire' },
          });
          expired++;
        } catch (error) {
          // Decided meanwhile by an admin or the user: nothing to expire.
          if (!(error instanceof Error && 'code' in error && error.code === 'WALLET_WITHDRAWAL_STATE'))
            throw error;
        }
      }
      return expired;
    },

    async reconcile(): Promise<{ held: number; failed: number; released: number }> {
      const holding = await reconcileHolding(ctx, life, HOLDING_STALE_MS);
      let released = 0;
      for (const id of await repo.idsWhere(db, 'release-outstanding', 0, BATCH)) {
        const w = await repo.findWithdrawal(db, id);
        if (w === null) continue;
        await life.releaseHold(w);
        released++;
      }
      return { ...holding, released };
    },
  };
}
