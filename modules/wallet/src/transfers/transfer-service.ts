// Transfers between one's own wallets and between users. A transfer is a row (pending) and then one
// keyed engine command: the engine decides whether the money is there (so of 1,000 concurrent
// requests against one balance exactly as many succeed as it covers), and its key ('wt:<id>' /
// 'tr:<id>') makes every retry of the same row move nothing more.
import type { Queryable } from '@tradeloom/db';
import type { Party } from '@tradeloom/engine';
import { DomainError, newId } from '@tradeloom/kernel';
import { parseAmount } from '@tradeloom/money';
import { formatUnits, parseUnits } from '../amounts.js';
import type { Asset } from '../assets/asset.js';
import { RATE_SCALE, valueInQuote } from '../rates/rate-math.js';
import type { RateService } from '../rates/rate-service.js';
import type { WalletContext } from '../wallet-context.js';
import { DEFAULT_WALLET, type WalletType } from '../wallet-types.js';
import { maskEmail, type RecipientBy, type Transfer, type TransferKind, transferKey } from './transfer.js';
import { TRANSFER_RECEIVED_TEMPLATE, TRANSFER_SENT_TEMPLATE } from './transfer-mail-templates.js';
import * as repo from './transfer-repository.js';

export interface WalletTransferInput {
  asset: string;
  amount: string;
  fromWallet: WalletType;
  toWallet: WalletType;
  clientTransferId?: string;
}

export interface UserTransferInput {
  asset: string;
  amount: string;
  /** Exactly one of recipientEmail and recipientUserId. */
  recipientEmail?: string;
  recipientUserId?: string;
  fromWallet?: WalletType;
  clientTransferId?: string;
  twoFactorCode?: string;
}

export interface RequestInfo {
  ip: string;
  userAgent?: string;
}

/** A transfer as its sender or recipient sees it. */
export interface TransferView {
  id: string;
  kind: TransferKind;
  /** 'out' for the sender, 'in' for the recipient, 'self' between one's own wallets. */
  direction: 'in' | 'out' | 'self';
  asset: string;
  amount: string;
  fromWallet: WalletType;
  toWallet: WalletType;
  /** The other user (masked email), null between one's own wallets. */
  counterparty: { userId: string; email: string } | null;
  status: Transfer['status'];
  failureCode: string | null;
  clientTransferId: string | null;
  createdAt: string;
  completedAt: string | null;
}

export interface TransferCoreService {
  /** Moves an amount between two of the caller's wallet types. */
  walletTransfer(userId: string, input: WalletTransferInput): Promise<TransferView>;
  /** Sends an amount to another user (by email or user id). */
  transferToUser(userId: string, input: UserTransferInput, request: RequestInfo): Promise<TransferView>;
  /** One of the caller's transfers (sent or received), or WALLET_TRANSFER_NOT_FOUND. */
  getTransfer(userId: string, id: string): Promise<TransferView>;
  listTransfers(
    userId: string,
    options: { limit: number; cursor?: string },
  ): Promise<{ transfers: TransferView[]; nextCursor: string | null }>;
  /** Re-drives pending transfers older than `olderThanMs` (a crash between the row and the engine). */
  resumePending(olderThanMs?: number): Promise<number>;
  /** Whether a transfer of `units` of `asset` needs a second factor (USDT value above the threshold, or no price). */
  needsSecondFactor(asset: Asset, units: number): Promise<boolean>;
}

/** How long a request waits for a concurrent attempt with the same clientTransferId to finish. */
const SETTLE_WAIT_MS = 5_000;

