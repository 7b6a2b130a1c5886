import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTestGateway } from './test-gateway.js';

const secret = 'test-secret-0123456789';
const gateway = createTestGateway({ secret });
const body = JSON.stringify({
  eventId: 'e1',
  providerRef: 'p1',
  status: 'succeeded',
  amount: '1.00',
  currency: 'USD',
});
const signature = createHmac('sha256', secret).update(body).digest('hex');

describe('test gateway webhooks', () => {
  it('accepts the HMAC of the raw body and nothing else', () => {
    expect(gateway.verifyWebhook(body, { 'x-test-signature': signature }, 0)).toMatchObject({
      eventId: 'e1',
    });
    expect(gateway.verifyWebhook(body, { 'x-test-signature': signature.toUpperCase() }, 0).eventId).toBe(
      'e1',
    );
    expect(() => gateway.verifyWebhook(`${body} `, { 'x-test-signature': signature }, 0)).toThrow();
    expect(() => gateway.verifyWebhook(body, { 'x-test-signature': 'zz' }, 0)).toThrow();
    expect(() => gateway.verifyWebhook(body, {}, 0)).toThrow();
  });
});
