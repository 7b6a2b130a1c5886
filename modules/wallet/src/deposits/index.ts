// The deposits part of the wallet. (Being built: see issue 4.)
import type { ApiApp } from '@tradeloom/kernel';
import type { WalletContext } from '../wallet-context.js';

// biome-ignore lint/suspicious/noEmptyInterface: filled in by the part's own work
export interface DepositsService {}

export interface DepositsPart {
  service: DepositsService;
  routes(app: ApiApp): void;
}

export function createDeposits(_ctx: WalletContext): DepositsPart {
  return { service: {}, routes: () => {} };
}
