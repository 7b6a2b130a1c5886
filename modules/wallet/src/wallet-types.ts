import { WALLET_TYPES, type WalletType } from '@tradeloom/engine';
import { z } from 'zod';

export { WALLET_TYPES, type WalletType };

/** A wallet type in a request body or query. */
export const walletTypeSchema = z.enum(WALLET_TYPES);

/** The wallet deposits credit and withdrawals debit unless the request names another. */
export const DEFAULT_WALLET: WalletType = 'SPOT';
