// The ledger: accounts with available and held balances, double-entry transfers, holds. It is the
// "risk engine" half of the engine; matching asks it to reserve and settle, never touches balances.

import { isAmount } from '../arith.js';
import { fail } from '../assert.js';
import type { Party, WalletType } from '../commands.js';
import { WALLET_TYPES } from '../commands.js';
import type { Context } from '../context.js';
import { Account } from './account.js';

export interface AssetInfo {
  id: number;
  code: string;
  scale: number;
}

export interface SystemAccountInfo {
  id: number;
  name: string;
  allowNegative: boolean;
}

export interface HoldRecord {
  holdId: string;
  account: Account;
  amount: number;
}

const ASSET_CODE = /^[A-Z0-9]{1,16}$/;
const SYSTEM_NAME = /^[a-z][a-z0-9_.:-]{0,63}$/;
/** User ids must fit the account key encoding: user * 2^16 + asset * 2^4 + wallet < 2^53. */
export const USER_ID_MAX = 2 ** 36;
const ASSET_COUNT_MAX = 4096;

export class Ledger {
  readonly assets = new Map<string, AssetInfo>();
  readonly systems = new Map<string, SystemAccountInfo>();
  readonly accounts = new Map<number, Account>();
  readonly systemAccounts = new Map<string, Account>();
  readonly holds = new Map<string, HoldRecord>();

  constructor(private readonly ctx: Context) {}

  static isValidAssetCode(code: string): boolean {
    return ASSET_CODE.test(code);
  }

  static isValidSystemName(name: string): boolean {
    return SYSTEM_NAME.test(name);
  }

  static isValidUser(user: unknown): user is number {
    return typeof user === 'number' && Number.isSafeInteger(user) && user > 0 && user < USER_ID_MAX;
  }

  canAddAsset(): boolean {
    return this.assets.size < ASSET_COUNT_MAX;
  }

  addAsset(code: string, scale: number): AssetInfo {
    const info: AssetInfo = { id: this.assets.size + 1, code, scale };
    this.assets.set(code, info);
    this.ctx.out.assetCodes[info.id] = code;
    return info;
  }

  defineSystem(name: string, allowNegative: boolean): void {
    this.systems.set(name, { id: this.systems.size + 1, name, allowNegative });
  }

  /** The user's account for an asset and wallet, created empty on first use. */
  userAccount(user: number, asset: AssetInfo, wallet: WalletType): Account {
    const walletIndex = WALLET_TYPES.indexOf(wallet);
    const key = (user * 4096 + asset.id) * 16 + walletIndex;
    let account = this.accounts.get(key);
    if (account === undefined) {
      account = new Account(key, user, asset.code, wallet, null, false, asset.id);
      this.accounts.set(key, account);
    }
    return account;
  }

  /** A system account for an asset; the system name must have been defined. */
  systemAccount(name: string, asset: AssetInfo): Account | undefined {
    const system = this.systems.get(name);
    if (system === undefined) return undefined;
    const mapKey = `${name}\u0000${asset.code}`;
    let account = this.systemAccounts.get(mapKey);
    if (account === undefined) {
      account = new Account(
        -(system.id * 4096 + asset.id),
        0,
        asset.code,
        'SPOT',
        name,
        system.allowNegative,
        asset.id,
      );
      this.systemAccounts.set(mapKey, account);
    }
    return account;
  }

  /** Resolve a transfer party; undefined when it names an unknown system account. */
  resolve(party: Party, asset: AssetInfo): Account | undefined {
    if ('system' in party) return this.systemAccount(party.system, asset);
    return this.userAccount(party.user, asset, party.wallet);
  }

  canDebit(account: Account, amount: number): boolean {
    return account.allowNegative || account.available >= amount;
  }

  /** Move amount from one account's available balance to another's: the double-entry primitive. */
  move(from: Account, to: Account, amount: number): void {
    if (!isAmount(amount)) fail(`transfer amount must be a non-negative safe integer: ${amount}`);
    if (!(from.asset === to.asset)) fail(`transfer across assets ${from.asset} -> ${to.asset}`);
    if (!this.canDebit(from, amount)) fail(`debit below zero on ${from.key}`);
    from.available -= amount;
    // Inline rather than addExact: a double returned by a call that is not inlined is boxed.
    const credited = to.available + amount;
    if (!Number.isSafeInteger(credited)) fail(`sum out of safe range: ${to.available} + ${amount}`);
    to.available = credited;
    this.touch(from);
    this.touch(to);
  }

