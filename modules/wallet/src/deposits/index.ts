// The deposits part of the wallet: manual/fiat methods reviewed by finance, payment gateways with
// signed webhooks, and the interface the on-chain integration reports confirmed outputs through.
import type { ApiApp } from '@tradeloom/kernel';
import type { WalletContext } from '../wallet-context.js';
import { registerDepositRoutes } from './deposit-routes.js';
import { createDepositService, type DepositsService } from './deposit-service.js';
import { gatewayOf } from './gateways/gateway-config.js';
import type { PaymentGatewayAdapter } from './gateways/payment-gateway.js';

export type {
  ChainDepositOutcome,
  ChainDepositSink,
  CryptoDepositSource,
  DepositAddressGenerator,
  ObservedChainDeposit,
} from './chain-deposits.js';
export type { Deposit, DepositAddress, DepositMethod, DepositMethodField, DepositStatus } from './deposit.js';
export { depositFee } from './deposit-fee.js';
export type {
  Actor,
  DepositMethodInput,
  DepositMethodView,
  DepositsService,
  DepositView,
  SubmitDepositInput,
  WebhookOutcome,
} from './deposit-service.js';
export type { PaymentGatewayConfig } from './gateways/gateway-config.js';
export type { GatewayEvent, PaymentGatewayAdapter } from './gateways/payment-gateway.js';
export {
  createStripeGateway,
  STRIPE_SIGNATURE_HEADER,
  stripeSignatureHeader,
} from './gateways/stripe-gateway.js';
export { createTestGateway, signTestEvent, TEST_SIGNATURE_HEADER } from './gateways/test-gateway.js';

/** The repeating job that expires stale pending deposits and finishes interrupted credits. */
export const DEPOSITS_EXPIRE_JOB = 'wallet-deposits-expire';
const EXPIRE_EVERY_MS = 5 * 60_000;

export interface DepositsPart {
  service: DepositsService;
  /** The payment gateways deposits can be paid through (more with `service.registerGateway`). */
  gateways: readonly PaymentGatewayAdapter[];
  routes(app: ApiApp): void;
}

export function createDeposits(ctx: WalletContext): DepositsPart {
  // Operators configure gateways with PAYMENT_GATEWAYS (packages/config validates it).
  const configs = ctx.settings.paymentGateways ?? [];
  const gateways = configs.map(gatewayOf);
  const service = createDepositService(ctx, { gateways });
  ctx.jobs.define(
    DEPOSITS_EXPIRE_JOB,
    async () => {
      await service.expireStale();
      await service.resumeApproved();
    },
    { repeatEveryMs: EXPIRE_EVERY_MS, repeatData: null },
  );
  return { service, gateways, routes: (app) => registerDepositRoutes(app, service) };
}
