// Payment-gateway webhooks: verified over the raw body by the gateway's adapter (forged or stale ones
// change nothing), recorded by event id (a replay is answered, not acted on), and credited only on a
// "succeeded" settlement of the deposit's exact amount and currency.
import { DomainError } from '@tradeloom/kernel';
import { parseUnits } from '../amounts.js';
import type { WalletContext } from '../wallet-context.js';
import type { Deposit, DepositStatus } from './deposit.js';
import type { DepositKit } from './deposit-kit.js';
import * as repo from './deposit-repository.js';
import type { PaymentGatewayAdapter } from './gateways/payment-gateway.js';

export type WebhookOutcome = 'credited' | 'failed' | 'pending' | 'ignored' | 'mismatch' | 'duplicate';

/** What a gateway settlement may credit: a late success still counts (the money arrived). */
const SETTLEABLE: readonly DepositStatus[] = ['pending', 'failed', 'expired', 'canceled'];

export function createWebhookHandler(
  ctx: WalletContext,
  kit: DepositKit,
  gateways: ReadonlyMap<string, PaymentGatewayAdapter>,
): {
  handleWebhook(
    gateway: string,
    rawBody: string | null,
    headers: Readonly<Record<string, string | string[] | undefined>>,
  ): Promise<{ outcome: WebhookOutcome }>;
} {
  const db = ctx.database;
  const { precisionOf, settle } = kit;

  /** A settlement counts only for the deposit's exact amount in its asset. */
  async function settlementMatches(d: Deposit, amount: string, currency: string): Promise<boolean> {
    if (currency.toUpperCase() !== d.asset.toUpperCase()) return false;
    try {
      const trimmed = amount.includes('.') ? amount.replace(/\.?0+$/, '') : amount;
      return (
        parseUnits(trimmed === '' ? '0' : trimmed, await precisionOf(d.asset), 'amount', true) === d.amount
      );
    } catch {
      return false;
    }
  }

  return {
    async handleWebhook(name, rawBody, headers) {
      const adapter = gateways.get(name);
      if (adapter === undefined)
        throw new DomainError('WALLET_GATEWAY_NOT_FOUND', `No payment gateway ${name}`);
      const invalid = () =>
        new DomainError(
          'WALLET_WEBHOOK_INVALID',
          'The webhook signature, timestamp or payload does not check out',
        );
      if (rawBody === null) throw invalid();
      let event: ReturnType<PaymentGatewayAdapter['verifyWebhook']>;
      try {
        event = adapter.verifyWebhook(rawBody, headers, ctx.clock.nowMs());
      } catch {
        throw invalid();
      }
      const deposit = await repo.findDepositByProviderRef(db, adapter.name, event.providerRef);
      let outcome: Exclude<WebhookOutcome, 'duplicate'>;
      if (deposit === null) outcome = 'ignored';
      else if (event.status === 'succeeded') {
        outcome = (await settlementMatches(deposit, event.amount, event.currency)) ? 'credited' : 'mismatch';
      } else outcome = event.status;
      const now = ctx.clock.nowMs();
      const result = await db.transaction(async (tx) => {
        const first = await repo.insertGatewayEvent(tx, {
          gateway: adapter.name,
          eventId: event.eventId,
          providerRef: event.providerRef,
          status: event.status,
          depositId: deposit?.id ?? null,
          outcome,
          nowMs: now,
        });
        if (!first) return { outcome: 'duplicate' as const };
        if (deposit !== null && outcome === 'credited') {
          const moved = await repo.transition(tx, deposit.id, SETTLEABLE, 'approved', now);
          if (moved !== null) {
            await ctx.audit.record(
              {
                actor: `gateway:${adapter.name}`,
                action: 'wallet.deposit.settle',
                target: `deposit:${deposit.id}`,
                before: { status: deposit.status },
                after: { status: 'approved', eventId: event.eventId },
              },
              tx,
            );
          }
        } else if (deposit !== null && outcome === 'failed') {
          await repo.transition(tx, deposit.id, ['pending'], 'failed', now);
        }
        return { outcome };
      });
      // Whatever the event, a settled deposit not yet credited (this event, or a crash after an
      // earlier one) is finished now; the engine key makes repeats harmless.
      if (deposit !== null) {
        const current = await repo.findDeposit(db, deposit.id);
        if (current !== null) await settle(current);
      }
      return result;
    },
  };
}
