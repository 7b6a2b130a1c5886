// RACE: 1,000 concurrent withdrawal requests over HTTP against one balance that covers only one.
// Exactly one is accepted, the 999 others are refused by the engine's hold (insufficient balance)
// and leave no row; the balance is never negative, in the engine or in any prefix of the projected
// postings, and the postings reconcile with the engine.
//
// The requests are signed with an API key that has the 'withdraw' scope: such keys need no
// per-request second-factor code (a code was needed to create the key, and a withdraw key must
// have an IP allow-list), which is how one user can send 1,000 requests at once.
import { randomUUID } from 'node:crypto';
import { signRequest } from '@tradeloom/api-keys/testing';
import { bothModes } from '@tradeloom/db/testing';
import type { SignedInUser } from '@tradeloom/identity/testing';
import { type EngineLedgerView, reconcileLedger } from '@tradeloom/projection';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

const REQUESTS = 1_000;
const ADDRESS = `T${'B'.repeat(33)}`;

describe.each(bothModes)('withdrawal race on %s', (mode) => {
  let tp: TestPlatform;
  let user: SignedInUser;
  let accountNo: number;
  let addressId: string;

  /** A second-factor code; moves the clock 30 s when both usable steps are spent. */
  const code = async (): Promise<string> => {
    const device = user.totp?.device;
    if (device === undefined) throw new Error('the user has no TOTP');
    try {
      return await device.nextCode();
    } catch {
      tp.clock.advance(30_000);
      return device.nextCode();
    }
  };

  beforeAll(async () => {
    tp = await startTestPlatform(mode);
    const admin = await tp.admin();
    const post = async (path: string, body: unknown) => {
      const answer = await admin.browser.json('POST', path, body);
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    };
    await post('/api/v1/admin/wallet/assets', { code: 'USDT', name: 'Tether', kind: 'crypto', precision: 6 });
    await post('/api/v1/admin/wallet/assets/USDT/networks', { network: 'trc20', withdrawFee: '1' });
    user = await tp.user();
    accountNo = await tp.running.platform.wallet.engineAccountOf(user.userId);
    // 150 USDT: one withdrawal of 100 (+1 fee) fits, two do not.
    const funded = await tp.running.engine.submit({
      type: 'transfer',
      ts: tp.clock.nowMs(),
      key: `test-fund:${randomUUID()}`,
      kind: 'deposit',
      asset: 'USDT',
      from: { system: 'external:trc20' },
      to: { user: accountNo, wallet: 'SPOT' },
      amount: 150_000_000,
    });
    expect(funded.ok).toBe(true);
    const off = await user.browser.json('PUT', '/api/v1/wallet/withdrawal-settings', {
      addressDelay: false,
      twoFactorCode: await code(),
    });
    expect(off.status).toBe(200);
    const added = await user.browser.json<{ id: string }>('POST', '/api/v1/wallet/withdrawal-addresses', {
      asset: 'USDT',
      network: 'trc20',
      address: ADDRESS,
      label: 'cold wallet',
      twoFactorCode: await code(),
    });
    expect(added.status).toBe(201);
    addressId = added.body.id;
  }, 60_000);
  afterAll(async () => {
    await tp?.stop();
  });

  it('1,000 concurrent requests against a balance that covers one: exactly one accepted, never negative', async () => {
    const created = await tp.running.platform.apiKeys.createOwnKey(
      user.userId,
      {
        label: 'withdrawal bot',
        type: 'HMAC',
        scopes: ['read', 'withdraw'],
        ipAllowList: ['127.0.0.1', '::1'],
      },
      await code(),
    );
    const secret = created.secret ?? '';
    const now = tp.clock.nowMs();
    const send = (i: number) => {
      // A distinct timestamp per request: every signature is new (the replay guard refuses repeats).
      const signed = signRequest({
        apiKey: created.key.apiKey,
        secret,
        body: { asset: 'USDT', addressId, amount: '100' },
        timestamp: now - i,
        recvWindow: 60_000,
      });
      return fetch(signed.urlFor(`${tp.url}/api/v1/wallet/withdrawals`), {
        method: 'POST',
        headers: signed.headers,
        body: signed.body ?? '',
      }).then(async (response) => ({
        status: response.status,
        body: (await response.json()) as { code?: string; id?: string; status?: string },
      }));
    };
    const answers = await Promise.all(Array.from({ length: REQUESTS }, (_, i) => send(i)));

    const byOutcome = new Map<string, number>();
    for (const a of answers) {
      const key = `${a.status} ${a.body.code ?? a.body.status}`;
      byOutcome.set(key, (byOutcome.get(key) ?? 0) + 1);
    }
    expect(Object.fromEntries(byOutcome)).toEqual({
      '201 pending': 1,
      '409 WALLET_INSUFFICIENT_BALANCE': REQUESTS - 1,
    });
    const accepted = answers.find((a) => a.status === 201)?.body.id;

    const { rows } = await tp.running.database.query(
      'SELECT id, status FROM wallet_withdrawals WHERE user_id = $1',
      [user.userId],
    );
    expect(rows).toEqual([{ id: accepted, status: 'pending' }]);
    const balances = await tp.running.engine.query<{ asset: string; available: number; held: number }[]>({
      query: 'balances',
      user: accountNo,
    });
    expect(balances.find((b) => b.asset === 'USDT')).toMatchObject({
      available: 49_000_000,
      held: 101_000_000,
    });

    // Every prefix of the account's projected postings is non-negative.
    await tp.projected();
    const running = await tp.running.database.query(
      `SELECT min(available)::text AS min_available, min(held)::text AS min_held, count(*)::int AS postings FROM (
         SELECT sum(d_available) OVER w AS available, sum(d_held) OVER w AS held
         FROM ledger_postings WHERE account = $1 AND asset = 'USDT'
         WINDOW w AS (ORDER BY command_seq, event_seq, id)) r`,
      [`u:${accountNo}:SPOT`],
    );
    expect(running.rows[0]?.postings).toBeGreaterThan(0);
    expect(BigInt(String(running.rows[0]?.min_available))).toBeGreaterThanOrEqual(0n);
    expect(BigInt(String(running.rows[0]?.min_held))).toBeGreaterThanOrEqual(0n);
    const view = await tp.running.engine.query<EngineLedgerView>({ query: 'ledger' });
    const report = await reconcileLedger(tp.running.database, view);
    expect(report.mismatches).toEqual([]);
    expect(report.unbalancedAssets).toEqual([]);

    // A key without the 'withdraw' scope may not withdraw at all.
    const readOnly = await tp.running.platform.apiKeys.createOwnKey(
      user.userId,
      { label: 'reader', type: 'HMAC', scopes: ['read'], ipAllowList: [] },
      await code(),
    );
    const signed = signRequest({
      apiKey: readOnly.key.apiKey,
      secret: readOnly.secret ?? '',
      body: { asset: 'USDT', addressId, amount: '1' },
      timestamp: tp.clock.nowMs(),
    });
    const refused = await fetch(signed.urlFor(`${tp.url}/api/v1/wallet/withdrawals`), {
      method: 'POST',
      headers: signed.headers,
      body: signed.body ?? '',
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe('API_KEY_SCOPE_MISSING');
  }, 120_000);
});
