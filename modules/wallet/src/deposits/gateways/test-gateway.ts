// A gateway for tests and demos: the payment "happens" when someone who knows the shared secret posts
// a signed event. Header `x-test-signature: <hex HMAC-SHA256 of the raw body>`; body
// `{ eventId, providerRef, status, amount, currency }`.
import { z } from 'zod';
import { hmacHex, sameHex } from './hmac.js';
import { type GatewayEvent, headerValue, type PaymentGatewayAdapter } from './payment-gateway.js';

export const TEST_SIGNATURE_HEADER = 'x-test-signature';

const eventSchema = z.object({
  eventId: z.string().min(1).max(200),
  providerRef: z.string().min(1).max(200),
  status: z.enum(['succeeded', 'failed', 'pending']),
  amount: z.string().max(100),
  currency: z.string().min(1).max(16),
});

export function createTestGateway(options: {
  secret: string;
  name?: string;
  /** Where the "payment page" is (a link in the answer to the user). */
  payUrl?: string;
}): PaymentGatewayAdapter {
  const name = options.name ?? 'test';
  return {
    name,
    async createPayment({ deposit }) {
      const providerRef = `tpay_${deposit.id}`;
      return {
        providerRef,
        redirectUrl: `${options.payUrl ?? 'https://gateway.invalid/pay'}/${providerRef}`,
      };
    },
    verifyWebhook(rawBody, headers): GatewayEvent {
      const signature = headerValue(headers, TEST_SIGNATURE_HEADER);
      if (signature === undefined) throw new Error('no signature header');
      if (!sameHex(hmacHex(options.secret, rawBody), signature)) throw new Error('bad signature');
      return eventSchema.parse(JSON.parse(rawBody));
    },
  };
}

/** Signs a test-gateway event body (for tests and the demo). */
export function signTestEvent(secret: string, rawBody: string): Record<string, string> {
  return { [TEST_SIGNATURE_HEADER]: hmacHex(secret, rawBody) };
}
