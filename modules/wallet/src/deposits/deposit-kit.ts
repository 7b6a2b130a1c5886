// What the deposit part's services share: asset precisions, views, and the one way a deposit is
// credited (`settle`). Every credit is an engine transfer keyed by the deposit (`dep:<id>`,
// `chain:<network>:<tx>:<index>`; the fee `<key>:fee`), so it happens at most once whatever is
// repeated; status changes are conditional UPDATEs (pending → approved → credited), so two racing
// decisions cannot both win; and a deposit left 'approved' by a crash between the engine and the
// database is finished by the next approval, webhook or job run.
import { DomainError } from '@tradeloom/kernel';
import { formatUnits } from '../amounts.js';
import { externalAccount, FEES } from '../engine/wallet-engine.js';
import type { WalletContext } from '../wallet-context.js';
import { DEFAULT_WALLET } from '../wallet-types.js';
import type { Deposit, DepositMethod, DepositSource, DepositStatus } from './deposit.js';
import { MAIL_DEPOSIT_CREDITED } from './deposit-mail.js';
import * as repo from './deposit-repository.js';

/** Who acts, for the audit log. */
export interface Actor {
  userId: string;
  ip?: string;
}

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
export interface DepositKit {
  precisionOf(asset: string): Promise<number>;
  methodView(m: DepositMethod): Promise<DepositMethodView>;
  view(d: Deposit): Promise<DepositView>;
  /** Credits an approved deposit (at most once, however often called); answers others as they are. */
  settle(d: Deposit): Promise<Deposit>;
  /** The user's deposit history page (links in mails). */
  historyUrl(): string;
}

const isoOf = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function notFound(id: string): DomainError {
  return new DomainError('WALLET_DEPOSIT_NOT_FOUND', `No deposit ${id}`);
}

export function stateError(d: Deposit, wanted: string): DomainError {
  return new DomainError('WALLET_DEPOSIT_STATE', `Deposit ${d.id} is ${d.status}: cannot ${wanted}`, {
    status: d.status,
  });
}

export function createDepositKit(ctx: WalletContext): DepositKit {
  const db = ctx.database;
  // An asset's precision never changes once created: safe to remember.
  const precisions = new Map<string, number>();

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
  return { precisionOf, methodView, view, settle, historyUrl };
}
