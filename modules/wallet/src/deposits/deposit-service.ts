// Deposits: methods the admin defines, deposits users submit (manual) or pay through a gateway, and
// deposits the chain integration reports. Every credit is an engine transfer keyed by the deposit
// (`dep:<id>`, `chain:<network>:<tx>:<index>`; the fee `<key>:fee`), so it happens at most once
// whatever is repeated. Status changes are conditional UPDATEs (pending → approved → credited): two
// racing decisions cannot both win, and a deposit left 'approved' by a crash between the engine
// and the database is finished by the next approval, webhook or job run (the engine answers the
// repeated key with the first result).
import { DomainError, newId } from '@tradeloom/kernel';
import { formatUnits, parseUnits } from '../amounts.js';
import { toCsv } from '../csv.js';
import { externalAccount, FEES } from '../engine/wallet-engine.js';
import type { WalletContext } from '../wallet-context.js';
import { DEFAULT_WALLET } from '../wallet-types.js';
import type {
  ChainDepositOutcome,
  ChainDepositSink,
  DepositAddressGenerator,
  ObservedChainDeposit,
} from './chain-deposits.js';
import type {
  Deposit,
  DepositAddress,
  DepositMethod,
  DepositMethodField,
  DepositMethodKind,
  DepositSource,
  DepositStatus,
} from './deposit.js';
import { depositFee } from './deposit-fee.js';
import { checkFieldValues } from './deposit-fields.js';
import {
  MAIL_DEPOSIT_CREDITED,
  MAIL_DEPOSIT_REJECTED,
  registerDepositMailTemplates,
} from './deposit-mail.js';
import * as repo from './deposit-repository.js';
import type { PaymentGatewayAdapter } from './gateways/payment-gateway.js';

/** Who acts, for the audit log. */
export interface Actor {
  userId: string;
  ip?: string;
}

export interface DepositMethodInput {
  asset: string;
  /** The network's slug (a network of the asset). */
  network: string;
  kind?: DepositMethodKind;
  gateway?: string | null;
  name: string;
  instructions?: string;
  fields?: DepositMethodField[];
  feeFixed?: string;
  feePpm?: number;
  minAmount?: string;
  maxAmount?: string | null;
  enabled?: boolean;
}

export type DepositMethodUpdate = Partial<
  Pick<
    DepositMethodInput,
    'name' | 'instructions' | 'fields' | 'feeFixed' | 'feePpm' | 'minAmount' | 'maxAmount' | 'enabled'
  >
>;

export interface DepositMethodView extends Omit<DepositMethod, 'feeFixed' | 'minAmount' | 'maxAmount'> {
  feeFixed: string;
  minAmount: string;
  maxAmount: string | null;
}

export interface DepositView {
  id: string;
  userId: string;
  source: DepositSource;
  methodId: string | null;
  asset: string;
  network: string;
  amount: string;
  fee: string;
  net: string;
  reference: string | null;
  fields: Record<string, string>;
  status: DepositStatus;
  rejectReason: string | null;
  decidedBy: string | null;
  gateway: string | null;
  redirectUrl: string | null;
  txHash: string | null;
  outputIndex: number | null;
  address: string | null;
  confirmations: number | null;
  engineSeq: number | null;
  createdAt: string;
  decidedAt: string | null;
  creditedAt: string | null;
}

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

export type WebhookOutcome = 'credited' | 'failed' | 'pending' | 'ignored' | 'mismatch' | 'duplicate';

export interface DepositsService extends ChainDepositSink {
  createMethod(input: DepositMethodInput, actor: Actor): Promise<DepositMethodView>;
  updateMethod(id: string, input: DepositMethodUpdate, actor: Actor): Promise<DepositMethodView>;
  /** Deletes a method no deposit refers to (WALLET_DEPOSIT_METHOD_IN_USE otherwise: disable it). */
  deleteMethod(id: string, actor: Actor): Promise<void>;
  getMethod(id: string): Promise<DepositMethodView>;
  /** `usableOnly`: enabled methods of active assets on networks taking deposits (what users see). */
  listMethods(options?: { usableOnly?: boolean; asset?: string }): Promise<DepositMethodView[]>;

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

