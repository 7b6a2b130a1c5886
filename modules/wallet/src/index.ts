import { fileURLToPath } from 'node:url';
import type { Database, Queryable } from '@tradeloom/db';
import type { PlatformModule } from '@tradeloom/kernel';
import { engineAccountOf, userOfEngineAccount } from './engine-accounts.js';

/** The wallet module's service (this slice: the mapping of users to engine accounts). */
export interface WalletService {
  /** The user's engine account number, created on first use (in `within`'s transaction when given). */
  engineAccountOf(userId: string, within?: Queryable): Promise<number>;
  userOfEngineAccount(accountNo: number): Promise<string | null>;
}

/** The wallet module. Issue 4 grows it (assets, deposits, withdrawals, transfers, history). */
export function createWalletModule(deps: { database: Database }): {
  module: PlatformModule;
  service: WalletService;
} {
  const service: WalletService = {
    engineAccountOf: (userId, within) => engineAccountOf(within ?? deps.database, userId),
    userOfEngineAccount: (accountNo) => userOfEngineAccount(deps.database, accountNo),
  };
  return {
    module: { name: 'wallet', migrationsDir: fileURLToPath(new URL('../migrations/', import.meta.url)) },
    service,
  };
}
