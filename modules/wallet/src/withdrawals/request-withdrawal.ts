// A user asks to withdraw: every check in a fixed order, each with its own code, then the funds
// (amount + fee) are held in the engine at once. The engine is the judge of the balance: it refuses
// a hold the available balance does not cover, so concurrent requests can never overdraw.
//
// Crash safety: the row is written first in state 'holding' (committed), then the hold is placed
// under the id 'wd:<id>', then the row becomes 'pending'. A refused hold deletes the row (nothing
// was held; the caller gets the refusal). A crash between the insert and the state change leaves a
// 'holding' row whose hold outcome is unknown: `reconcileHolding` re-submits the same hold id —
// HOLD_EXISTS (or success) means the funds are held and the row becomes 'pending' (mailed, reviewed
// like any other); a refusal marks it 'failed'.
import type { Queryable } from '@tradeloom/db';
import { DomainError, newId } from '@tradeloom/kernel';
import { parseUnits } from '../amounts.js';
import type { Network } from '../assets/asset.js';
import type { WalletContext } from '../wallet-context.js';
import { checkAddress, type RequestOrigin, resolveNetwork } from './address-book.js';
import { worthMoreThanUsdt } from './usdt-value.js';
import { holdIdOf, type Withdrawal, type WithdrawalAddress } from './withdrawal.js';
import { engineCodeOf, type Lifecycle } from './withdrawal-lifecycle.js';
import * as repo from './withdrawal-repository.js';

const DAY_MS = 24 * 3_600_000;

/** Who asks: a signed-in session (needs a code each time) or an API key with the 'withdraw' scope. */
export interface WithdrawalCaller {
  userId: string;
  method: 'session' | 'apiKey';
  apiKeyId?: string | undefined;
}

export interface RequestWithdrawalInput {
  asset: string;
  /** Network slug or id; optional with `addressId` (the entry names it). */
  network?: string | undefined;
  /** An allow-list entry… */
  addressId?: string | undefined;
  /** …or the address itself (it must be in the allow-list). */
  address?: string | undefined;
  memo?: string | null | undefined;
  amount: string;
  /** Required for session callers; API keys proved a second factor when they were created. */
  twoFactorCode?: string | undefined;
}