export function createTransferService(ctx: WalletContext, rates: RateService): TransferCoreService {
  const db = ctx.database;
  const nowIso = () => new Date(ctx.clock.nowMs()).toISOString();

  const view = async (t: Transfer, viewer: string): Promise<TransferView> => {
    const asset = await ctx.assets.getAsset(t.asset);
    const direction = t.kind === 'wallet' ? 'self' : t.fromUserId === viewer ? 'out' : 'in';
    let counterparty: TransferView['counterparty'] = null;
    if (t.kind === 'internal') {
      const otherId = direction === 'out' ? t.toUserId : t.fromUserId;
      const other = await ctx.identity.getUser(otherId);
      counterparty = { userId: otherId, email: other === null ? '***' : maskEmail(other.email) };
    }
    return {
      id: t.id,
      kind: t.kind,
      direction,
      asset: t.asset,
      amount: formatUnits(t.amount, asset.precision),
      fromWallet: t.fromWallet,
      toWallet: t.toWallet,
      counterparty,
      status: t.status,
      failureCode: t.failureCode,
      clientTransferId: direction === 'in' ? null : t.clientTransferId,
      createdAt: t.createdAt,
      completedAt: t.completedAt,
    };
  };

  const partyOf = async (userId: string, wallet: WalletType): Promise<Party> => ({
    user: await ctx.engineAccountOf(userId),
    wallet,
  });

  /**
   * The mails of a completed user transfer, to queue with the status change. What they need is read
   * before the transaction: PGlite has one connection, so a read outside it would wait forever.
   */
  const prepareMails = async (t: Transfer): Promise<(within: Queryable) => Promise<void>> => {
    const [sender, recipient, asset] = await Promise.all([
      ctx.identity.getUser(t.fromUserId),
      ctx.identity.getUser(t.toUserId),
      ctx.assets.getAsset(t.asset),
    ]);
    if (sender === null || recipient === null) return async () => {};
    const amount = formatUnits(t.amount, asset.precision);
    const historyUrl = `${ctx.settings.publicUrl}/wallet/history`;
    const named = (u: { displayName?: string | null }): Record<string, string> =>
      u.displayName === undefined || u.displayName === null ? {} : { displayName: u.displayName };
    return async (within) => {
      await ctx.mail.send(
        {
          to: sender.email,
          userId: sender.id,
          template: TRANSFER_SENT_TEMPLATE,
          vars: {
            amount,
            asset: t.asset,
            // The sender typed the email; a recipient named by id is shown masked.
            recipient: t.recipientBy === 'email' ? recipient.email : maskEmail(recipient.email),
            transferId: t.id,
            historyUrl,
            ...named(sender),
          },
        },
        within,
      );
      await ctx.mail.send(
        {
          to: recipient.email,
          userId: recipient.id,
          template: TRANSFER_RECEIVED_TEMPLATE,
          vars: {
            amount,
            asset: t.asset,
            sender: maskEmail(sender.email),
            transferId: t.id,
            historyUrl,
            ...named(recipient),
          },
        },
        within,
      );
    };
  };

  /** Submits the row's engine command and records the outcome; throws the refusal. */
  const execute = async (t: Transfer): Promise<Transfer> => {
    let accepted: { commandSeq: number };
    try {
      accepted = await ctx.engine.transfer({
        key: transferKey(t),
        kind: t.kind,
        asset: t.asset,
        from: await partyOf(t.fromUserId, t.fromWallet),
        to: await partyOf(t.toUserId, t.toWallet),
        amount: t.amount,
      });
    } catch (error) {
      // A refusal is final for this row; anything else (engine unreachable) leaves it pending for
      // resumePending, which repeats the same keyed command.
      if (error instanceof DomainError) await repo.markFailed(db, t.id, error.code, nowIso());
      throw error;
    }
    const mails = t.kind === 'internal' ? await prepareMails(t) : null;
    await db.transaction(async (tx) => {
      const first = await repo.markCompleted(tx, t.id, accepted.commandSeq, nowIso());
      if (first && mails !== null) await mails(tx);
    });
    const done = await repo.findTransfer(db, t.id);
    if (done === null) throw new Error(`transfer ${t.id} vanished`);
    return done;
  };

  /** The outcome of an existing row: waits for a concurrent attempt, re-drives a stale one. */
  const settle = async (t: Transfer): Promise<Transfer> => {
    let current: Transfer | null = t;
    const deadline = Date.now() + SETTLE_WAIT_MS;
    let delay = 5;
    while (current !== null && current.status === 'pending' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 100);
      current = await repo.findTransfer(db, t.id);
    }
    if (current === null) throw new Error(`transfer ${t.id} vanished`);
    if (current.status === 'pending') return execute(current);
    if (current.status === 'failed') {
      throw new DomainError(
        current.failureCode ?? 'WALLET_ENGINE_REJECTED',
        `Transfer ${current.id} failed earlier (${current.failureCode}); use a new clientTransferId to try again`,
        { transferId: current.id },
      );
    }
    return current;
  };

  /** Same clientTransferId with other parameters: refused instead of answering the first transfer. */
  const assertSameRequest = (
    existing: Transfer,
    wanted: Pick<Transfer, 'kind' | 'asset' | 'amount' | 'fromWallet' | 'toWallet' | 'toUserId'>,
  ) => {
    const same =
      existing.kind === wanted.kind &&
      existing.asset === wanted.asset &&
      existing.amount === wanted.amount &&
      existing.fromWallet === wanted.fromWallet &&
      existing.toWallet === wanted.toWallet &&
      existing.toUserId === wanted.toUserId;
    if (!same) {
      throw new DomainError(
        'WALLET_TRANSFER_ID_REUSED',
        'This clientTransferId was used for a different transfer',
        { transferId: existing.id },
      );
    }
  };

  /** Inserts the row and runs it, or settles the row a concurrent request with the same client id made. */
  const start = async (draft: Transfer): Promise<Transfer> => {
    if (await repo.insertTransfer(db, draft)) return execute(draft);
    const existing =
      draft.clientTransferId === null
        ? null
        : await repo.findByClientId(db, draft.fromUserId, draft.clientTransferId);
    if (existing === null) throw new Error('transfer insert conflicted without a row');
    assertSameRequest(existing, draft);
    return settle(existing);
  };

  const draftOf = (
    fields: Omit<Transfer, 'id' | 'status' | 'failureCode' | 'commandSeq' | 'createdAt' | 'completedAt'>,
  ): Transfer => ({
    ...fields,
    id: newId(fields.kind === 'wallet' ? 'wt' : 'tr'),
    status: 'pending',
    failureCode: null,
    commandSeq: null,
    createdAt: nowIso(),
    completedAt: null,
  });

  /** A retry of a known clientTransferId answers the first transfer without checking anything again. */
  const replay = async (userId: string, clientTransferId: string | undefined) =>
    clientTransferId === undefined ? null : repo.findByClientId(db, userId, clientTransferId);

  const needsSecondFactor: TransferCoreService['needsSecondFactor'] = async (asset, units) => {
    const rate = await rates.rateOf(asset.code);
    if (rate === null) return true;
    const value = valueInQuote(BigInt(units), asset.precision, rate, RATE_SCALE, 'ceil');
    return value > parseAmount(ctx.settings.transferTwoFactorAboveUsdt, RATE_SCALE);
  };

  const assertBalance = async (userId: string, asset: string, wallet: WalletType, units: number) => {
    const available = await ctx.engine.available(await ctx.engineAccountOf(userId), asset, wallet);
    if (available < units) {
      throw new DomainError('WALLET_INSUFFICIENT_BALANCE', 'Insufficient available balance');
    }
  };

  return {
    needsSecondFactor,

    async walletTransfer(userId, input) {
      if (input.fromWallet === input.toWallet) {
        throw new DomainError('WALLET_SAME_WALLET', 'Choose two different wallets');
      }
      const asset = await ctx.assets.activeAsset(input.asset);
      const amount = parseUnits(input.amount, asset.precision);
      const fields = {
        kind: 'wallet' as const,
        fromUserId: userId,
        toUserId: userId,
        asset: asset.code,
        amount,
        fromWallet: input.fromWallet,
        toWallet: input.toWallet,
        recipientBy: 'self' as RecipientBy,
        clientTransferId: input.clientTransferId ?? null,
      };
      const known = await replay(userId, input.clientTransferId);
      if (known !== null) {
        assertSameRequest(known, fields);
        return view(await settle(known), userId);
      }
      return view(await start(draftOf(fields)), userId);
    },

    async transferToUser(userId, input, request) {
      const asset = await ctx.assets.activeAsset(input.asset);
      const amount = parseUnits(input.amount, asset.precision);
      const fromWallet = input.fromWallet ?? DEFAULT_WALLET;
      const byEmail = input.recipientEmail !== undefined;
      if (byEmail === (input.recipientUserId !== undefined)) {
        throw new DomainError('VALIDATION_FAILED', 'Give exactly one of recipientEmail and recipientUserId', {
          field: 'recipientEmail',
        });
      }
      const known = await replay(userId, input.clientTransferId);
      if (known !== null) {
        const named = byEmail
          ? await ctx.identity.findUserByEmail(input.recipientEmail ?? '')
          : { id: input.recipientUserId ?? '' };
        assertSameRequest(known, {
          kind: 'internal',
          asset: asset.code,
          amount,
          fromWallet,
          toWallet: DEFAULT_WALLET,
          toUserId: named?.id ?? '',
        });
        return view(await settle(known), userId);
      }
      // The lock after a security change covers transfers to other users as it covers withdrawals:
      // for someone who took over the account an internal transfer is as final as a withdrawal.
      const lockedUntil = await ctx.identity.withdrawalsLockedUntil(userId);
      if (lockedUntil !== null) {
        throw new DomainError(
          'WALLET_TRANSFERS_LOCKED',
          'Transfers to other users are paused for a while after a security change',
          { until: new Date(lockedUntil).toISOString() },
        );
      }
      // Checked before the recipient is looked up, so probing emails costs funds and a second factor,
      // not just requests (the route is rate limited as well).
      await assertBalance(userId, asset.code, fromWallet, amount);
      if (await needsSecondFactor(asset, amount)) {
        if (input.twoFactorCode === undefined) {
          throw new DomainError(
            'WALLET_TWO_FACTOR_REQUIRED',
            `Transfers above ${ctx.settings.transferTwoFactorAboveUsdt} USDT (or of an asset without a price) need a second-factor code`,
            { thresholdUsdt: ctx.settings.transferTwoFactorAboveUsdt },
          );
        }
        await ctx.identity.verifySecondFactor(userId, input.twoFactorCode, request);
      }
      const recipient = byEmail
        ? await ctx.identity.findUserByEmail(input.recipientEmail ?? '')
        : await ctx.identity.getUser(input.recipientUserId ?? '');
      // A blocked account receives nothing; it is answered like an unknown one (no account probing).
      if (recipient === null || recipient.status === 'blocked') {
        throw new DomainError('WALLET_RECIPIENT_NOT_FOUND', 'No user with that email or id');
      }
      if (recipient.id === userId) {
        throw new DomainError(
          'WALLET_RECIPIENT_SELF',
          'Use a wallet transfer to move funds between your own wallets',
        );
      }
      const draft = draftOf({
        kind: 'internal',
        fromUserId: userId,
        toUserId: recipient.id,
        asset: asset.code,
        amount,
        fromWallet,
        toWallet: DEFAULT_WALLET,
        recipientBy: byEmail ? 'email' : 'userId',
        clientTransferId: input.clientTransferId ?? null,
      });
      return view(await start(draft), userId);
    },

    async getTransfer(userId, id) {
      const t = await repo.findTransfer(db, id);
      // Someone else's transfer answers exactly as a missing one.
      if (t === null || (t.fromUserId !== userId && t.toUserId !== userId)) {
        throw new DomainError('WALLET_TRANSFER_NOT_FOUND', `No transfer ${id}`);
      }
      return view(t, userId);
    },

    async listTransfers(userId, options) {
      let before: { createdAt: string; id: string } | undefined;
      if (options.cursor !== undefined) {
        const at = await repo.findTransfer(db, options.cursor);
        if (at === null || (at.fromUserId !== userId && at.toUserId !== userId)) {
          throw new DomainError('WALLET_CURSOR_INVALID', 'Unknown cursor');
        }
        before = { createdAt: at.createdAt, id: at.id };
      }
      const rows = await repo.listTransfers(db, userId, {
        limit: options.limit + 1,
        ...(before === undefined ? {} : { before }),
      });
      const page = rows.slice(0, options.limit);
      return {
        transfers: await Promise.all(page.map((t) => view(t, userId))),
        nextCursor: rows.length > options.limit ? (page.at(-1)?.id ?? null) : null,
      };
    },

    async resumePending(olderThanMs = 60_000) {
      const stale = await repo.listStalePending(
        db,
        new Date(ctx.clock.nowMs() - olderThanMs).toISOString(),
        100,
      );
      for (const t of stale) {
        try {
          await execute(t);
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
        }
      }
      return stale.length;
    },
  };
}
