// Gateways from operator settings: WalletSettings.paymentGateways, or the PAYMENT_GATEWAYS environment
// variable (a JSON array of the same objects) when the settings name none.
import { z } from 'zod';
import type { PaymentGatewayAdapter } from './payment-gateway.js';
import { createStripeGateway } from './stripe-gateway.js';
import { createTestGateway } from './test-gateway.js';

const nameSchema = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/);

export const paymentGatewayConfigSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('test'), name: nameSchema.optional(), secret: z.string().min(16) }),
  z.object({
    type: z.literal('stripe'),
    name: nameSchema.optional(),
    webhookSecret: z.string().min(16),
    apiKey: z.string().min(1).optional(),
    apiBase: z.url().optional(),
  }),
]);

/** One configured gateway: `{ type: 'test', secret }` or `{ type: 'stripe', webhookSecret, apiKey }`. */
export type PaymentGatewayConfig = z.infer<typeof paymentGatewayConfigSchema>;

/** The adapter a configuration entry describes. */
export function gatewayOf(config: PaymentGatewayConfig): PaymentGatewayAdapter {
  if (config.type === 'test') {
    return createTestGateway({ secret: config.secret, ...(config.name ? { name: config.name } : {}) });
  }
  return createStripeGateway({
    webhookSecret: config.webhookSecret,
    ...(config.name ? { name: config.name } : {}),
    ...(config.apiKey ? { apiKey: config.apiKey } : {}),
    ...(config.apiBase ? { apiBase: config.apiBase } : {}),
  });
}

/** Parses PAYMENT_GATEWAYS; a malformed value fails loudly at start (never silently no gateways). */
export function gatewayConfigsFromEnv(text: string | undefined): PaymentGatewayConfig[] {
  if (text === undefined || text.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('PAYMENT_GATEWAYS is not JSON');
  }
  const result = z.array(paymentGatewayConfigSchema).safeParse(parsed);
  // The message names the fields only: the value holds secrets.
  if (!result.success) {
    throw new Error(
      `PAYMENT_GATEWAYS is invalid at ${result.error.issues.map((i) => i.path.join('.')).join(', ')}`,
    );
  }
  return result.data;
}