export function createRequestWithdrawal(ctx: WalletContext, life: Lifecycle) {
  const db = ctx.database;

  /** The allow-list entry the request names, with its network (mismatches refused). */
  const target = async (
    userId: string,
    asset: string,
    input: RequestWithdrawalInput,
  ): Promise<{ network: Network; entry: WithdrawalAddress | null; address: string; memo: string }> => {
    if (input.addressId !== undefined) {
      const entry = await repo.findAddress(db, userId, input.addressId);
      if (entry === null) {
        throw new DomainError('WALLET_ADDRESS_NOT_ALLOWED', 'This address is not in your allow-list', {
          addressId: input.addressId,
        });
      }
      if (entry.asset !== asset) {
        throw new DomainError(
          'WALLET_NETWORK_ASSET_MISMATCH',
          `This address is on ${entry.network} for ${entry.asset}, not ${asset}`,
          { asset, network: entry.network, networkAsset: entry.asset },
        );
      }
      const network = await resolveNetwork(ctx, asset, input.network ?? entry.networkId);
      if (network.id !== entry.networkId) {
        throw new DomainError(
          'WALLET_ADDRESS_NOT_ALLOWED',
          `This address is not allowed on ${network.network}`,
        );
      }
      return { network, entry, address: entry.address, memo: entry.memo };
    }
    if (input.network === undefined || input.address === undefined) {
      throw new DomainError('VALIDATION_FAILED', 'Give addressId, or network and address', {
        field: 'addressId',
      });
    }
    const network = await resolveNetwork(ctx, asset, input.network);
    return { network, entry: null, address: input.address, memo: input.memo ?? '' };
  };

  return async function requestWithdrawal(
    caller: WithdrawalCaller,
    input: RequestWithdrawalInput,
    origin: RequestOrigin,
  ): Promise<Withdrawal> {
    const { userId } = caller;
    const nowMs = ctx.clock.nowMs();
    // 1. the asset
    const asset = await ctx.assets.activeAsset(input.asset);
    // 2. the network: the same asset's, taking withdrawals
    const resolved = await target(userId, asset.code, input);
    const { network } = resolved;
    if (!network.withdrawEnabled) {
      throw new DomainError(
        'WALLET_WITHDRAWALS_DISABLED',
        `${asset.code} withdrawals on ${network.name} are off`,
      );
    }
    // 3. the address: valid for the network, in the allow-list, past its waiting period
    const memo = checkAddress(network, resolved.address, resolved.memo);
    const entry =
      resolved.entry ?? (await repo.findAddressByValue(db, userId, network.id, resolved.address, memo));
    if (entry === null) {
      throw new DomainError(
        'WALLET_ADDRESS_NOT_ALLOWED',
        'Add this address to your allow-list first (withdrawals go only to listed addresses)',
      );
    }
    if (entry.usableFromMs > nowMs) {
      throw new DomainError(
        'WALLET_ADDRESS_PENDING',
        `This address can be used from ${new Date(entry.usableFromMs).toISOString()}`,
        { usableAt: new Date(entry.usableFromMs).toISOString() },
      );
    }
    // 4. the lock after a security change
    const lockedUntil = await ctx.identity.withdrawalsLockedUntil(userId);
    if (lockedUntil !== null) {
      const until = new Date(lockedUntil).toISOString();
      throw new DomainError(
        'WALLET_WITHDRAWALS_LOCKED',
        `Withdrawals are locked until ${until} after a security change`,
        { until },
      );
    }
    // 5. amounts: the network's min/max, the KYC level's limits, the fee
    const amount = parseUnits(input.amount, asset.precision);
    if (amount < network.withdrawMin) {
      throw new DomainError('WALLET_AMOUNT_BELOW_MIN', `The minimum on ${network.name} is higher`, {
        min: network.withdrawMin,
      });
    }
    if (network.withdrawMax !== null && amount > network.withdrawMax) {
      throw new DomainError('WALLET_AMOUNT_ABOVE_MAX', `The maximum on ${network.name} is lower`, {
        max: network.withdrawMax,
      });
    }
    const limits = await ctx.assets.limitsFor(asset.code, await ctx.kycLevelOf(userId));
    if (limits.withdrawPerTxMax !== null && amount > limits.withdrawPerTxMax) {
      throw new DomainError('WALLET_LIMIT_EXCEEDED', 'Above your limit per withdrawal', { limit: 'perTx' });
    }
    const dailyMax = limits.withdrawDailyMax;
    const overDaily = async (q: Queryable) =>
      dailyMax !== null &&
      (await repo.withdrawnSince(q, userId, asset.code, nowMs - DAY_MS)) + BigInt(amount) > BigInt(dailyMax);
    const dailyRefusal = () =>
      new DomainError('WALLET_LIMIT_EXCEEDED', 'Above your daily withdrawal limit', { limit: 'daily' });
    if (await overDaily(db)) throw dailyRefusal();
    const fee = network.withdrawFee;
    const total = amount + fee;
    if (!Number.isSafeInteger(total)) throw new DomainError('WALLET_AMOUNT_INVALID', 'amount: too large');
    // 6. the second factor, last: a mistake above does not use up the user's code
    if (caller.method === 'session') {
      if (
        input.twoFactorCode === undefined ||
        input.twoFactorCode === '' ||
        !(await ctx.identity.hasSecondFactor(userId))
      ) {
        throw new DomainError(
          'WALLET_TWO_FACTOR_REQUIRED',
          'Withdrawals need two-factor authentication turned on and a current code',
        );
      }
      await ctx.identity.verifySecondFactor(userId, input.twoFactorCode, origin);
    }
    const { above, valueUsdt } = await worthMoreThanUsdt(
      db,
      asset.code,
      amount,
      ctx.settings.fourEyesAboveUsdt,
    );
    const accountNo = await ctx.engineAccountOf(userId);
    const id = newId('wd');
    const row: Withdrawal = {
      id,
      userId,
      accountNo,
      asset: asset.code,
      networkId: network.id,
      network: network.network,
      addressId: entry.id,
      address: entry.address,
      memo,
      amount,
      fee,
      holdId: holdIdOf(id),
      status: 'holding',
      approvalsRequired: above ? 2 : 1,
      valueUsdt: valueUsdt === null || valueUsdt > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(valueUsdt),
      requestedVia: caller.method,
      apiKeyId: caller.apiKeyId ?? null,
      reason: null,
      payoutAdapter: null,
      payoutAwaiting: false,
      payoutTxId: null,
      payoutAttempts: 0,
      nextAttemptAtMs: null,
      holdReleasedAtMs: null,
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
      completedAtMs: null,
      approvedBy: [],
    };
    // The daily limit counts what is in flight too, so one user's requests are serialised here.
    await db.transaction(async (tx) => {
      await repo.lockUser(tx, userId);
      // Again under the lock: concurrent requests of the user are counted now.
      if (await overDaily(tx)) throw dailyRefusal();
      await repo.insertWithdrawal(tx, row);
    });
    try {
      await ctx.engine.hold(row.holdId, asset.code, { user: accountNo, wallet: 'SPOT' }, total);
    } catch (error) {
      if (engineCodeOf(error) !== 'HOLD_EXISTS') {
        await repo.deleteRefused(db, id);
        throw error;
      }
    }
    const send = await life.mailer(row, 'pending');
    await db.transaction(async (tx) => {
      if (await repo.transition(tx, id, ['holding'], 'pending', ctx.clock.nowMs())) await send(tx);
    });
    return life.reload(id);
  };
}

/**
 * Resolves 'holding' rows older than `staleMs` (their request died between insert and hold): the
 * same hold id is submitted again; held (now or before) → pending, refused → failed.
 */
export async function reconcileHolding(
  ctx: WalletContext,
  life: Lifecycle,
  staleMs: number,
): Promise<{ held: number; failed: number }> {
  const db = ctx.database;
  let held = 0;
  let failed = 0;
  for (const id of await repo.idsWhere(db, 'holding-stale', ctx.clock.nowMs() - staleMs, 100)) {
    const w = await repo.findWithdrawal(db, id);
    if (w === null || w.status !== 'holding') continue;
    let isHeld = true;
    let refusal = '';
    try {
      await ctx.engine.hold(w.holdId, w.asset, { user: w.accountNo, wallet: 'SPOT' }, w.amount + w.fee);
    } catch (error) {
      if (engineCodeOf(error) !== 'HOLD_EXISTS') {
        isHeld = false;
        refusal = error instanceof Error ? error.message : String(error);
      }
    }
    const nowMs = ctx.clock.nowMs();
    if (isHeld) {
      const send = await life.mailer(w, 'pending');
      const moved = await db.transaction(async (tx) => {
        const ok = await repo.transition(tx, id, ['holding'], 'pending', nowMs);
        if (ok) await send(tx);
        return ok;
      });
      if (moved) held++;
      // The row left 'holding' some other way meanwhile: nothing may stay held for it.
      else if ((await repo.findWithdrawal(db, id))?.status !== 'pending') await life.releaseHold(w);
    } else {
      await repo.transition(db, id, ['holding'], 'failed', nowMs, { reason: refusal });
      await repo.markHoldReleased(db, id, nowMs);
      failed++;
    }
  }
  return { held, failed };
}
