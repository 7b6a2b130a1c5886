// What a payment gateway (card processor, open banking, …) is to the deposits part. A deposit is
// credited only on a verified "succeeded" event whose amount and currency match it: never on the
// user coming back from a redirect, never on an unsigned notification.
import type { Deposit } from '../deposit.js';

/** A verified gateway event, normalised. */
export interface GatewayEvent {
  /** The gateway's id of this event (replays repeat it). */
  eventId: string;
  /** The gateway's id of the payment (what createPayment returned). */
  providerRef: string;
  status: 'succeeded' | 'failed' | 'pending';
  /** Decimal string in the currency's major unit, e.g. "10.00". */
  amount: string;
  /** Currency code as the gateway writes it (compared case-insensitively with the asset). */
  currency: string;
}

/** A deposit as a gateway needs it to start a payment (amounts as decimal strings). */
export interface GatewayPaymentRequest {
  deposit: Deposit;
  /** The gross amount, decimal string at the asset's precision. */
  amount: string;
  currency: string;
}

export interface PaymentGatewayAdapter {
  /** The name in the webhook path and in deposit methods ('stripe', 'test'). */
  readonly name: string;
  /** Starts a payment; the user pays at `redirectUrl` when the gateway has one. */
  createPayment(request: GatewayPaymentRequest): Promise<{ redirectUrl?: string; providerRef: string }>;
  /**
   * Verifies a webhook over its raw body and returns its event; throws (anything) when the
   * signature, the timestamp or the payload does not check out.
   */
  verifyWebhook(
    rawBody: string,
    headers: Readonly<Record<string, string | string[] | undefined>>,
    nowMs: number,
  ): GatewayEvent;
}

/** A header's single value (the first when sent several times). */
export function headerValue(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  name: string,
): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
