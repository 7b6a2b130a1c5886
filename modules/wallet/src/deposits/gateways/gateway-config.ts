// Gateways from operator settings (PAYMENT_GATEWAYS, validated by packages/config) as adapters.
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
