import { fileURLToPath } from 'node:url';
import type { Database, Queryable } from '@tradeloom/db';
import type { JobQueue } from '@tradeloom/jobs';
import { type AuditSink, type Clock, type PlatformModule, systemClock } from '@tradeloom/kernel';
import './errors.js';
import { registerAssetRoutes } from './assets/asset-routes.js';
import { type AssetService, createAssetService } from './assets/asset-service.js';
import { createDeposits, type DepositsService } from './deposits/index.js';
import type { EnginePort } from './engine/engine-port.js';
import { WalletEngine } from './engine/wallet-engine.js';
import { cachedEngineAccountOf, engineAccountOf, userOfEngineAccount } from './engine-accounts.js';
import { walletPermissions } from './permissions.js';
import { createTransfers, type TransfersService } from './transfers/index.js';
import {
  defaultWalletSettings,
  type WalletContext,
  type WalletIdentity,
  type WalletMail,
  type WalletSettings,
} from './wallet-context.js';
import { createWithdrawals, type WithdrawalsService } from './withdrawals/index.js';

export type { Asset, AssetKind, AssetLimits, AssetStatus, Network } from './assets/asset.js';
export type { AssetService, AssetView, NetworkView } from './assets/asset-service.js';
export type { EngineBalanceRow, EnginePort, WalletEngineQuery } from './engine/engine-port.js';
export { externalAccount, FEES } from './engine/wallet-engine.js';
export { WALLET_ERRORS, type WalletErrorCode } from './errors.js';
export {
  PERMISSION_FINANCE_DEPOSITS,
  PERMISSION_FINANCE_LEDGER,
  PERMISSION_FINANCE_WITHDRAWALS,
  PERMISSION_WALLET_ASSETS,
} from './permissions.js';
export {
  defaultWalletSettings,
  type WalletIdentity,
  type WalletMail,
  type WalletMailTemplate,
  type WalletSettings,
  type WalletUser,
} from './wallet-context.js';
export {
  createInstantPayoutAdapter,
  createManualPayoutAdapter,
  type InstantPayoutAdapter,
  type PayoutAdapter,
  PayoutError,
  type PayoutOrder,
  type PayoutResult,
} from './withdrawals/payout-adapter.js';
export type { DepositsService, TransfersService, WithdrawalsService };

/** What the wallet module is built from. */
export interface WalletDeps {
  database: Database;
  /** The engine (in-process or the engine process's client). */
  engine: EnginePort;
  audit: AuditSink;
  identity: WalletIdentity;
  mail: WalletMail;
  jobs: JobQueue;
  settings?: Partial<WalletSettings>;
  /** The user's KYC level; 0 for everyone until a KYC module answers. */
  kycLevelOf?: (userId: string) => Promise<number>;
  clock?: Clock;
}

/** The wallet module's service: what other modules, the CLI and the demo seed call. */
export interface WalletService {
  /** The user's engine account number, created on first use (in `within`'s transaction when given). */
  engineAccountOf(userId: string, within?: Queryable): Promise<number>;
  userOfEngineAccount(accountNo: number): Promise<string | null>;
  assets: AssetService;
  deposits: DepositsService;
  withdrawals: WithdrawalsService;
  transfers: TransfersService;
}

/** The wallet module: currencies and networks, deposits, withdrawals, transfers and history. */
export function createWalletModule(deps: WalletDeps): { module: PlatformModule; service: WalletService } {
  const clock = deps.clock ?? systemClock;
  const engine = new WalletEngine(deps.engine, clock);
  const assets = createAssetService({ database: deps.database, engine, audit: deps.audit });
  const ctx: WalletContext = {
    database: deps.database,
    engine,
    enginePort: deps.engine,
    assets,
    audit: deps.audit,
    clock,
    mail: deps.mail,
    identity: deps.identity,
    jobs: deps.jobs,
    settings: { ...defaultWalletSettings, ...deps.settings },
    kycLevelOf: deps.kycLevelOf ?? (async () => 0),
    engineAccountOf: (userId, within) =>
      within === undefined ? cachedEngineAccountOf(deps.database, userId) : engineAccountOf(within, userId),
    userOfEngineAccount: (accountNo) => userOfEngineAccount(deps.database, accountNo),
  };
  const deposits = createDeposits(ctx);
  const withdrawals = createWithdrawals(ctx);
  const transfers = createTransfers(ctx);
  const service: WalletService = {
    engineAccountOf: ctx.engineAccountOf,
    userOfEngineAccount: ctx.userOfEngineAccount,
    assets,
    deposits: deposits.service,
    withdrawals: withdrawals.service,
    transfers: transfers.service,
  };
  return {
    module: {
      name: 'wallet',
      migrationsDir: fileURLToPath(new URL('../migrations/', import.meta.url)),
      permissions: walletPermissions,
      routes: (app) => {
        registerAssetRoutes(app, assets);
        deposits.routes(app);
        withdrawals.routes(app);
        transfers.routes(app);
      },
    },
    service,
  };
}
