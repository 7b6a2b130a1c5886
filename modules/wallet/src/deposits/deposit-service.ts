// Deposits users submit (manual: a finance admin decides; gateway: the gateway's settlement does), the
// review, expiry and recovery; composed with the methods, webhook and chain parts into one service.
// How credits stay exactly-once is told in deposit-kit.ts.
import { DomainError, newId } from '@tradeloom/kernel';
import { formatUnits, parseUnits } from '../amounts.js';
import { toCsv } from '../csv.js';
import type { WalletContext } from '../wallet-context.js';
import type { ChainDepositsService } from './chain-deposit-service.js';
import { createChainDeposits } from './chain-deposit-service.js';
import type { DepositSource, DepositStatus } from './deposit.js';
import { depositFee } from './deposit-fee.js';
import { checkFieldValues } from './deposit-fields.js';
import { type Actor, createDepositKit, type DepositView, notFound, stateError } from './deposit-kit.js';
import { MAIL_DEPOSIT_REJECTED, registerDepositMailTemplates } from './deposit-mail.js';
import { createDepositMethods, type DepositMethodsService } from './deposit-methods.js';
import * as repo from './deposit-repository.js';
import { createWebhookHandler, type WebhookOutcome } from './gateway-webhooks.js';
import type { PaymentGatewayAdapter } from './gateways/payment-gateway.js';

export type { ChainDepositsService } from './chain-deposit-service.js';
export type { Actor, DepositMethodView, DepositView } from './deposit-kit.js';
export type { DepositMethodInput, DepositMethodsService, DepositMethodUpdate } from './deposit-methods.js';
export type { WebhookOutcome } from './gateway-webhooks.js';

export interface SubmitDepositInput {
  methodId: string;
  amount: string;
  reference?: string;
  fields?: Record<string, string>;
}

export interface DepositListFilter {
  userId?: string;
  status?: DepositStatus;
  asset?: string;
  source?: DepositSource;
  /** nextCursor of the previous page. */
  cursor?: string;
  offset?: number;
  limit?: number;
}

export interface DepositsService extends DepositMethodsService, ChainDepositsService {
  /** A manual deposit (pending until a finance admin decides) or a gateway payment (pending until settled). */
  submit(userId: string, input: SubmitDepositInput): Promise<DepositView>;
  /** The user cancels their own pending deposit. */
  cancel(userId: string, id: string): Promise<DepositView>;
  /** A deposit; with `userId`, only that user's (WALLET_DEPOSIT_NOT_FOUND for others'). */
  get(id: string, userId?: string): Promise<DepositView>;
  list(filter: DepositListFilter): Promise<{ deposits: DepositView[]; nextCursor: string | null }>;
  /** The filtered deposits as CSV (WALLET_EXPORT_TOO_LARGE beyond the export limit). */
  exportCsv(filter: Omit<DepositListFilter, 'cursor' | 'offset' | 'limit'>): Promise<string>;

  /** Credits a pending manual deposit (repeats answer the credited deposit and move nothing). */
  approve(id: string, actor: Actor): Promise<DepositView>;
  reject(id: string, reason: string, actor: Actor): Promise<DepositView>;

  registerGateway(adapter: PaymentGatewayAdapter): void;
  gatewayNames(): string[];
  /** A gateway's webhook: verified over the raw body, acted on at most once per event and per deposit. */
  handleWebhook(
    gateway: string,
    rawBody: string | null,
    headers: Readonly<Record<string, string | string[] | undefined>>,
  ): Promise<{ outcome: WebhookOutcome }>;

  /** Expires pending manual and gateway deposits older than the expiry setting; the count. */
  expireStale(): Promise<number>;
  /** Finishes deposits left approved but not credited (a crash between engine and database); the count. */
  resumeApproved(): Promise<number>;
}

