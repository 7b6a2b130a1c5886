import { WALLET_TYPES, type WalletType } from '../commands.js';

/** One ledger account: a user's wallet for an asset, or a system account for an asset. */
export class Account {
  available = 0;
  held = 0;
  /** Command seq that last touched the account (dedupes balance events per command). */
  stamp = 0;

  /** The asset's id and the wallet's index in WALLET_TYPES (balance events carry these numbers). */
  readonly assetId: number;
  readonly walletIndex: number;

  constructor(
    readonly key: number,
    /** User id, or 0 for a system account. */
    readonly user: number,
    readonly asset: string,
    readonly wallet: WalletType,
    /** Name of the system account, null for user accounts. */
    readonly system: string | null,
    readonly allowNegative: boolean,
    assetId: number,
  ) {
    this.assetId = assetId;
    this.walletIndex = WALLET_TYPES.indexOf(wallet);
  }
}
