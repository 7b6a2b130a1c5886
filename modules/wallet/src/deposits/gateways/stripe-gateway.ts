// A Stripe-style gateway: PaymentIntents created over Stripe's REST API, webhooks signed as Stripe
// signs them: header `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`
// (several v1 entries while a secret is rolled; any one matching is enough), refused when the
// timestamp is more than the tolerance away from now (a captured webhook cannot be replayed later).
import { formatAmount, parseAmount } from '@tradeloom/money';
import { z } from 'zod';
import { hmacHex, sameHex } from './hmac.js';
import { type GatewayEvent, headerValue, type PaymentGatewayAdapter } from './payment-gateway.js';

export const STRIPE_SIGNATURE_HEADER = 'stripe-signature';
export const STRIPE_TOLERANCE_S = 300;

// Stripe amounts are integers in the currency's minor unit; these currencies have none or three.
const ZERO_DECIMAL = new Set('bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf'.split(' '));
const THREE_DECIMAL = new Set('bhd jod kwd omr tnd'.split(' '));

/** Decimals of a currency's minor unit as Stripe counts them. */
export function stripeExponent(currency: string): number {
  const c = currency.toLowerCase();
  if (ZERO_DECIMAL.has(c)) return 0;
  if (THREE_DECIMAL.has(c)) return 3;
  return 2;
}

const eventSchema = z.object({
  id: z.string().min(1).max(200),
  type: z.string().max(200),
  data: z.object({
    object: z.object({
      id: z.string().min(1).max(200),
      amount: z.number().int().nonnegative(),
      amount_received: z.number().int().nonnegative().optional(),
      currency: z.string().min(1).max(16),
    }),
  }),
});

function statusOf(type: string): GatewayEvent['status'] {
  if (type === 'payment_intent.succeeded') return 'succeeded';
  if (type === 'payment_intent.payment_failed' || type === 'payment_intent.canceled') return 'failed';
  return 'pending';
}

/** Parses `t=…,v1=…,v1=…`: the timestamp and every v1 signature. */
function parseSignatureHeader(header: string): { t: number; v1: string[] } {
  let t: number | null = null;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at < 1) continue;
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) t = Number(value);
    else if (key === 'v1') v1.push(value);
  }
  if (t === null || v1.length === 0) throw new Error('malformed signature header');
  return { t, v1 };
}

export interface StripeGatewayOptions {
  /** The webhook endpoint's signing secret (whsec_…). */
  webhookSecret: string;
  /** The secret API key (sk_…), to create payments. */
  apiKey?: string;
  name?: string;
  apiBase?: string;
  toleranceS?: number;
  fetch?: typeof fetch;
}

export function createStripeGateway(options: StripeGatewayOptions): PaymentGatewayAdapter {
  const name = options.name ?? 'stripe';
  const tolerance = options.toleranceS ?? STRIPE_TOLERANCE_S;
  const apiBase = options.apiBase ?? 'https://api.stripe.com';
  const doFetch = options.fetch ?? fetch;
  return {
    name,
    async createPayment({ deposit, amount, currency }) {
      if (options.apiKey === undefined) throw new Error(`${name}: no API key configured`);
      const exponent = stripeExponent(currency);
      // "10.50000000" at the asset's precision → 1050 minor units; finer amounts cannot be charged.
      const trimmed = amount.includes('.') ? amount.replace(/\.?0+$/, '') : amount;
      const minor = parseAmount(trimmed, exponent, { allowZero: false });
      const form = new URLSearchParams({
        amount: minor.toString(),
        currency: currency.toLowerCase(),
        'metadata[deposit_id]': deposit.id,
      });
      const response = await doFetch(`${apiBase}/v1/payment_intents`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${options.apiKey}`,
          'content-type': 'application/x-www-form-urlencoded',
          // Stripe's own idempotency: a retried creation returns the same PaymentIntent.
          'idempotency-key': deposit.id,
        },
        body: form.toString(),
      });
      if (!response.ok) throw new Error(`${name}: payment creation answered ${response.status}`);
      const body = z
        .object({
          id: z.string().min(1).max(200),
          next_action: z
            .object({ redirect_to_url: z.object({ url: z.string() }).optional() })
            .nullable()
            .optional(),
        })
        .parse(await response.json());
      const redirectUrl = body.next_action?.redirect_to_url?.url;
      return redirectUrl === undefined ? { providerRef: body.id } : { providerRef: body.id, redirectUrl };
    },
    verifyWebhook(rawBody, headers, nowMs): GatewayEvent {
      const header = headerValue(headers, STRIPE_SIGNATURE_HEADER);
      if (header === undefined) throw new Error('no Stripe-Signature header');
      const { t, v1 } = parseSignatureHeader(header);
      if (Math.abs(Math.floor(nowMs / 1000) - t) > tolerance) throw new Error('timestamp outside tolerance');
      const expected = hmacHex(options.webhookSecret, `${t}.${rawBody}`);
      // Every candidate is compared (no early exit), each in constant time.
      const matches = v1.map((s) => sameHex(expected, s));
      if (!matches.includes(true)) throw new Error('bad signature');
      const event = eventSchema.parse(JSON.parse(rawBody));
      const object = event.data.object;
      const minor = object.amount_received ?? object.amount;
      return {
        eventId: event.id,
        providerRef: object.id,
        status: statusOf(event.type),
        amount: formatAmount(BigInt(minor), stripeExponent(object.currency)),
        currency: object.currency,
      };
    },
  };
}

/** The Stripe-Signature header for a payload (for tests and local tooling). */
export function stripeSignatureHeader(secret: string, rawBody: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${hmacHex(secret, `${unixSeconds}.${rawBody}`)}`;
}
