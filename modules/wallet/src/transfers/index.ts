// The transfers part of the wallet. (Being built: see issue 4.)
import type { ApiApp } from '@tradeloom/kernel';
import type { WalletContext } from '../wallet-context.js';

// biome-ignore lint/suspicious/noEmptyInterface: filled in by the part's own work
export interface TransfersService {}

export interface TransfersPart {
  service: TransfersService;
  routes(app: ApiApp): void;
}

export function createTransfers(_ctx: WalletContext): TransfersPart {
  return { service: {}, routes: () => {} };
}
