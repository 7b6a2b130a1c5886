// The transfers part of the wallet, with what reports on the money: transfers between one's own
// wallets and between users, balances, history and trades, rates, daily PnL, and reconciliation of
// the ledger, plus the background jobs that keep rates, PnL and reconciliation running.
import type { ApiApp } from '@tradeloom/kernel';
import { type BalanceService, createBalanceService } from '../history/balance-service.js';
import { registerHistoryRoutes } from '../history/history-routes.js';
import { createHistoryService, type HistoryService } from '../history/history-service.js';
import { createPnlService, type PnlService } from '../history/pnl-service.js';
import { registerRateRoutes } from '../rates/rate-routes.js';
import { createRateService, type RateService } from '../rates/rate-service.js';
import { registerReconciliationRoutes } from '../reconciliation/reconciliation-routes.js';
import {
  createReconciliationService,
  type ReconciliationRun,
  type ReconciliationService,
} from '../reconciliation/reconciliation-service.js';
import type { WalletContext } from '../wallet-context.js';
import { transferMailTemplates } from './transfer-mail-templates.js';
import { registerTransferRoutes } from './transfer-routes.js';
import { createTransferService, type TransferCoreService } from './transfer-service.js';

export type { BalancesView } from '../history/balance-service.js';
export type { HistoryEntry, TradeView } from '../history/history-service.js';
export type { PnlDay } from '../history/pnl-service.js';
export { type PriceFeedAdapter, StaticPriceFeed } from '../rates/price-feed.js';
export type { RateView } from '../rates/rate-service.js';
export type { ReconciliationRun, WalletAlert } from '../reconciliation/reconciliation-service.js';
export type { TransferView, UserTransferInput, WalletTransferInput } from './transfer-service.js';

/** The wallet's background jobs (state and failures: GET /api/v1/admin/jobs). */
export const WALLET_JOBS = {
  ratesRefresh: 'wallet-rates-refresh',
  reconcile: 'wallet-reconcile',
  pnlSnapshot: 'wallet-pnl-snapshot',
  pnlCleanup: 'wallet-pnl-cleanup',
  transfersResume: 'wallet-transfers-resume',
} as const;

export interface TransfersService extends TransferCoreService {
  balances: BalanceService;
  history: HistoryService;
  rates: RateService;
  pnl: PnlService;
  reconciliation: ReconciliationService;
  /** One reconciliation run (what the 'wallet-reconcile' job does). */
  reconcile(): Promise<ReconciliationRun>;
}

export interface TransfersPart {
  service: TransfersService;
  routes(app: ApiApp): void;
}

const MINUTE = 60_000;

export function createTransfers(ctx: WalletContext): TransfersPart {
  const rates = createRateService({ database: ctx.database, nowMs: () => ctx.clock.nowMs() });
  const transfers = createTransferService(ctx, rates);
  const balances = createBalanceService(ctx, rates);
  const history = createHistoryService(ctx);
  const pnl = createPnlService(ctx, rates);
  const reconciliation = createReconciliationService(ctx);

  const known = new Set(ctx.mail.templateNames());
  for (const [name, template] of Object.entries(transferMailTemplates)) {
    if (!known.has(name)) ctx.mail.registerTemplate(name, template);
  }

  ctx.jobs.define(
    WALLET_JOBS.ratesRefresh,
    async () => {
      await rates.refresh();
    },
    { repeatEveryMs: MINUTE, repeatData: null, attemptsMax: 3, backoffMs: 5_000 },
  );
  ctx.jobs.define(
    WALLET_JOBS.reconcile,
    async () => {
      const run = await reconciliation.reconcile('job');
      // Failing the job puts the mismatch in the job log and the admin's failed-jobs list as well
      // as in the alert.
      if (!run.ok) {
        throw new Error(
          `ledger reconciliation ${run.id} at command ${run.commandSeq}: ${run.mismatches.length} mismatch(es), ${run.unbalancedAssets.length} unbalanced asset(s)`,
        );
      }
    },
    { repeatEveryMs: 10 * MINUTE, repeatData: null },
  );
  // Runs every 5 minutes; the step itself takes the previous day once, from 00:05 UTC on.
  ctx.jobs.define(
    WALLET_JOBS.pnlSnapshot,
    async () => {
      await pnl.runDaily();
    },
    { repeatEveryMs: 5 * MINUTE, repeatData: null, attemptsMax: 3, backoffMs: 30_000 },
  );
  ctx.jobs.define(
    WALLET_JOBS.pnlCleanup,
    async () => {
      await pnl.cleanup();
    },
    { repeatEveryMs: 24 * 60 * MINUTE, repeatData: null, attemptsMax: 3, backoffMs: 60_000 },
  );
  ctx.jobs.define(
    WALLET_JOBS.transfersResume,
    async () => {
      await transfers.resumePending();
    },
    { repeatEveryMs: MINUTE, repeatData: null },
  );

  const service: TransfersService = {
    ...transfers,
    balances,
    history,
    rates,
    pnl,
    reconciliation,
    reconcile: () => reconciliation.reconcile('job'),
  };

  return {
    service,
    routes(app) {
      registerTransferRoutes(app, transfers);
      registerHistoryRoutes(app, { history, balances, pnl });
      registerRateRoutes(app, rates, async (actor, ip, count) => {
        await ctx.audit.record({
          actor,
          action: 'wallet.rates.refresh',
          target: 'rates',
          ip,
          after: { count },
        });
      });
      registerReconciliationRoutes(app, reconciliation);
    },
  };
}
