// Finance admins decide pending withdrawals. Four-eyes: a withdrawal worth more than the configured
// USDT amount needs the approvals of two different admins; nobody approves their own withdrawal.
// Every decision is audited in the transaction that makes it.
import { DomainError } from '@tradeloom/kernel';
import type { WalletContext } from '../wallet-context.js';
import type { RequestOrigin } from './address-book.js';
import type { Withdrawal } from './withdrawal.js';
import type { Lifecycle } from './withdrawal-lifecycle.js';
import * as repo from './withdrawal-repository.js';

export function createReview(ctx: WalletContext, life: Lifecycle) {
  const db = ctx.database;

  const notOwn = (adminId: string, w: Withdrawal) => {
    if (w.userId === adminId) {
      throw new DomainError(
        'WALLET_WITHDRAWAL_SELF_APPROVAL',
        'You cannot decide your own withdrawal: another finance admin must',
      );
    }
  };

  return {
    async approve(adminId: string, id: string, origin: RequestOrigin): Promise<Withdrawal> {
      const seen = await repo.findWithdrawal(db, id);
      if (seen === null) throw new DomainError('WALLET_WITHDRAWAL_NOT_FOUND', 'No such withdrawal');
      const send = await life.mailer(seen, 'approved');
      await db.transaction(async (tx) => {
        const w = await repo.findWithdrawal(tx, id, { forUpdate: true });
        if (w === null) throw new DomainError('WALLET_WITHDRAWAL_NOT_FOUND', 'No such withdrawal');
        if (w.status !== 'pending') {
          throw new DomainError('WALLET_WITHDRAWAL_STATE', `The withdrawal is ${w.status}`, {
            status: w.status,
          });
        }
        notOwn(adminId, w);
        if (w.approvedBy.includes(adminId)) {
          throw new DomainError(
            'WALLET_FOUR_EYES',
            'You approved this withdrawal already: a second finance admin must approve it too',
          );
        }
        const nowMs = ctx.clock.nowMs();
        await repo.insertApproval(tx, id, adminId, nowMs);
        const approvals = w.approvedBy.length + 1;
        const complete = approvals >= w.approvalsRequired;
        if (complete) await repo.transition(tx, id, ['pending'], 'approved', nowMs);
        await ctx.audit.record(
          {
            actor: adminId,
            action: 'wallet.withdrawal.approve',
            target: `withdrawal:${id}`,
            ip: origin.ip,
            before: { status: w.status, approvals: w.approvedBy.length },
            after: { status: complete ? 'approved' : 'pending', approvals, required: w.approvalsRequired },
          },
          tx,
        );
        if (complete) await send(tx);
      });
      return life.reload(id);
    },

    reject(adminId: string, id: string, reason: string, origin: RequestOrigin): Promise<Withdrawal> {
      // A manual payout nobody could make is rejected too (its tx id never came).
      return life.endReleasing(id, ['pending', 'approved', 'processing'], 'rejected', {
        reason,
        audit: { actor: adminId, action: 'wallet.withdrawal.reject', ip: origin.ip },
        check: (w) => {
          if (w.status === 'processing' && (!w.payoutAwaiting || w.payoutTxId !== null)) {
            throw new DomainError(
              'WALLET_WITHDRAWAL_STATE',
              'The withdrawal is being paid out by its adapter and can no longer be rejected',
              { status: w.status },
            );
          }
        },
      });
    },

    /** Records the tx id of a manual payout and settles the hold (the withdrawal completes). */
    async markSent(adminId: string, id: string, txId: string, origin: RequestOrigin): Promise<Withdrawal> {
      const w = await db.transaction(async (tx) => {
        const found = await repo.findWithdrawal(tx, id, { forUpdate: true });
        if (found === null) throw new DomainError('WALLET_WITHDRAWAL_NOT_FOUND', 'No such withdrawal');
        if (found.status !== 'processing' || !found.payoutAwaiting || found.payoutTxId !== null) {
          throw new DomainError(
            'WALLET_WITHDRAWAL_STATE',
            'Only a withdrawal awaiting a manual payout can be marked sent',
            { status: found.status },
          );
        }
        await repo.recordPayout(tx, id, found.payoutAdapter ?? 'manual', txId, ctx.clock.nowMs());
        await ctx.audit.record(
          {
            actor: adminId,
            action: 'wallet.withdrawal.mark-sent',
            target: `withdrawal:${id}`,
            ip: origin.ip,
            before: { status: found.status },
            after: { txId },
          },
          tx,
        );
        return { ...found, payoutTxId: txId, payoutAwaiting: false };
      });
      await life.settle(w);
      return life.reload(id);
    },
  };
}
