// The withdrawals part of the wallet. (Being built: see issue 4.)
import type { ApiApp } from '@tradeloom/kernel';
import type { WalletContext } from '../wallet-context.js';

// biome-ignore lint/suspicious/noEmptyInterface: filled in by the part's own work
export interface WithdrawalsService {}

export interface WithdrawalsPart {
  service: WithdrawalsService;
  routes(app: ApiApp): void;
}

export function createWithdrawals(_ctx: WalletContext): WithdrawalsPart {
  return { service: {}, routes: () => {} };
}
