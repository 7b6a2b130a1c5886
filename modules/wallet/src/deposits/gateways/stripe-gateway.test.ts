// The Stripe-style signature scheme against signatures computed independently with node:crypto.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createStripeGateway, stripeExponent } from './stripe-gateway.js';

const secret = 'whsec_0123456789abcdef';
const now = 1_800_000_000_000;
const t = now / 1000;
const payload = JSON.stringify({
  id: 'evt_1',
  type: 'payment_intent.succeeded',
  data: { object: { id: 'pi_1', amount: 1999, amount_received: 1999, currency: 'usd' } },
});
const sign = (at: number, body = payload, key = secret) =>
  createHmac('sha256', key).update(`${at}.${body}`).digest('hex');
const gateway = createStripeGateway({ webhookSecret: secret });
const verify = (header: string, body = payload, at = now) =>
  gateway.verifyWebhook(body, { 'stripe-signature': header }, at);

describe('Stripe-style webhooks', () => {
  it('accepts a valid signature and normalises the event', () => {
    expect(verify(`t=${t},v1=${sign(t)}`)).toEqual({
      eventId: 'evt_1',
      providerRef: 'pi_1',
      status: 'succeeded',
      amount: '19.99',
      currency: 'usd',
    });
  });

  it('accepts any one of several v1 signatures (secret rolling)', () => {
    expect(verify(`t=${t},v1=${sign(t, payload, 'whsec_old-secret-000')},v1=${sign(t)}`).eventId).toBe(
      'evt_1',
    );
  });

  it('refuses stale or future timestamps beyond 300 s, and any tampering', () => {
    expect(verify(`t=${t - 300},v1=${sign(t - 300)}`).eventId).toBe('evt_1');
    expect(() => verify(`t=${t - 301},v1=${sign(t - 301)}`)).toThrow(/tolerance/);
    expect(() => verify(`t=${t + 301},v1=${sign(t + 301)}`)).toThrow(/tolerance/);
    expect(() => verify(`t=${t},v1=${sign(t)}`, payload.replace('1999', '9999'))).toThrow(/signature/);
    expect(() => verify(`t=${t + 1},v1=${sign(t)}`)).toThrow(/signature/);
    expect(() => verify(`t=${t},v0=${sign(t)}`)).toThrow(/malformed/);
    expect(() => verify(`v1=${sign(t)}`)).toThrow(/malformed/);
    expect(() => verify(`t=${t},v1=${sign(t).slice(0, 63)}`)).toThrow(/signature/);
    expect(() => gateway.verifyWebhook(payload, {}, now)).toThrow(/header/);
  });

  it('maps event types and zero-decimal currencies', () => {
    const body = JSON.stringify({
      id: 'evt_2',
      type: 'payment_intent.payment_failed',
      data: { object: { id: 'pi_2', amount: 500, currency: 'jpy' } },
    });
    expect(verify(`t=${t},v1=${sign(t, body)}`, body)).toMatchObject({ status: 'failed', amount: '500' });
    expect(stripeExponent('KWD')).toBe(3);
    expect(stripeExponent('eur')).toBe(2);
  });
});
