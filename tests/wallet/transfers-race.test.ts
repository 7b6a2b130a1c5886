// The race: 1,000 transfers sent at once over HTTP against one balance that covers exactly one.
// Exactly one is accepted, the other 999 answer WALLET_INSUFFICIENT_BALANCE, the balance never goes
// negative, and the engine moved the money once (both modes).
import { randomBytes } from 'node:crypto';
import { bothModes } from '@tradeloom/db/testing';
import type { SignedInUser } from '@tradeloom/identity/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

describe.each(bothModes)('concurrent transfers on %s', (mode) => {
  let tp: TestPlatform;
  let sender: SignedInUser;
  let recipient: SignedInUser;

  const engineBalances = async (user: SignedInUser) => {
    const accountNo = await tp.running.platform.wallet.engineAccountOf(user.userId);
    return tp.running.engine.query<{ asset: string; wallet: string; available: number; held: number }[]>({
      query: 'balances',
      user: accountNo,
    });
  };

  beforeAll(async () => {
    tp = await startTestPlatform(mode);
    const admin = await tp.admin();
    sender = await tp.user({ totp: false });
    recipient = await tp.user({ totp: false });
    expect(
      (
        await admin.browser.json('POST', '/api/v1/admin/wallet/assets', {
          code: 'USDT',
          name: 'Tether',
          kind: 'crypto',
          precision: 6,
        })
      ).status,
    ).toBe(201);
    expect(
      (await admin.browser.json('POST', '/api/v1/admin/wallet/assets/USDT/networks', { network: 'tron' }))
        .status,
    ).toBe(201);
    const result = await tp.running.engine.submit({
      type: 'transfer',
      ts: tp.clock.nowMs(),
      key: `fund:${randomBytes(8).toString('hex')}`,
      kind: 'deposit',
      asset: 'USDT',
      from: { system: 'external:tron' },
      to: { user: await tp.running.platform.wallet.engineAccountOf(sender.userId), wallet: 'SPOT' },
      amount: 10_000_000,
    });
    expect(result.ok).toBe(true);
  }, 60_000);
  afterAll(async () => {
    await tp?.stop();
  });

  it('accepts exactly one of 1,000 concurrent transfers that each need the whole balance', async () => {
    const answers = await Promise.all(
      Array.from({ length: 1000 }, () =>
        sender.browser.json<{ code?: string; status?: string }>('POST', '/api/v1/wallet/transfers/user', {
          asset: 'USDT',
          amount: '10',
          recipientUserId: recipient.userId,
        }),
      ),
    );
    const accepted = answers.filter((a) => a.status === 201);
    expect(accepted).toHaveLength(1);
    expect(accepted[0]?.body.status).toBe('completed');
    const refused = answers.filter((a) => a.status !== 201);
    expect(new Set(refused.map((a) => `${a.status} ${a.body.code}`))).toEqual(
      new Set(['409 WALLET_INSUFFICIENT_BALANCE']),
    );

    const senderRows = await engineBalances(sender);
    expect(senderRows.every((r) => r.available >= 0 && r.held >= 0)).toBe(true);
    expect(senderRows.find((r) => r.asset === 'USDT')?.available ?? 0).toBe(0);
    expect(await engineBalances(recipient)).toEqual([
      { asset: 'USDT', wallet: 'SPOT', available: 10_000_000, held: 0 },
    ]);

    await tp.projected();
    const { rows } = await tp.running.database.query(
      `SELECT count(*)::int AS n, coalesce(sum(amount), 0)::text AS total FROM ledger_transfers WHERE kind = 'internal'`,
    );
    expect(rows[0]).toEqual({ n: 1, total: '10000000' });
    const statuses = await tp.running.database.query(
      `SELECT status, count(*)::int AS n FROM wallet_transfers GROUP BY status ORDER BY status`,
    );
    expect(statuses.rows.find((r) => r.status === 'completed')?.n).toBe(1);
    expect(statuses.rows.find((r) => r.status === 'pending')).toBeUndefined();
  }, 120_000);

  it('moves between own wallets once when 200 concurrent moves each need the whole balance', async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, () =>
        recipient.browser.json('POST', '/api/v1/wallet/transfers/internal-wallet', {
          asset: 'USDT',
          amount: '10',
          fromWallet: 'SPOT',
          toWallet: 'FUTURES',
        }),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(199);
    expect(await engineBalances(recipient)).toEqual([
      { asset: 'USDT', wallet: 'FUTURES', available: 10_000_000, held: 0 },
    ]);
  }, 60_000);
});