  registerAddressGenerator(generator: DepositAddressGenerator): void;
  /** The user's deposit address on a network, made by the network's generator on first use. */
  depositAddress(userId: string, asset: string, network: string): Promise<DepositAddress>;

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
/** What a gateway settlement may credit: a late success still counts (the money arrived). */
const SETTLEABLE: readonly DepositStatus[] = ['pending', 'failed', 'expired', 'canceled'];

const isoOf = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function notFound(id: string): DomainError {
  return new DomainError('WALLET_DEPOSIT_NOT_FOUND', `No deposit ${id}`);
}

function stateError(d: Deposit, wanted: string): DomainError {
  return new DomainError('WALLET_DEPOSIT_STATE', `Deposit ${d.id} is ${d.status}: cannot ${wanted}`, {
    status: d.status,
  });
}

export function createDepositService(
  ctx: WalletContext,
  options: { gateways?: readonly PaymentGatewayAdapter[] } = {},
): DepositsService {
  const db = ctx.database;
  const gateways = new Map<string, PaymentGatewayAdapter>();
  const generators = new Map<string, DepositAddressGenerator>();
  // An asset's precision never changes once created: safe to remember.
  const precisions = new Map<string, number>();
  registerDepositMailTemplates(ctx.mail);

  const registerGateway = (adapter: PaymentGatewayAdapter) => {
    if (gateways.has(adapter.name)) throw new Error(`payment gateway ${adapter.name} registered twice`);
    gateways.set(adapter.name, adapter);
  };
  for (const adapter of options.gateways ?? []) registerGateway(adapter);

  const precisionOf = async (asset: string): Promise<number> => {
    const known = precisions.get(asset);
    if (known !== undefined) return known;
    const { precision } = await ctx.assets.getAsset(asset);
    precisions.set(asset, precision);
    return precision;
  };

  const methodView = async (m: DepositMethod): Promise<DepositMethodView> => {
    const p = await precisionOf(m.asset);
    return {
      ...m,
      feeFixed: formatUnits(m.feeFixed, p),
      minAmount: formatUnits(m.minAmount, p),
      maxAmount: m.maxAmount === null ? null : formatUnits(m.maxAmount, p),
    };
  };

  const view = async (d: Deposit): Promise<DepositView> => {
    const p = await precisionOf(d.asset);
    return {
      id: d.id,
      userId: d.userId,
      source: d.source,
      methodId: d.methodId,
      asset: d.asset,
      network: d.network,
      amount: formatUnits(d.amount, p),
      fee: formatUnits(d.fee, p),
      net: formatUnits(d.net, p),
      reference: d.reference,
      fields: d.fields,
      status: d.status,
      rejectReason: d.rejectReason,
      decidedBy: d.decidedBy,
      gateway: d.gateway,
      redirectUrl: d.redirectUrl,
      txHash: d.chainTxHash,
      outputIndex: d.chainOutputIndex,
      address: d.chainAddress,
      confirmations: d.confirmations,
      engineSeq: d.engineSeq,
      createdAt: isoOf(d.createdAtMs) ?? '',
      decidedAt: isoOf(d.decidedAtMs),
      creditedAt: isoOf(d.creditedAtMs),
    };
  };

  const getMethod = async (id: string): Promise<DepositMethod> => {
    const method = await repo.findMethod(db, id);
    if (method === null) throw new DomainError('WALLET_DEPOSIT_METHOD_NOT_FOUND', `No deposit method ${id}`);
    return method;
  };

  const historyUrl = () => `${ctx.settings.publicUrl.replace(/\/$/, '')}/wallet/deposits`;

  /**
   * Credits an approved deposit through the engine and marks it credited. Safe to run any number of
   * times, concurrently too: the engine moves each key once; only the call whose UPDATE wins mails.
   */
  const credit = async (d: Deposit): Promise<Deposit> => {
    const from = externalAccount(d.network);
    const accountNo = await ctx.engineAccountOf(d.userId);
    const main = await ctx.engine.transfer({
      key: d.engineKey,
      kind: 'deposit',
      asset: d.asset,
      from,
      to: { user: accountNo, wallet: DEFAULT_WALLET },
      amount: d.net,
    });
    const fee =
      d.fee > 0
        ? await ctx.engine.transfer({
            key: `${d.engineKey}:fee`,
            kind: 'fee',
            asset: d.asset,
            from,
            to: FEES,
            amount: d.fee,
          })
        : null;
    // A repeated key answers with the repeat's own sequence number: only a first run's is the credit's.
    const mainSeq = main.duplicate ? null : main.commandSeq;
    const feeSeq = fee === null || fee.duplicate ? null : fee.commandSeq;
    const user = await ctx.identity.getUser(d.userId);
    const p = await precisionOf(d.asset);
    const credited = await db.transaction(async (tx) => {
      const marked = await repo.markCredited(tx, d.id, mainSeq, feeSeq, ctx.clock.nowMs());
      // Another call marked it first: the command that moved the money is still recorded.
      if (marked === null && (mainSeq !== null || feeSeq !== null)) {
        await repo.recordEngineSeqs(tx, d.id, mainSeq, feeSeq);
      }
      if (marked !== null && user !== null) {
        await ctx.mail.send(
          {
            to: user.email,
            userId: user.id,
            template: MAIL_DEPOSIT_CREDITED,
            vars: {
              amount: formatUnits(d.amount, p),
              net: formatUnits(d.net, p),
              fee: formatUnits(d.fee, p),
              asset: d.asset,
              depositId: d.id,
              historyUrl: historyUrl(),
              ...(user.displayName ? { displayName: user.displayName } : {}),
            },
          },
          tx,
        );
      }
      return marked;
    });
    return credited ?? (await repo.findDeposit(db, d.id)) ?? d;
  };

  /** Finishes an approved deposit; answers a credited one as it is. */
  const settle = async (d: Deposit): Promise<Deposit> => (d.status === 'approved' ? credit(d) : d);

  const service: DepositsService = {
    async createMethod(input, actor) {
      const network = await ctx.assets.networkOf(input.asset, input.network);
      const asset = await ctx.assets.getAsset(input.asset);
      const kind = input.kind ?? 'manual';
      const gateway = kind === 'gateway' ? (input.gateway ?? null) : null;
      if (kind === 'gateway' && (gateway === null || !gateways.has(gateway))) {
        throw new DomainError(
          'WALLET_GATEWAY_NOT_FOUND',
          `No payment gateway ${String(gateway)} is configured`,
        );
      }
      if (kind === 'manual' && input.gateway != null) {
        throw new DomainError('VALIDATION_FAILED', 'gateway is only for gateway methods', {
          field: 'gateway',
        });
      }
      const units = (text: string, field: string) => parseUnits(text, asset.precision, field, true);
      const method: DepositMethod = {
        id: newId('dm'),
        kind,
        gateway,
        networkId: network.id,
        network: network.network,
        asset: asset.code,
        name: input.name,
        instructions: input.instructions ?? '',
        fields: input.fields ?? [],
        feeFixed: units(input.feeFixed ?? '0', 'feeFixed'),
        feePpm: input.feePpm ?? 0,
        minAmount: units(input.minAmount ?? '0', 'minAmount'),
        maxAmount:
          input.maxAmount === undefined || input.maxAmount === null
            ? null
            : units(input.maxAmount, 'maxAmount'),
        enabled: input.enabled ?? true,
      };
      checkMethod(method);
      await db.transaction(async (tx) => {
        if (!(await repo.insertMethod(tx, method))) {
          throw new DomainError(
            'WALLET_DEPOSIT_METHOD_EXISTS',
            `${method.asset} has a method named ${method.name}`,
          );
        }
        await ctx.audit.record(
          {
            actor: actor.userId,
            action: 'wallet.deposit-method.create',
            target: `deposit-method:${method.id}`,
            ...(actor.ip ? { ip: actor.ip } : {}),
            after: method,
          },
          tx,
        );
      });
      return methodView(method);
    },

    async updateMethod(id, input, actor) {
      const current = await getMethod(id);
      const precision = await precisionOf(current.asset);
      const units = (text: string, field: string) => parseUnits(text, precision, field, true);
      const after: DepositMethod = {
        ...current,
        ...(input.name === undefined ? {} : { name: input.name }),
        ...(input.instructions === undefined ? {} : { instructions: input.instructions }),
        ...(input.fields === undefined ? {} : { fields: input.fields }),
        ...(input.feeFixed === undefined ? {} : { feeFixed: units(input.feeFixed, 'feeFixed') }),
        ...(input.feePpm === undefined ? {} : { feePpm: input.feePpm }),
        ...(input.minAmount === undefined ? {} : { minAmount: units(input.minAmount, 'minAmount') }),
        ...(input.maxAmount === undefined
          ? {}
          : { maxAmount: input.maxAmount === null ? null : units(input.maxAmount, 'maxAmount') }),
        ...(input.enabled === undefined ? {} : { enabled: input.enabled }),
      };
      checkMethod(after);
      await db.transaction(async (tx) => {
        const before = await repo.findMethod(tx, id, true);
        if (before === null)
          throw new DomainError('WALLET_DEPOSIT_METHOD_NOT_FOUND', `No deposit method ${id}`);
        if (!(await repo.updateMethod(tx, after))) {
          throw new DomainError(
            'WALLET_DEPOSIT_METHOD_EXISTS',
            `${after.asset} has a method named ${after.name}`,
          );
        }
        await ctx.audit.record(
          {
            actor: actor.userId,
            action: 'wallet.deposit-method.update',
            target: `deposit-method:${id}`,
            ...(actor.ip ? { ip: actor.ip } : {}),
            before,
            after,
          },
          tx,
        );
      });
      return methodView(after);
    },

    async deleteMethod(id, actor) {
      await db.transaction(async (tx) => {
        const before = await repo.findMethod(tx, id, true);
        if (before === null)
          throw new DomainError('WALLET_DEPOSIT_METHOD_NOT_FOUND', `No deposit method ${id}`);
        const result = await repo.deleteMethod(tx, id);
        if (result === 'in-use') {
          throw new DomainError(
            'WALLET_DEPOSIT_METHOD_IN_USE',
            'Deposits refer to this method: disable it instead of deleting it',
          );
        }
        await ctx.audit.record(
          {
            actor: actor.userId,
            action: 'wallet.deposit-method.delete',
            target: `deposit-method:${id}`,
            ...(actor.ip ? { ip: actor.ip } : {}),
            before,
          },
          tx,
        );
      });
    },

    async getMethod(id) {
      return methodView(await getMethod(id));
    },

    async listMethods(options = {}) {
      const methods = await repo.listMethods(db, {
        usableOnly: options.usableOnly === true,
        ...(options.asset === undefined ? {} : { asset: options.asset }),
      });
      return Promise.all(methods.map(methodView));
    },

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

    registerGateway,
    gatewayNames: () => [...gateways.keys()],

    async handleWebhook(name, rawBody, headers) {
      const adapter = gateways.get(name);
      if (adapter === undefined)
        throw new DomainError('WALLET_GATEWAY_NOT_FOUND', `No payment gateway ${name}`);
      const invalid = () =>
        new DomainError(
          'WALLET_WEBHOOK_INVALID',
          'The webhook signature, timestamp or payload does not check out',
        );
      if (rawBody === null) throw invalid();
      let event: ReturnType<PaymentGatewayAdapter['verifyWebhook']>;
      try {
        event = adapter.verifyWebhook(rawBody, headers, ctx.clock.nowMs());
      } catch {
        throw invalid();
      }
      const deposit = await repo.findDepositByProviderRef(db, adapter.name, event.providerRef);
      let outcome: Exclude<WebhookOutcome, 'duplicate'>;
      if (deposit === null) outcome = 'ignored';
      else if (event.status === 'succeeded') {
        outcome = (await settlementMatches(deposit, event.amount, event.currency)) ? 'credited' : 'mismatch';
      } else outcome = event.status;
      const now = ctx.clock.nowMs();
      const result = await db.transaction(async (tx) => {
        const first = await repo.insertGatewayEvent(tx, {
          gateway: adapter.name,
          eventId: event.eventId,
          providerRef: event.providerRef,
          status: event.status,
          depositId: deposit?.id ?? null,
          outcome,
          nowMs: now,
        });
        if (!first) return { outcome: 'duplicate' as const };
        if (deposit !== null && outcome === 'credited') {
          const moved = await repo.transition(tx, deposit.id, SETTLEABLE, 'approved', now);
          if (moved !== null) {
            await ctx.audit.record(
              {
                actor: `gateway:${adapter.name}`,
                action: 'wallet.deposit.settle',
                target: `deposit:${deposit.id}`,
                before: { status: deposit.status },
                after: { status: 'approved', eventId: event.eventId },
              },
              tx,
            );
          }
        } else if (deposit !== null && outcome === 'failed') {
          await repo.transition(tx, deposit.id, ['pending'], 'failed', now);
        }
        return { outcome };
      });
      // Whatever the event, a settled deposit not yet credited (this event, or a crash after an
      // earlier one) is finished now; the engine key makes repeats harmless.
      if (deposit !== null) {
        const current = await repo.findDeposit(db, deposit.id);
        if (current !== null) await settle(current);
      }
      return result;
    },

    registerAddressGenerator(generator) {
      if (generators.has(generator.network)) {
        throw new Error(`deposit address generator for ${generator.network} registered twice`);
      }
      generators.set(generator.network, generator);
    },

    async depositAddress(userId, assetCode, networkCode) {
      const network = await ctx.assets.networkOf(assetCode, networkCode);
      const existing = await repo.findAddressOfUser(db, userId, network.id);
      if (existing !== null) return existing;
      const generator = generators.get(network.network);
      if (generator === undefined) {
        throw new DomainError(
          'WALLET_DEPOSIT_ADDRESS_UNAVAILABLE',
          `No deposit addresses on ${network.name} yet`,
        );
      }
      if (!network.depositEnabled) {
        throw new DomainError('WALLET_DEPOSITS_DISABLED', `Deposits on ${network.name} are disabled`);
      }
      const made = await generator.generate({ userId, asset: assetCode, network: network.network });
      const address = {
        id: newId('dad'),
        userId,
        networkId: network.id,
        address: made.address,
        memo: made.memo ?? '',
        nowMs: ctx.clock.nowMs(),
      };
      if (!(await repo.insertAddress(db, address))) {
        throw new Error(`deposit address generator for ${network.network} made an address already in use`);
      }
      return { ...address, createdAtMs: address.nowMs };
    },

    async recordChainDeposit(o: ObservedChainDeposit) {
      const network = await ctx.assets.networkOf(o.asset, o.network);
      const precision = await precisionOf(o.asset);
      if (!/^[0-9A-Za-z]{1,80}$/.test(o.txHash)) {
        throw new DomainError('VALIDATION_FAILED', 'txHash: 1-80 letters and digits', { field: 'txHash' });
      }
      if (!Number.isSafeInteger(o.outputIndex) || o.outputIndex < 0 || o.outputIndex > 2_147_483_647) {
        throw new DomainError('VALIDATION_FAILED', 'outputIndex: a non-negative integer', {
          field: 'outputIndex',
        });
      }
      if (!Number.isSafeInteger(o.confirmations) || o.confirmations < 0) {
        throw new DomainError('VALIDATION_FAILED', 'confirmations: a non-negative integer', {
          field: 'confirmations',
        });
      }
      const amount = parseUnits(o.amount, precision);
      const owner = await repo.findAddress(db, network.id, o.address, o.memo ?? '');
      if (owner === null) return { outcome: 'unknown-address' as ChainDepositOutcome, depositId: null };
      const now = ctx.clock.nowMs();
      let d = await repo.findChainDeposit(db, network.network, o.txHash, o.outputIndex);
      if (d === null) {
        const id = newId('dep');
        d =
          (await repo.insertDeposit(db, {
            id,
            userId: owner.userId,
            source: 'chain',
            methodId: null,
            asset: network.asset,
            networkId: network.id,
            network: network.network,
            amount,
            fee: 0,
            reference: null,
            fields: {},
            engineKey: `chain:${network.network}:${o.txHash}:${o.outputIndex}`,
            gateway: null,
            chain: {
              txHash: o.txHash,
              outputIndex: o.outputIndex,
              address: o.address,
              confirmations: o.confirmations,
            },
            nowMs: now,
          })) ?? (await repo.findChainDeposit(db, network.network, o.txHash, o.outputIndex));
        if (d === null)
          throw new Error(`chain deposit ${o.txHash}:${o.outputIndex}: neither inserted nor found`);
      }
      if (d.amount !== amount || d.chainAddress !== o.address || d.asset !== network.asset) {
        // The same output cannot change: a watcher reporting otherwise is broken, and nothing is credited.
        throw new DomainError(
          'VALIDATION_FAILED',
          'This output was recorded with another amount, address or asset',
          {
            depositId: d.id,
          },
        );
      }
      await repo.raiseConfirmations(db, d.id, o.confirmations, now);
      if (d.status === 'pending' && o.confirmations >= network.confirmations) {
        if (amount < network.depositMin) {
          await repo.transition(db, d.id, ['pending'], 'rejected', now, {
            by: 'system',
            reason: 'below the network minimum',
          });
        } else {
          await repo.transition(db, d.id, ['pending'], 'approved', now);
        }
        d = (await repo.findDeposit(db, d.id)) ?? d;
      }
      d = await settle(d);
      const outcome: ChainDepositOutcome =
        d.status === 'credited' ? 'credited' : d.status === 'rejected' ? 'below-minimum' : 'pending';
      return { outcome, depositId: d.id };
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

  /** A settlement counts only for the deposit's exact amount in its asset. */
  async function settlementMatches(d: Deposit, amount: string, currency: string): Promise<boolean> {
    if (currency.toUpperCase() !== d.asset.toUpperCase()) return false;
    try {
      const trimmed = amount.includes('.') ? amount.replace(/\.?0+$/, '') : amount;
      return (
        parseUnits(trimmed === '' ? '0' : trimmed, await precisionOf(d.asset), 'amount', true) === d.amount
      );
    } catch {
      return false;
    }
  }

  return service;
}

function checkMethod(m: DepositMethod): void {
  if (!Number.isInteger(m.feePpm) || m.feePpm < 0 || m.feePpm > 1_000_000) {
    throw new DomainError('VALIDATION_FAILED', 'feePpm must be 0-1000000', { field: 'feePpm' });
  }
  if (m.maxAmount !== null && (m.maxAmount === 0 || m.maxAmount < m.minAmount)) {
    throw new DomainError('VALIDATION_FAILED', 'maxAmount must be positive and at least minAmount', {
      field: 'maxAmount',
    });
  }
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
