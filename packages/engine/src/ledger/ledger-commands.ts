// Ledger commands: assets, system accounts, transfers and generic holds (withdrawals, escrow,
// staking locks use these). Each validates fully before it changes anything.
import { isAmount, MAX_SAFE } from '../arith.js';
import type {
  AddAsset,
  DefineSystemAccount,
  Hold,
  Party,
  Release,
  SettleHold,
  Transfer,
} from '../commands.js';
import { TRANSFER_KINDS, WALLET_TYPES } from '../commands.js';
import type { Context } from '../context.js';
import type { Accepted } from '../events.js';
import type { Rejection } from '../reject.js';
import { insufficient, isRejection, reject } from '../reject.js';
import type { Account } from './account.js';
import type { AssetInfo } from './ledger.js';
import { Ledger } from './ledger.js';

const KEY = /^[\x21-\x7e]{1,128}$/;

export class LedgerCommands {
  /** First results of idempotent commands by key: a repeated key returns the first result. */
  readonly results = new Map<string, Accepted>();

  constructor(
    private readonly ctx: Context,
    private readonly ledger: Ledger,
  ) {}

  addAsset(cmd: AddAsset): Rejection | null {
    if (typeof cmd.asset !== 'string' || !Ledger.isValidAssetCode(cmd.asset)) {
      return reject('INVALID_COMMAND', 'asset code must be 1-16 characters of A-Z and 0-9');
    }
    if (!Number.isInteger(cmd.scale) || cmd.scale < 0 || cmd.scale > 18) {
      return reject('INVALID_COMMAND', 'scale must be an integer within [0, 18]');
    }
    if (this.ledger.assets.has(cmd.asset)) return reject('ASSET_EXISTS', `asset ${cmd.asset} exists`);
    if (!this.ledger.canAddAsset()) return reject('INVALID_COMMAND', 'too many assets');
    this.ledger.addAsset(cmd.asset, cmd.scale);
    this.ctx.emit({ type: 'assetAdded', seq: this.ctx.nextSeq(), asset: cmd.asset, scale: cmd.scale });
    return null;
  }

  defineSystemAccount(cmd: DefineSystemAccount): Rejection | null {
    if (typeof cmd.name !== 'string' || !Ledger.isValidSystemName(cmd.name)) {
      return reject('INVALID_COMMAND', 'system account name must match [a-z][a-z0-9_.:-]{0,63}');
    }
    if (typeof cmd.allowNegative !== 'boolean')
      return reject('INVALID_COMMAND', 'allowNegative must be a boolean');
    if (this.ledger.systems.has(cmd.name))
      return reject('SYSTEM_ACCOUNT_EXISTS', `system account ${cmd.name} exists`);
    this.ledger.defineSystem(cmd.name, cmd.allowNegative);
    this.ctx.emit({
      type: 'systemAccountDefined',
      seq: this.ctx.nextSeq(),
      name: cmd.name,
      allowNegative: cmd.allowNegative,
    });
    return null;
  }

  transfer(cmd: Transfer): Accepted | Rejection | null {
    const seen = this.seen(cmd.key);
    if (seen !== undefined) return seen;
    if (!TRANSFER_KINDS.includes(cmd.kind))
      return reject('INVALID_COMMAND', `unknown transfer kind ${cmd.kind}`);
    const asset = this.asset(cmd.asset);
    if (isRejection(asset)) return asset;
    if (!isAmount(cmd.amount) || cmd.amount === 0)
      return reject('INVALID_COMMAND', 'amount must be a positive integer');
    const from = this.party(cmd.from, asset);
    if (isRejection(from)) return from;
    const to = this.party(cmd.to, asset);
    if (isRejection(to)) return to;
    if (from === to) return reject('SAME_ACCOUNT', 'cannot transfer to the same account');
    if (!this.ledger.canDebit(from, cmd.amount)) {
      return insufficient(from, cmd.amount);
    }
    if (to.available > MAX_SAFE - cmd.amount)
      return reject('AMOUNT_OVERFLOW', 'balance would exceed 2^53-1 units');
    // A system account allowed to go negative has the same bound below zero.
    if (from.available < cmd.amount - MAX_SAFE)
      return reject('AMOUNT_OVERFLOW', 'balance would go below -(2^53-1) units');
    this.ledger.move(from, to, cmd.amount);
    this.ctx.emit({
      type: 'transfer',
      seq: this.ctx.nextSeq(),
      key: cmd.key,
      kind: cmd.kind,
      asset: asset.code,
      from: cmd.from,
      to: cmd.to,
      amount: cmd.amount,
      fromHeld: false,
    });
    return null;
  }

  hold(cmd: Hold): Rejection | null {
    if (typeof cmd.holdId !== 'string' || !KEY.test(cmd.holdId)) {
      return reject('INVALID_COMMAND', 'holdId must be 1-128 printable ASCII characters');
    }
    if (this.ledger.holds.has(cmd.holdId)) return reject('HOLD_EXISTS', `hold ${cmd.holdId} exists`);
    const asset = this.asset(cmd.asset);
    if (isRejection(asset)) return asset;
    if (!isAmount(cmd.amount) || cmd.amount === 0)
      return reject('INVALID_COMMAND', 'amount must be a positive integer');
    const account = this.party(cmd.account, asset);
    if (isRejection(account)) return account;
    if (account.available < cmd.amount) {
      return insufficient(account, cmd.amount);
    }
    this.ledger.reserve(account, cmd.amount);
    this.ledger.holds.set(cmd.holdId, { holdId: cmd.holdId, account, amount: cmd.amount });
    this.ctx.emit({
      type: 'hold',
      seq: this.ctx.nextSeq(),
      holdId: cmd.holdId,
      asset: asset.code,
      account: cmd.account,
      amount: cmd.amount,
    });
    return null;
  }

