// Gateway and chain deposits over the assembled platform (both modes). Gateways come from
// PAYMENT_GATEWAYS: the test gateway (HMAC of the raw body) and a Stripe-style one (its API answered
// by a local stand-in for Stripe). A deposit is credited only on a verified settlement of its exact
// amount and currency, once however often the webhook is delivered; forged, stale and mismatched
// webhooks credit nothing. Chain deposits are credited at the network's confirmations, once.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bothModes } from '@tradeloom/db/testing';
import type { SignedInUser } from '@tradeloom/identity/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

const TEST_SECRET = 'test-gateway-secret-0123456789';
const STRIPE_SECRET = 'whsec_stripe-style-secret-0123456789';

// The gateways' signature schemes, written out here as a gateway would compute them.
const hmac = (secret: string, payload: string) => createHmac('sha256', secret).update(payload).digest('hex');
const signTestEvent = (secret: string, raw: string) => ({ 'x-test-signature': hmac(secret, raw) });
const stripeSignatureHeader = (secret: string, raw: string, t: number) =>
  `t=${t},v1=${hmac(secret, `${t}.${raw}`)}`;

interface DepositBody {
  id: string;
  status: string;
  redirectUrl: string | null;
  code?: string;
}

describe.each(bothModes)('gateway and chain deposits on %s', (mode) => {
  let tp: TestPlatform;
  let admin: SignedInUser;
  let trader: SignedInUser;
  let stripeApi: Server;
  const stripeRequests: { auth: string | undefined; idempotencyKey: string | undefined; body: string }[] = [];
  let testMethod: string;
  let stripeMethod: string;

  const balance = async (userId: string, asset: string): Promise<number> => {
    const accountNo = await tp.running.platform.wallet.engineAccountOf(userId);
    const rows = await tp.running.platform.engine.query<
      { asset: string; wallet: string; available: number }[]
    >({
      query: 'balances',
      user: accountNo,
    });
    return rows.find((r) => r.asset === asset && r.wallet === 'SPOT')?.available ?? 0;
  };

  const post = (path: string, body: string, headers: Record<string, string>) =>
    fetch(`${tp.url}${path}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });

  const testWebhook = async (event: Record<string, unknown>, secret = TEST_SECRET) => {
    const raw = JSON.stringify(event);
    const response = await post('/api/v1/wallet/webhooks/test', raw, signTestEvent(secret, raw));
    return { status: response.status, body: (await response.json()) as { outcome?: string; code?: string } };
  };

  const transferCount = async (key: string) => {
    await tp.projected();
    const { rows } = await tp.running.database.query(
      'SELECT count(*)::int AS n FROM ledger_transfers WHERE key LIKE $1',
      [`${key}%`],
    );
    return Number(rows[0]?.n);
  };

  beforeAll(async () => {
    let next = 0;
    stripeApi = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += String(chunk);
      });
      request.on('end', () => {
        stripeRequests.push({
          auth: request.headers.authorization,
          idempotencyKey: request.headers['idempotency-key'] as string | undefined,
          body,
        });
        next += 1;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ id: `pi_${mode}_${next}`, object: 'payment_intent', next_action: null }),
        );
      });
    });
    await new Promise<void>((resolve) => stripeApi.listen(0, '127.0.0.1', resolve));
    const port = (stripeApi.address() as AddressInfo).port;
    tp = await startTestPlatform(mode, {
      env: {
        PAYMENT_GATEWAYS: JSON.stringify([
          { type: 'test', secret: TEST_SECRET },
          {
            type: 'stripe',
            webhookSecret: STRIPE_SECRET,
            apiKey: 'sk_test_123',
            apiBase: `http://127.0.0.1:${port}`,
          },
        ]),
      },
    });
    admin = await tp.admin();
    trader = await tp.user({ totp: false });
    const setup: [string, unknown][] = [
      ['/api/v1/admin/wallet/assets', { code: 'USD', name: 'US Dollar', kind: 'fiat', precision: 2 }],
      ['/api/v1/admin/wallet/assets/USD/networks', { network: 'card', name: 'Card payments' }],
      ['/api/v1/admin/wallet/assets', { code: 'BTC', name: 'Bitcoin', kind: 'crypto', precision: 8 }],
      [
        '/api/v1/admin/wallet/assets/BTC/networks',
        { network: 'bitcoin', name: 'Bitcoin', confirmations: 3, depositMin: '0.0001' },
      ],
    ];
    for (const [path, body] of setup) expect((await admin.browser.json('POST', path, body)).status).toBe(201);
    const test = await admin.browser.json<{ id: string }>('POST', '/api/v1/admin/wallet/deposit-methods', {
      asset: 'USD',
      network: 'card',
      kind: 'gateway',
      gateway: 'test',
      name: 'Card (test gateway)',
      feePpm: 29_000,
    });
    expect(test.status).toBe(201);
    testMethod = test.body.id;
    const stripe = await admin.browser.json<{ id: string }>('POST', '/api/v1/admin/wallet/deposit-methods', {
      asset: 'USD',
      network: 'card',
      kind: 'gateway',
      gateway: 'stripe',
      name: 'Card (Stripe)',
    });
    expect(stripe.status).toBe(201);
    stripeMethod = stripe.body.id;
  }, 60_000);
  afterAll(async () => {
    await tp?.stop();
    await new Promise((resolve) => stripeApi?.close(resolve));
  });

  it('credits a gateway deposit once on its verified settlement, however often it is delivered', async () => {
    const submitted = await trader.browser.json<DepositBody>('POST', '/api/v1/wallet/deposits', {
      methodId: testMethod,
      amount: '100',
    });
    expect(submitted.status).toBe(201);
    expect(submitted.body.status).toBe('pending');
    expect(submitted.body.redirectUrl).toMatch(/\/tpay_dep_/);
    const id = submitted.body.id;
    const providerRef = `tpay_${id}`;
    const before = await balance(trader.userId, 'USD');

    // Not money yet: a pending notification and the user coming back change nothing.
    const pending = await testWebhook({
      eventId: 'evt_p',
      providerRef,
      status: 'pending',
      amount: '100.00',
      currency: 'USD',
    });
    expect(pending.body.outcome).toBe('pending');
    expect(await balance(trader.userId, 'USD')).toBe(before);

    const event = { eventId: 'evt_ok', providerRef, status: 'succeeded', amount: '100.00', currency: 'usd' };
    const concurrent = await Promise.all(Array.from({ length: 100 }, () => testWebhook(event)));
    expect(concurrent.every((r) => r.status === 200)).toBe(true);
    expect(concurrent.filter((r) => r.body.outcome === 'credited')).toHaveLength(1);
    expect(concurrent.filter((r) => r.body.outcome === 'duplicate')).toHaveLength(99);
    for (let i = 0; i < 100; i++) expect((await testWebhook(event)).body.outcome).toBe('duplicate');
    // Another event settling the same deposit: the deposit's key holds.
    await testWebhook({ ...event, eventId: 'evt_ok_2' });
    // fee 2.9 % of 100.00 = 2.90
    expect(await balance(trader.userId, 'USD')).toBe(before + 9_710);
    expect((await tp.running.platform.wallet.deposits.get(id)).status).toBe('credited');
    expect(await transferCount(`dep:${id}`)).toBe(2);
    const { rows } = await tp.running.database.query(
      `SELECT count(*)::int AS n FROM mail_outbox WHERE template = 'wallet.deposit-credited' AND user_id = $1`,
      [trader.userId],
    );
    expect(rows[0]?.n).toBe(1);
  });

  it('credits nothing for forged, mismatched or unknown webhooks', async () => {
    const id = (
      await trader.browser.json<DepositBody>('POST', '/api/v1/wallet/deposits', {
        methodId: testMethod,
        amount: '50',
      })
    ).body.id;
    const providerRef = `tpay_${id}`;
    const before = await balance(trader.userId, 'USD');
    const good = { eventId: 'evt_x1', providerRef, status: 'succeeded', amount: '50.00', currency: 'USD' };

    const forged = await testWebhook(good, 'not-the-secret-at-all-000');
    expect(forged.status).toBe(400);
    expect(forged.body.code).toBe('WALLET_WEBHOOK_INVALID');
    const raw = JSON.stringify(good);
    const tampered = await post(
      '/api/v1/wallet/webhooks/test',
      raw.replace('50.00', '5000.00'),
      signTestEvent(TEST_SECRET, raw),
    );
    expect(tampered.status).toBe(400);
    expect((await post('/api/v1/wallet/webhooks/test', raw, {})).status).toBe(400);
    expect((await post('/api/v1/wallet/webhooks/nope', raw, signTestEvent(TEST_SECRET, raw))).status).toBe(
      404,
    );

    expect((await testWebhook({ ...good, eventId: 'evt_x2', amount: '49.99' })).body.outcome).toBe(
      'mismatch',
    );
    expect((await testWebhook({ ...good, eventId: 'evt_x3', currency: 'EUR' })).body.outcome).toBe(
      'mismatch',
    );
    expect(
      (await testWebhook({ ...good, eventId: 'evt_x4', providerRef: 'tpay_unknown' })).body.outcome,
    ).toBe('ignored');
    expect(await balance(trader.userId, 'USD')).toBe(before);
    expect((await tp.running.platform.wallet.deposits.get(id)).status).toBe('pending');
    const { rows } = await tp.running.database.query(
      'SELECT event_id, outcome FROM wallet_gateway_events WHERE event_id LIKE $1 ORDER BY event_id',
      ['evt_x%'],
    );
    // Forged deliveries left no trace.
    expect(rows).toEqual([
      { event_id: 'evt_x2', outcome: 'mismatch' },
      { event_id: 'evt_x3', outcome: 'mismatch' },
      { event_id: 'evt_x4', outcome: 'ignored' },
    ]);
    // A failed payment fails the deposit; a later genuine success still credits it (the money arrived).
    expect((await testWebhook({ ...good, eventId: 'evt_x5', status: 'failed' })).body.outcome).toBe('failed');
    expect((await tp.running.platform.wallet.deposits.get(id)).status).toBe('failed');
    expect((await testWebhook({ ...good, eventId: 'evt_x6' })).body.outcome).toBe('credited');
    expect(await balance(trader.userId, 'USD')).toBe(before + 5_000 - 145);
  });

  it('verifies Stripe-style signatures: timestamp tolerance, any of several v1, settlement once', async () => {
    const submitted = await trader.browser.json<DepositBody>('POST', '/api/v1/wallet/deposits', {
      methodId: stripeMethod,
      amount: '25.50',
    });
    expect(submitted.status).toBe(201);
    const created = stripeRequests.at(-1);
    expect(created?.auth).toBe('Bearer sk_test_123');
    expect(created?.idempotencyKey).toBe(submitted.body.id);
    expect(new URLSearchParams(created?.body).get('amount')).toBe('2550');
    const { rows } = await tp.running.database.query(
      'SELECT provider_ref FROM wallet_deposits WHERE id = $1',
      [submitted.body.id],
    );
    const pi = String(rows[0]?.provider_ref);
    expect(pi).toMatch(/^pi_/);
    const before = await balance(trader.userId, 'USD');
    const payload = JSON.stringify({
      id: 'evt_stripe_1',
      type: 'payment_intent.succeeded',
      data: {
        object: { id: pi, object: 'payment_intent', amount: 2550, amount_received: 2550, currency: 'usd' },
      },
    });
    const now = Math.floor(tp.clock.nowMs() / 1000);
    const send = (signature: string) =>
      post('/api/v1/wallet/webhooks/stripe', payload, { 'stripe-signature': signature }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as { outcome?: string; code?: string },
      }));

    const stale = await send(stripeSignatureHeader(STRIPE_SECRET, payload, now - 301));
    expect(stale.status).toBe(400);
    expect(stale.body.code).toBe('WALLET_WEBHOOK_INVALID');
    expect((await send(stripeSignatureHeader('whsec_wrong-secret-0123456789', payload, now))).status).toBe(
      400,
    );
    expect((await send(`t=${now}`)).status).toBe(400);
    expect(await balance(trader.userId, 'USD')).toBe(before);

    const good = stripeSignatureHeader(STRIPE_SECRET, payload, now);
    const rolled = `t=${now},v1=${'0'.repeat(64)},${good.split(',')[1]}`;
    const answers = await Promise.all(Array.from({ length: 20 }, () => send(rolled)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => a.body.outcome === 'credited')).toHaveLength(1);
    expect(await balance(trader.userId, 'USD')).toBe(before + 2_550);
    expect(await transferCount(`dep:${submitted.body.id}`)).toBe(1);
  });

  it('credits a chain deposit at the network’s confirmations, once', async () => {
    const svc = tp.running.platform.wallet.deposits;
    await expect(svc.depositAddress(trader.userId, 'BTC', 'bitcoin')).rejects.toMatchObject({
      code: 'WALLET_DEPOSIT_ADDRESS_UNAVAILABLE',
    });
    let n = 0;
    svc.registerAddressGenerator({
      network: 'bitcoin',
      generate: async () => {
        n += 1;
        return { address: `bc1qtest${mode}${n}` };
      },
    });
    const address = await svc.depositAddress(trader.userId, 'BTC', 'bitcoin');
    const overHttp = await trader.browser.json<{ address: string; memo: string | null }>(
      'POST',
      '/api/v1/wallet/deposit-addresses',
      { asset: 'BTC', network: 'bitcoin' },
    );
    expect(overHttp.body).toMatchObject({ address: address.address, memo: null });
    const noGenerator = await trader.browser.json<{ code: string }>(
      'POST',
      '/api/v1/wallet/deposit-addresses',
      {
        asset: 'USD',
        network: 'card',
      },
    );
    expect(noGenerator.status).toBe(409);
    expect(noGenerator.body.code).toBe('WALLET_DEPOSIT_ADDRESS_UNAVAILABLE');
    const before = await balance(trader.userId, 'BTC');
    const seen = {
      asset: 'BTC',
      network: 'bitcoin',
      txHash: 'ab'.repeat(32),
      outputIndex: 1,
      address: address.address,
      amount: '0.5',
    };
    for (const confirmations of [0, 1, 2]) {
      expect((await svc.recordChainDeposit({ ...seen, confirmations })).outcome).toBe('pending');
      expect(await balance(trader.userId, 'BTC')).toBe(before);
    }
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => svc.recordChainDeposit({ ...seen, confirmations: 3 + (i % 3) })),
    );
    expect(results.every((r) => r.outcome === 'credited')).toBe(true);
    expect(new Set(results.map((r) => r.depositId)).size).toBe(1);
    expect((await svc.recordChainDeposit({ ...seen, confirmations: 10 })).outcome).toBe('credited');
    expect(await balance(trader.userId, 'BTC')).toBe(before + 50_000_000);
    expect(await transferCount(`chain:bitcoin:${seen.txHash}:1`)).toBe(1);

    // The user sees it in their history; an unknown address, dust and a changed amount credit nothing.
    const list = await trader.browser.json<{
      deposits: { source: string; status: string; txHash: string }[];
    }>('GET', '/api/v1/wallet/deposits?asset=BTC');
    expect(list.body.deposits).toEqual([
      expect.objectContaining({ source: 'chain', status: 'credited', txHash: seen.txHash }),
    ]);
    expect(
      (await svc.recordChainDeposit({ ...seen, outputIndex: 2, address: 'bc1qnobody', confirmations: 9 }))
        .outcome,
    ).toBe('unknown-address');
    expect(
      (await svc.recordChainDeposit({ ...seen, outputIndex: 3, amount: '0.00001', confirmations: 9 }))
        .outcome,
    ).toBe('below-minimum');
    await expect(svc.recordChainDeposit({ ...seen, amount: '5', confirmations: 9 })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(await balance(trader.userId, 'BTC')).toBe(before + 50_000_000);
  });
});
