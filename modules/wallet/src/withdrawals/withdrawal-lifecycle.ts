// What several steps of a withdrawal's life share: mailing the user, ending a withdrawal with its
// hold released, settling the hold once paid out.
//
// Order of writes and engine commands (crash safety): the row's state changes first (in a
// transaction, with its audit entry and mail), the engine command follows. A crash in between leaves
// a terminal row with `hold_released_at` null, or a processing row with a tx id that is not
// completed: the jobs finish both, and every command they repeat is idempotent (release of a closed
// hold answers UNKNOWN_HOLD; settlements are keyed).
import type { Queryable } from '@tradeloom/db';
import { type AuditEntryInput, DomainError, type MailRequest } from '@tradeloom/kernel';
import { formatUnits } from '../amounts.js';
import { externalAccount, FEES } from '../engine/wallet-engine.js';
import type { WalletContext } from '../wallet-context.js';
import type { Withdrawal, WithdrawalStatus } from './withdrawal.js';
import * as repo from './withdrawal-repository.js';

/** The engine's code behind a wallet error from an engine refusal. */
export function engineCodeOf(error: unknown): string | null {
  if (!(error instanceof DomainError)) return null;
  const details = error.details as { engineCode?: unknown } | undefined;
  return typeof details?.engineCode === 'string' ? details.engineCode : null;
}

export interface Lifecycle {
  precisionOf(asset: string): Promise<number>;
  /**
   * Prepares the user's mail about the withdrawal's state and answers its sender (to call within
   * the state change's transaction). Prepared before the transaction: it reads outside it, which
   * would wait for the transaction's own connection on a single-connection database.
   */
  mailer(w: Withdrawal, status: WithdrawalStatus): Promise<(tx?: Queryable) => Promise<void>>;
  /**
   * Moves a withdrawal from one of `from` to a releasing state (with its audit entry and mail) and
   * then releases its hold. `check` runs on the locked row first (ownership, four-eyes…).
   */
  endReleasing(
    id: string,
    from: readonly WithdrawalStatus[],
    to: WithdrawalStatus,
    options: {
      reason?: string;
      userId?: string;
      audit?: Omit<AuditEntryInput, 'target' | 'before' | 'after'>;
      check?: (w: Withdrawal) => void;
    },
  ): Promise<Withdrawal>;
  /** Releases the hold (already released is fine) and records that it is. */
  releaseHold(w: Withdrawal): Promise<void>;
  /** Pays the fee to the fee account and the amount to the network's outside world; completes it. */
  settle(w: Withdrawal): Promise<boolean>;
  reload(id: string): Promise<Withdrawal>;
}

const templateOf: Partial<Record<WithdrawalStatus, string>> = {
  pending: 'wallet.withdrawal-requested',
  approved: 'wallet.withdrawal-approved',
  processing: 'wallet.withdrawal-processing',
  completed: 'wallet.withdrawal-completed',
  rejected: 'wallet.withdrawal-rejected',
  cancelled: 'wallet.withdrawal-cancelled',
  expired: 'wallet.withdrawal-expired',
  failed: 'wallet.withdrawal-failed',
};

export function createLifecycle(ctx: WalletContext, withdrawalsUrl: string): Lifecycle {
  const db = ctx.database;
  const precisionOf = async (asset: string) => (await ctx.assets.getAsset(asset)).precision;

  const reload = async (id: string) => {
    const w = await repo.findWithdrawal(db, id);
    if (w === null) throw new DomainError('WALLET_WITHDRAWAL_NOT_FOUND', 'No such withdrawal');
    return w;
  };

  const mailer: Lifecycle['mailer'] = async (w, status) => {
    const template = templateOf[status];
    const user = template === undefined ? null : await ctx.identity.getUser(w.userId);
    if (template === undefined || user === null) return async () => {};
    const mail: MailRequest = {
      to: user.email,
      userId: w.userId,
      template,
      vars: {
        amount: formatUnits(w.amount, await precisionOf(w.asset)),
        asset: w.asset,
        network: w.network,
        address: w.address,
        withdrawalId: w.id,
        withdrawalsUrl,
        ...(w.memo === '' ? {} : { memo: w.memo }),
        ...(w.reason === null || !['rejected', 'failed', 'expired'].includes(status)
          ? {}
          : { reason: w.reason }),
        ...(w.payoutTxId === null ? {} : { txId: w.payoutTxId }),
      },
    };
    return (tx) => ctx.mail.send(mail, tx);
  };

  const releaseHold: Lifecycle['releaseHold'] = async (w) => {
    try {
      await ctx.engine.release(w.holdId);
    } catch (error) {
      // No open hold: released before (a repeated run) — the outcome we want.
      if (engineCodeOf(error) !== 'UNKNOWN_HOLD') throw error;
    }
    await repo.markHoldReleased(db, w.id, ctx.clock.nowMs());
  };

  return {
    precisionOf,
    mailer,
    releaseHold,
    reload,

    async endReleasing(id, from, to, options) {
      // The mail's facts do not change with the state (amount, address…): read before the lock.
      const seen = await repo.findWithdrawal(
        db,
        id,
        options.userId === undefined ? {} : { userId: options.userId },
      );
      if (seen === null) throw new DomainError('WALLET_WITHDRAWAL_NOT_FOUND', 'No such withdrawal');
      const send = await mailer({ ...seen, status: to, reason: options.reason ?? seen.reason }, to);
      const ended = await db.transaction(async (tx) => {
        const w = await repo.findWithdrawal(tx, id, {
          forUpdate: true,
          ...(options.userId === undefined ? {} : { userId: options.userId }),
        });
        if (w === null) throw new DomainError('WALLET_WITHDRAWAL_NOT_FOUND', 'No such withdrawal');
        if (!from.includes(w.status)) {
          throw new DomainError('WALLET_WITHDRAWAL_STATE', `The withdrawal is ${w.status}`, {
            status: w.status,
          });
        }
        options.check?.(w);
        await repo.transition(tx, id, from, to, ctx.clock.nowMs(), {
          ...(options.reason === undefined ? {} : { reason: options.reason }),
        });
        const after: Withdrawal = { ...w, status: to, reason: options.reason ?? w.reason };
        if (options.audit !== undefined) {
          await ctx.audit.record(
            {
              ...options.audit,
              target: `withdrawal:${id}`,
              before: { status: w.status },
              after: { status: to, ...(options.reason === undefined ? {} : { reason: options.reason }) },
            },
            tx,
          );
        }
        await send(tx);
        return after;
      });
      await releaseHold(ended);
      return reload(id);
    },

    async settle(w) {
      if (w.fee > 0) {
        await ctx.engine.settleHold({
          key: `wd:${w.id}:fee`,
          holdId: w.holdId,
          kind: 'fee',
          to: FEES,
          amount: w.fee,
          final: false,
        });
      }
      await ctx.engine.settleHold({
        key: `wd:${w.id}:payout`,
        holdId: w.holdId,
        kind: 'withdrawal',
        to: externalAccount(w.network),
        amount: w.amount,
        final: true,
      });
      const send = await mailer(w, 'completed');
      return db.transaction(async (tx) => {
        const done = await repo.transition(tx, w.id, ['processing'], 'completed', ctx.clock.nowMs(), {
          completed: true,
        });
        if (done) await send(tx);
        return done;
      });
    },
  };
}