  release(cmd: Release): Rejection | null {
    const hold = this.ledger.holds.get(cmd.holdId);
    if (hold === undefined) return reject('UNKNOWN_HOLD', `no open hold ${String(cmd.holdId)}`);
    const amount = cmd.amount ?? hold.amount;
    if (!isAmount(amount) || amount === 0)
      return reject('INVALID_COMMAND', 'amount must be a positive integer');
    if (amount > hold.amount) {
      return reject('HOLD_AMOUNT_EXCEEDED', `hold has ${hold.amount} left`, { remaining: hold.amount });
    }
    this.releaseHold(cmd.holdId, amount);
    return null;
  }

  settleHold(cmd: SettleHold): Accepted | Rejection | null {
    const seen = this.seen(cmd.key);
    if (seen !== undefined) return seen;
    const hold = this.ledger.holds.get(cmd.holdId);
    if (hold === undefined) return reject('UNKNOWN_HOLD', `no open hold ${String(cmd.holdId)}`);
    if (!TRANSFER_KINDS.includes(cmd.kind))
      return reject('INVALID_COMMAND', `unknown transfer kind ${cmd.kind}`);
    if (!isAmount(cmd.amount) || cmd.amount === 0)
      return reject('INVALID_COMMAND', 'amount must be a positive integer');
    if (cmd.amount > hold.amount) {
      return reject('HOLD_AMOUNT_EXCEEDED', `hold has ${hold.amount} left`, { remaining: hold.amount });
    }
    if (cmd.final !== undefined && typeof cmd.final !== 'boolean')
      return reject('INVALID_COMMAND', 'final must be a boolean');
    const asset = this.ledger.assets.get(hold.account.asset)!;
    const to = this.party(cmd.to, asset);
    if (isRejection(to)) return to;
    if (to === hold.account) return reject('SAME_ACCOUNT', 'cannot settle a hold into its own account');
    if (to.available > MAX_SAFE - cmd.amount)
      return reject('AMOUNT_OVERFLOW', 'balance would exceed 2^53-1 units');
    this.ledger.moveHeld(hold.account, to, cmd.amount);
    hold.amount -= cmd.amount;
    this.ctx.emit({
      type: 'transfer',
      seq: this.ctx.nextSeq(),
      key: cmd.key,
      kind: cmd.kind,
      asset: asset.code,
      from: partyOf(hold.account),
      to: cmd.to,
      amount: cmd.amount,
      fromHeld: true,
    });
    if (hold.amount === 0) this.ledger.holds.delete(cmd.holdId);
    else if (cmd.final === true) this.releaseHold(cmd.holdId, hold.amount);
    return null;
  }

  /** Remember the result of a keyed command so that its repetition returns it again. */
  remember(key: string, result: Accepted): void {
    this.results.set(key, result);
  }

  private releaseHold(holdId: string, amount: number): void {
    const hold = this.ledger.holds.get(holdId)!;
    this.ledger.unreserve(hold.account, amount);
    hold.amount -= amount;
    if (hold.amount === 0) this.ledger.holds.delete(holdId);
    this.ctx.emit({
      type: 'release',
      seq: this.ctx.nextSeq(),
      holdId,
      asset: hold.account.asset,
      account: partyOf(hold.account),
      amount,
      remaining: hold.amount,
    });
  }

  private seen(key: unknown): Accepted | Rejection | undefined {
    if (typeof key !== 'string' || !KEY.test(key)) {
      return reject('INVALID_COMMAND', 'key must be 1-128 printable ASCII characters');
    }
    const first = this.results.get(key);
    return first === undefined ? undefined : { ...first, duplicate: true };
  }

  private asset(code: unknown): AssetInfo | Rejection {
    const asset = typeof code === 'string' ? this.ledger.assets.get(code) : undefined;
    return asset ?? reject('UNKNOWN_ASSET', `unknown asset ${String(code)}`);
  }

  private party(party: Party, asset: AssetInfo): Account | Rejection {
    if (typeof party !== 'object' || party === null)
      return reject('INVALID_COMMAND', 'account must be an object');
    if ('system' in party) {
      return (
        this.ledger.systemAccount(party.system, asset) ??
        reject('UNKNOWN_SYSTEM_ACCOUNT', `unknown system account ${party.system}`)
      );
    }
    if (!Ledger.isValidUser(party.user))
      return reject('INVALID_COMMAND', 'user must be a positive integer id');
    if (!WALLET_TYPES.includes(party.wallet))
      return reject('INVALID_COMMAND', `unknown wallet type ${String(party.wallet)}`);
    return this.ledger.userAccount(party.user, asset, party.wallet);
  }
}

/** The transfer party an account stands for. */
export function partyOf(account: Account): Party {
  return account.system !== null
    ? { system: account.system }
    : { user: account.user, wallet: account.wallet };
}