/** Rows in one CSV export. */
export const EXPORT_MAX = 10_000;
export const PAGE_MAX = 500;
/** A deposit left 'approved' this long is taken for stuck by `resumeApproved`. */
const RESUME_AFTER_MS = 60_000;
export function createDepositService(
  ctx: WalletContext,
  options: { gateways?: readonly PaymentGatewayAdapter[] } = {},
): DepositsService {
  const db = ctx.database;
  const gateways = new Map<string, PaymentGatewayAdapter>();
  registerDepositMailTemplates(ctx.mail);

  const registerGateway = (adapter: PaymentGatewayAdapter) => {
    if (gateways.has(adapter.name)) throw new Error(`payment gateway ${adapter.name} registered twice`);
    gateways.set(adapter.name, adapter);
  };
  for (const adapter of options.gateways ?? []) registerGateway(adapter);

  const kit = createDepositKit(ctx);
  const { precisionOf, view, settle, historyUrl } = kit;
  const methods = createDepositMethods(ctx, kit, gateways);
  const chain = createChainDeposits(ctx, kit);
  const webhooks = createWebhookHandler(ctx, kit, gateways);

  const service: DepositsService = {
    ...methods,
    ...chain,
    ...webhooks,
    registerGateway,
    gatewayNames: () => [...gateways.keys()],

    async submit(userId, input) {
      const method = await repo.findMethod(db, input.methodId);
      if (method === null || !method.enabled) {
        // A disabled method is as good as absent to users.
        throw new DomainError('WALLET_DEPOSIT_METHOD_NOT_FOUND', `No deposit method ${input.methodId}`);
      }
      const asset = await ctx.assets.activeAsset(method.asset);
      const network = await ctx.assets.getNetwork(method.networkId);
      if (!network.depositEnabled) {
        throw new DomainError('WALLET_DEPOSITS_DISABLED', `Deposits on ${network.name} are disabled`);
      }
      const amount = parseUnits(input.amount, asset.precision);
      const min = Math.max(method.minAmount, network.depositMin);
      if (amount < min) {
        throw new DomainError(
          'WALLET_AMOUNT_BELOW_MIN',
          `The minimum is ${formatUnits(min, asset.precision)}`,
          {
            min: formatUnits(min, asset.precision),
          },
        );
      }
      if (method.maxAmount !== null && amount > method.maxAmount) {
        throw new DomainError(
          'WALLET_AMOUNT_ABOVE_MAX',
          `The maximum is ${formatUnits(method.maxAmount, asset.precision)}`,
          { max: formatUnits(method.maxAmount, asset.precision) },
        );
      }
      const fee = depositFee(amount, method.feeFixed, method.feePpm);
      if (fee >= amount) {
        throw new DomainError('WALLET_AMOUNT_BELOW_MIN', 'The amount does not cover the fee', {
          fee: formatUnits(fee, asset.precision),
        });
      }
      const fields = checkFieldValues(method.fields, input.fields ?? {});
      const adapter = method.gateway === null ? null : gateways.get(method.gateway);
      if (adapter === undefined) {
        throw new DomainError(
          'WALLET_GATEWAY_NOT_FOUND',
          `Payment gateway ${method.gateway} is not configured`,
        );
      }
      const limits = await ctx.assets.limitsFor(asset.code, await ctx.kycLevelOf(userId));
      const id = newId('dep');
      const now = ctx.clock.nowMs();
      const created = await db.transaction(async (tx) => {
        await ctx.engineAccountOf(userId, tx);
        // One submission per user at a time: the daily sum below cannot be raced past the limit.
        await tx.query('SELECT 1 FROM engine_accounts WHERE user_id = $1 FOR UPDATE', [userId]);
        if (limits.depositDailyMax !== null) {
          const used = await repo.depositedSince(tx, userId, asset.code, now - 24 * 3_600_000);
          if (used + BigInt(amount) > BigInt(limits.depositDailyMax)) {
            throw new DomainError('WALLET_LIMIT_EXCEEDED', 'This deposit is over your daily deposit limit', {
              limit: formatUnits(limits.depositDailyMax, asset.precision),
              used: formatUnits(used, asset.precision),
            });
          }
        }
        const inserted = await repo.insertDeposit(tx, {
          id,
          userId,
          source: adapter === null ? 'manual' : 'gateway',
          methodId: method.id,
          asset: asset.code,
          networkId: network.id,
          network: network.network,
          amount,
          fee,
          reference: input.reference ?? null,
          fields,
          engineKey: `dep:${id}`,
          gateway: adapter?.name ?? null,
          chain: null,
          nowMs: now,
        });
        if (inserted === null) throw new Error(`deposit ${id}: not inserted`);
        return inserted;
      });
      if (adapter === null) return view(created);
      // The gateway is called outside any transaction; a failure leaves the deposit failed, not pending.
      let payment: { redirectUrl?: string; providerRef: string };
      try {
        payment = await adapter.createPayment({
          deposit: created,
          amount: formatUnits(amount, asset.precision),
          currency: asset.code,
        });
      } catch {
        await repo.transition(db, id, ['pending'], 'failed', ctx.clock.nowMs());
        throw new DomainError(
          'WALLET_GATEWAY_UNAVAILABLE',
          `${adapter.name} did not start the payment; try again`,
        );
      }
      const withPayment = await repo.setGatewayPayment(
        db,
        id,
        payment.providerRef,
        payment.redirectUrl ?? null,
        ctx.clock.nowMs(),
      );
      return view(withPayment ?? created);
    },

    async cancel(userId, id) {
      const d = await repo.findDeposit(db, id);
      if (d === null || d.userId !== userId) throw notFound(id);
      if (d.source === 'chain') throw stateError(d, 'cancel a chain deposit');
      const canceled = await repo.transition(db, id, ['pending'], 'canceled', ctx.clock.nowMs());
      if (canceled === null) {
        const now = (await repo.findDeposit(db, id)) ?? d;
        throw stateError(now, 'cancel');
      }
      return view(canceled);
    },

    async get(id, userId) {
      const d = await repo.findDeposit(db, id);
      if (d === null || (userId !== undefined && d.userId !== userId)) throw notFound(id);
      return view(d);
    },

    async list(filter) {
      const limit = Math.min(filter.limit ?? 50, PAGE_MAX);
      const rows = await repo.listDeposits(db, { ...toRepoFilter(filter), limit });
      const last = rows.at(-1);
      return {
        deposits: await Promise.all(rows.map(view)),
        nextCursor: rows.length === limit && last !== undefined ? String(last.seq) : null,
      };
    },

    async exportCsv(filter) {
      const rows = await repo.listDeposits(db, { ...toRepoFilter(filter), limit: EXPORT_MAX + 1 });
      if (rows.length > EXPORT_MAX) {
        throw new DomainError(
          'WALLET_EXPORT_TOO_LARGE',
          `More than ${EXPORT_MAX} deposits: narrow the filter`,
        );
      }
      const views = await Promise.all(rows.map(view));
      return toCsv(
        [
          'id',
          'createdAt',
          'source',
          'asset',
          'network',
          'amount',
          'fee',
          'net',
          'status',
          'reference',
          'txHash',
          'creditedAt',
        ],
        views.map((v) => [
          v.id,
          v.createdAt,
          v.source,
          v.asset,
          v.network,
          v.amount,
          v.fee,
          v.net,
          v.status,
          v.reference,
          v.txHash,
          v.creditedAt,
        ]),
      );
    },

    async approve(id, actor) {
      const found = await repo.findDeposit(db, id);
      if (found === null) throw notFound(id);
      if (found.source !== 'manual')
        throw stateError(found, 'approve a deposit its gateway or chain settles');
      const approved = await db.transaction(async (tx) => {
        const moved = await repo.transition(tx, id, ['pending'], 'approved', ctx.clock.nowMs(), {
          by: actor.userId,
        });
        if (moved === null) return null;
        await ctx.audit.record(
          {
            actor: actor.userId,
            action: 'wallet.deposit.approve',
            target: `deposit:${id}`,
            ...(actor.ip ? { ip: actor.ip } : {}),
            before: { status: found.status },
            after: { status: 'approved', amount: moved.amount, fee: moved.fee, asset: moved.asset },
          },
          tx,
        );
        return moved;
      });
      // Lost the race, or a retry: an approved deposit is finished (at most once by the engine's key),
      // a credited one answered as it is, anything else was decided otherwise.
      const current = approved ?? (await repo.findDeposit(db, id));
      if (current === null) throw notFound(id);
      if (current.status !== 'approved' && current.status !== 'credited')
        throw stateError(current, 'approve');
      return view(await settle(current));
    },

    async reject(id, reason, actor) {
      const found = await repo.findDeposit(db, id);
      if (found === null) throw notFound(id);
      if (found.source !== 'manual') throw stateError(found, 'reject a deposit its gateway or chain settles');
      const user = await ctx.identity.getUser(found.userId);
      const p = await precisionOf(found.asset);
      const rejected = await db.transaction(async (tx) => {
        const moved = await repo.transition(tx, id, ['pending'], 'rejected', ctx.clock.nowMs(), {
          by: actor.userId,
          reason,
        });
        if (moved === null) return null;
        await ctx.audit.record(
          {
            actor: actor.userId,
            action: 'wallet.deposit.reject',
            target: `deposit:${id}`,
            ...(actor.ip ? { ip: actor.ip } : {}),
            before: { status: found.status },
            after: { status: 'rejected', reason },
          },
          tx,
        );
        if (user !== null) {
          await ctx.mail.send(
            {
              to: user.email,
              userId: user.id,
              template: MAIL_DEPOSIT_REJECTED,
              vars: {
                amount: formatUnits(moved.amount, p),
                asset: moved.asset,
                depositId: moved.id,
                reason,
                historyUrl: historyUrl(),
                ...(user.displayName ? { displayName: user.displayName } : {}),
              },
            },
            tx,
          );
        }
        return moved;
      });
      if (rejected === null) throw stateError((await repo.findDeposit(db, id)) ?? found, 'reject');
      return view(rejected);
    },

    async expireStale() {
      const now = ctx.clock.nowMs();
      let expired = 0;
      for (const id of await repo.stalePending(db, now - ctx.settings.depositExpiryMs, 1_000)) {
        if ((await repo.transition(db, id, ['pending'], 'expired', now)) !== null) expired += 1;
      }
      return expired;
    },

    async resumeApproved() {
      await repo.backfillEngineSeqs(db);
      let finished = 0;
      for (const id of await repo.approvedBefore(db, ctx.clock.nowMs() - RESUME_AFTER_MS, 200)) {
        const d = await repo.findDeposit(db, id);
        if (d !== null && (await settle(d)).status === 'credited') finished += 1;
      }
      return finished;
    },
  };

  return service;
}

function toRepoFilter(filter: DepositListFilter): Omit<repo.DepositFilter, 'limit'> {
  let beforeSeq: number | undefined;
  if (filter.cursor !== undefined) {
    if (!/^\d{1,15}$/.test(filter.cursor)) {
      throw new DomainError('VALIDATION_FAILED', 'cursor: the nextCursor of a previous page', {
        field: 'cursor',
      });
    }
    beforeSeq = Number(filter.cursor);
  }
  return {
    ...(filter.userId === undefined ? {} : { userId: filter.userId }),
    ...(filter.status === undefined ? {} : { status: filter.status }),
    ...(filter.asset === undefined ? {} : { asset: filter.asset }),
    ...(filter.source === undefined ? {} : { source: filter.source }),
    ...(beforeSeq === undefined ? {} : { beforeSeq }),
    ...(filter.offset === undefined ? {} : { offset: filter.offset }),
  };
}