  /** Debit from held (a reserved amount leaving the account) and credit another's available. */
  moveHeld(from: Account, to: Account, amount: number): void {
    if (!isAmount(amount)) fail(`settle amount must be a non-negative safe integer: ${amount}`);
    if (!(from.asset === to.asset)) fail(`settle across assets ${from.asset} -> ${to.asset}`);
    if (!(from.held >= amount)) fail(`held below zero on ${from.key}`);
    from.held -= amount;
    const credited = to.available + amount;
    if (!Number.isSafeInteger(credited)) fail(`sum out of safe range: ${to.available} + ${amount}`);
    to.available = credited;
    this.touch(from);
    this.touch(to);
  }

  /**
   * Settle one fill: the four moves of docs/engine.md (buyer's held quote to the seller's available,
   * buyer's fee from held and seller's fee from its proceeds to the fees account, seller's held base to
   * the buyer's available), with their checks done once: one call and four balance touches per fill
   * instead of four calls and eight. Amounts are non-negative safe integers (the caller computed them
   * from checked products) and `sellerFee <= notional` (fee rates are at most 10%).
   */
  settleFill(
    buyerSpend: Account,
    buyerReceive: Account,
    sellerSpend: Account,
    sellerReceive: Account,
    fees: Account,
    notional: number,
    base: number,
    buyerFee: number,
    sellerFee: number,
  ): void {
    if (!(buyerSpend.asset === sellerReceive.asset && fees.asset === sellerReceive.asset))
      fail(`fill settles quote across assets ${buyerSpend.asset} -> ${sellerReceive.asset}`);
    if (!(sellerSpend.asset === buyerReceive.asset))
      fail(`fill settles base across assets ${sellerSpend.asset} -> ${buyerReceive.asset}`);
    const quoteOut = notional + buyerFee;
    if (!(buyerSpend.held >= quoteOut)) fail(`held below zero on ${buyerSpend.key}`);
    if (!(sellerSpend.held >= base)) fail(`held below zero on ${sellerSpend.key}`);
    if (!(sellerFee <= notional)) fail(`seller fee ${sellerFee} above notional ${notional}`);
    const proceeds = sellerReceive.available + (notional - sellerFee);
    const feesTotal = fees.available + (buyerFee + sellerFee);
    if (!(Number.isSafeInteger(proceeds) && Number.isSafeInteger(feesTotal)))
      fail(`sum out of safe range settling ${notional} + fees ${buyerFee}/${sellerFee}`);
    buyerSpend.held -= quoteOut;
    sellerReceive.available = proceeds;
    fees.available = feesTotal;
    sellerSpend.held -= base;
    // Read after the writes above: the buyer may be the seller (self-trade prevention NONE).
    const received = buyerReceive.available + base;
    if (!Number.isSafeInteger(received)) fail(`sum out of safe range: ${buyerReceive.available} + ${base}`);
    buyerReceive.available = received;
    const ctx = this.ctx;
    ctx.touchAccount(buyerSpend);
    ctx.touchAccount(sellerReceive);
    ctx.touchAccount(sellerSpend);
    ctx.touchAccount(buyerReceive);
  }

  /** Reserve: available -> held within one account. Caller checked the balance. */
  reserve(account: Account, amount: number): void {
    if (!(account.available >= amount)) fail(`reserve beyond available on ${account.key}`);
    account.available -= amount;
    account.held += amount;
    this.touch(account);
  }

  /** Unreserve: held -> available within one account. */
  unreserve(account: Account, amount: number): void {
    if (!(account.held >= amount)) fail(`release beyond held on ${account.key}`);
    account.held -= amount;
    account.available += amount;
    this.touch(account);
  }

  private touch(account: Account): void {
    if (account.system === null) this.ctx.touchAccount(account);
  }

  /** Every account, system ones included, in a stable order (for hashing and invariants). */
  allAccounts(): Account[] {
    const list = [...this.accounts.values(), ...this.systemAccounts.values()];
    list.sort((a, b) => a.key - b.key);
    return list;
  }
}
