// The withdrawals part of the wallet: the allow-list of addresses, requests held in the engine at
// once, review by finance admins (four-eyes above a USDT amount), payouts through adapters, and the
// jobs that process, expire and reconcile them.
import type { ApiApp } from '@tradeloom/kernel';
import { DomainError } from '@tradeloom/kernel';
import type { WalletContext } from '../wallet-context.js';
import { type AddressBook, createAddressBook, type RequestOrigin } from './address-book.js';
import { registerWithdrawalMailTemplates } from './mail-templates.js';
import {
  createInstantPayoutAdapter,
  createManualPayoutAdapter,
  type InstantPayoutAdapter,
  type PayoutAdapter,
} from './payout-adapter.js';
import { createProcessing, type ProcessReport } from './process-withdrawals.js';
import {
  createRequestWithdrawal,
  type RequestWithdrawalInput,
  type WithdrawalCaller,
} from './request-withdrawal.js';
import { createReview } from './review-withdrawals.js';
import { usdtPrecision } from './usdt-value.js';
import type { Withdrawal, WithdrawalStatus } from './withdrawal.js';
import { createLifecycle } from './withdrawal-lifecycle.js';
import * as repo from './withdrawal-repository.js';
import { registerWithdrawalRoutes } from './withdrawal-routes.js';
import {
  type AdminWithdrawalView,
  adminViewOfWithdrawal,
  viewOfWithdrawal,
  type WithdrawalView,
} from './withdrawal-view.js';

export type { AddAddressInput, AddressBook, RequestOrigin } from './address-book.js';
export {
  createInstantPayoutAdapter,
  createManualPayoutAdapter,
  type InstantPayoutAdapter,
  type PayoutAdapter,
  PayoutError,
  type PayoutOrder,
  type PayoutResult,
} from './payout-adapter.js';
export type { ProcessReport } from './process-withdrawals.js';
export type { RequestWithdrawalInput, WithdrawalCaller } from './request-withdrawal.js';
export { valueInUsdtUnits, worthMoreThanUsdt } from './usdt-value.js';
export type { Withdrawal, WithdrawalAddress, WithdrawalStatus } from './withdrawal.js';
export type { AdminWithdrawalView, WithdrawalView } from './withdrawal-view.js';

/** The repeating job that hands approved withdrawals to their payout adapter and settles them. */
export const WITHDRAWALS_PROCESS_JOB = 'wallet-withdrawals-process';
/** The repeating job that expires withdrawals pending review too long and reconciles interrupted ones. */
export const WITHDRAWALS_EXPIRE_JOB = 'wallet-withdrawals-expire';

export interface WithdrawalListFilter {
  userId?: string;
  status?: WithdrawalStatus;
  asset?: string;
  fromMs?: number;
  toMs?: number;
  limit?: number;
  offset?: number;
}

export interface WithdrawalsService {
  /** The user's allow-list and its waiting-period preference. */
  addresses: AddressBook;
  /** Checks everything, holds amount + fee in the engine and answers the pending withdrawal. */
  request(
    caller: WithdrawalCaller,
    input: RequestWithdrawalInput,
    origin: RequestOrigin,
  ): Promise<Withdrawal>;
  /** The user cancels a pending withdrawal (its hold is released). */
  cancel(userId: string, id: string, origin: RequestOrigin): Promise<Withdrawal>;
  /** One of the user's withdrawals (any user's without `userId`). */
  get(id: string, userId?: string): Promise<Withdrawal>;
  list(filter: WithdrawalListFilter): Promise<Withdrawal[]>;
  approve(adminId: string, id: string, origin: RequestOrigin): Promise<Withdrawal>;
  reject(adminId: string, id: string, reason: string, origin: RequestOrigin): Promise<Withdrawal>;
  /** A manual payout was made: records its tx id and settles the hold. */
  markSent(adminId: string, id: string, txId: string, origin: RequestOrigin): Promise<Withdrawal>;
  /** The process job's work (also for tests and the CLI). */
  processApproved(): Promise<ProcessReport>;
  /** The expiry job's work: pending review longer than the setting → expired. */
  expireStale(): Promise<number>;
  /** Finishes what a crash interrupted: unknown hold outcomes, unconfirmed releases. */
  reconcile(): Promise<{ held: number; failed: number; released: number }>;
  /** Adds a payout adapter; the last one registered for a network serves it ('manual' serves all by default). */
  registerPayoutAdapter(adapter: PayoutAdapter): void;
  /** Registers (and answers) the instant test adapter for these networks: test platforms and demos only. */
  useInstantPayouts(networks: readonly string[]): InstantPayoutAdapter;
  view(w: Withdrawal): Promise<WithdrawalView>;
  adminView(w: Withdrawal): Promise<AdminWithdrawalView>;
}

export interface WithdrawalsPart {
  service: WithdrawalsService;
  routes(app: ApiApp): void;
}

export function createWithdrawals(ctx: WalletContext): WithdrawalsPart {
  const base = ctx.settings.publicUrl.replace(/\/+$/, '');
  const urls = {
    withdrawals: `${base}/wallet/withdrawals`,
    addresses: `${base}/wallet/withdrawal-addresses`,
  };
  registerWithdrawalMailTemplates(ctx.mail);
  const adapters: PayoutAdapter[] = [createManualPayoutAdapter()];
  const life = createLifecycle(ctx, urls.withdrawals);
  const addresses = createAddressBook(ctx, urls);
  const request = createRequestWithdrawal(ctx, life);
  const review = createReview(ctx, life);
  const processing = createProcessing(ctx, life, () => adapters);

  const service: WithdrawalsService = {
    addresses,
    request,
    cancel: (userId, id, origin) =>
      life.endReleasing(id, ['pending'], 'cancelled', {
        userId,
        audit: { actor: userId, action: 'wallet.withdrawal.cancel', ip: origin.ip },
      }),
    async get(id, userId) {
      const w = await repo.findWithdrawal(ctx.database, id, userId === undefined ? {} : { userId });
      if (w === null) throw new DomainError('WALLET_WITHDRAWAL_NOT_FOUND', 'No such withdrawal');
      return w;
    },
    list: (filter) =>
      repo.listWithdrawals(ctx.database, {
        ...filter,
        limit: Math.min(Math.max(filter.limit ?? 50, 1), 1000),
        offset: Math.max(filter.offset ?? 0, 0),
      }),
    approve: review.approve,
    reject: review.reject,
    markSent: review.markSent,
    processApproved: processing.processApproved,
    expireStale: processing.expireStale,
    reconcile: processing.reconcile,
    registerPayoutAdapter: (adapter) => {
      adapters.push(adapter);
    },
    useInstantPayouts(networks) {
      const adapter = createInstantPayoutAdapter(networks);
      adapters.push(adapter);
      return adapter;
    },
    view: async (w) => viewOfWithdrawal(w, await life.precisionOf(w.asset)),
    adminView: async (w) =>
      adminViewOfWithdrawal(w, await life.precisionOf(w.asset), await usdtPrecision(ctx.database)),
  };

  ctx.jobs.define(
    WITHDRAWALS_PROCESS_JOB,
    async () => {
      await service.processApproved();
    },
    { repeatEveryMs: 15_000, repeatData: null, attemptsMax: 3, backoffMs: 5_000 },
  );
  ctx.jobs.define(
    WITHDRAWALS_EXPIRE_JOB,
    async () => {
      await service.expireStale();
      await service.reconcile();
    },
    { repeatEveryMs: 60_000, repeatData: null, attemptsMax: 3, backoffMs: 5_000 },
  );

  return { service, routes: (app) => registerWithdrawalRoutes(app, service) };
}
