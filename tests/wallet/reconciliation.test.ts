// Reconciliation on a busy ledger (both modes): deposits, transfers between users and wallets, and
// resting and filled orders, some still in flight while it runs, reconcile cleanly; one tampered
// posting row raises a critical alert (bumped, not duplicated, while it lasts), which a finance
// admin acknowledges (audited). The wallet's jobs are registered and visible to the jobs API.
import { randomBytes } from 'node:crypto';
import { bothModes } from '@tradeloom/db/testing';
import type { SignedInUser } from '@tradeloom/identity/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

const MARKET_ID = 902;

interface Run {
  id: string;
  ok: boolean;
  commandSeq: number;
  mismatches: { account: string; asset: string }[];
  unbalancedAssets: { asset: string; total: string }[];
  triggeredBy: string;
}

interface Alert {
  id: string;
  kind: string;
  severity: string;
  occurrences: number;
  acknowledgedBy: string | null;
}

describe.each(bothModes)('ledger reconciliation on %s', (mode) => {
  let tp: TestPlatform;
  let admin: SignedInUser;
  let users: SignedInUser[];

  const accountOf = (user: SignedInUser) => tp.running.platform.wallet.engineAccountOf(user.userId);

  const deposit = async (user: SignedInUser, asset: string, network: string, amount: number) => {
    const result = await tp.running.engine.submit({
      type: 'transfer',
      ts: tp.clock.nowMs(),
      key: `fund:${randomBytes(8).toString('hex')}`,
      kind: 'deposit',
      asset,
      from: { system: `external:${network}` },
      to: { user: await accountOf(user), wallet: 'SPOT' },
      amount,
    });
    expect(result.ok).toBe(true);
  };

  /** Transfers, wallet moves and orders from every user at once. */
  const busy = async (round: number) => {
    await Promise.all(
      users.map(async (user, i) => {
        const next = users[(i + 1) % users.length] as SignedInUser;
        const sent = await user.browser.json('POST', '/api/v1/wallet/transfers/user', {
          asset: 'USDT',
          amount: `${1 + i}.25`,
          recipientUserId: next.userId,
        });
        expect(sent.status).toBe(201);
        const moved = await user.browser.json('POST', '/api/v1/wallet/transfers/internal-wallet', {
          asset: 'USDT',
          amount: '0.5',
          fromWallet: 'SPOT',
          toWallet: i % 2 === 0 ? 'FUNDING' : 'FUTURES',
        });
        expect(moved.status).toBe(201);
        const placed = await tp.running.engine.submit({
          type: 'placeOrder',
          ts: tp.clock.nowMs(),
          marketId: MARKET_ID,
          user: await accountOf(user),
          side: i % 2 === 0 ? 'SELL' : 'BUY',
          orderType: 'LIMIT',
          price: 5_000_000 + (i % 3) * 100 + round,
          qty: 1 + (i % 4),
          timeInForce: 'GTC',
        });
        expect(placed.ok).toBe(true);
      }),
    );
  };

  beforeAll(async () => {
    tp = await startTestPlatform(mode);
    admin = await tp.admin();
    users = await Promise.all(Array.from({ length: 8 }, () => tp.user({ totp: false })));
    for (const [code, precision, network] of [
      ['USDT', 6, 'tron'],
      ['BTC', 8, 'bitcoin'],
    ] as const) {
      expect(
        (
          await admin.browser.json('POST', '/api/v1/admin/wallet/assets', {
            code,
            name: code,
            kind: 'crypto',
            precision,
          })
        ).status,
      ).toBe(201);
      expect(
        (await admin.browser.json('POST', `/api/v1/admin/wallet/assets/${code}/networks`, { network }))
          .status,
      ).toBe(201);
    }
    const market = await tp.running.engine.submit({
      type: 'addMarket',
      ts: tp.clock.nowMs(),
      market: {
        id: MARKET_ID,
        symbol: 'BTCUSDT',
        base: 'BTC',
        quote: 'USDT',
        lotUnits: 10_000,
        tickQuoteUnits: 1,
        filters: {
          minPrice: 1,
          maxPrice: 100_000_000,
          minQty: 1,
          maxQty: 1_000_000,
          minNotional: 1,
          priceBandBps: 0,
          maxNumOrders: 200,
          maxNumStopOrders: 10,
        },
        fees: { makerPpm: 1_000, takerPpm: 2_000 },
        status: 'TRADING',
      },
    });
    expect(market.ok).toBe(true);
    for (const user of users) {
      await deposit(user, 'USDT', 'tron', 2_000_000_000);
      await deposit(user, 'BTC', 'bitcoin', 5_000_000);
    }
  }, 60_000);
  afterAll(async () => {
    await tp?.stop();
  });

  it('reconciles a busy ledger, also while commands are still arriving', async () => {
    await busy(0);
    const during = busy(1);
    const run = await tp.running.platform.wallet.transfers.reconcile();
    await during;
    expect(run).toMatchObject({ ok: true, mismatches: [], unbalancedAssets: [], triggeredBy: 'job' });
    expect(run.accounts).toBeGreaterThan(16);
    const { rows } = await tp.running.database.query('SELECT count(*)::int AS n FROM ledger_trades');
    expect(rows[0]?.n).toBeGreaterThan(0);

    const byAdmin = await admin.browser.json<Run>('POST', '/api/v1/admin/wallet/reconciliation/runs');
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.body).toMatchObject({ ok: true, triggeredBy: admin.userId });
    expect(byAdmin.body.commandSeq).toBeGreaterThan(run.commandSeq);
    const audited = await tp.running.database.query(
      "SELECT actor FROM audit_log WHERE action = 'wallet.reconciliation.run'",
    );
    expect(audited.rows).toEqual([{ actor: admin.userId }]);
  });

  it('raises one critical alert for a tampered posting, which finance acknowledges', async () => {
    const target = await tp.running.database.query(
      `SELECT id::text AS id, account, asset FROM ledger_postings
        WHERE kind = 'internal' AND asset = 'USDT' ORDER BY id DESC LIMIT 1`,
    );
    const row = target.rows[0] as { id: string; account: string; asset: string };
    await tp.running.database.query(
      'UPDATE ledger_postings SET d_available = d_available + 1 WHERE id = $1',
      [row.id],
    );

    const failed = await admin.browser.json<Run>('POST', '/api/v1/admin/wallet/reconciliation/runs');
    expect(failed.body.ok).toBe(false);
    expect(failed.body.mismatches).toEqual([
      expect.objectContaining({ account: row.account, asset: 'USDT' }),
    ]);
    expect(failed.body.unbalancedAssets).toEqual([{ asset: 'USDT', total: '1' }]);
    // The job's run of the same fails (into the job log) after storing the run and bumping the alert.
    const again = await tp.running.platform.wallet.transfers.reconcile();
    expect(again.ok).toBe(false);

    const alerts = await admin.browser.json<{ alerts: Alert[] }>('GET', '/api/v1/admin/wallet/alerts');
    expect(alerts.status).toBe(200);
    expect(alerts.body.alerts).toEqual([
      expect.objectContaining({
        kind: 'ledger-reconciliation-mismatch',
        severity: 'critical',
        occurrences: 2,
      }),
    ]);
    const alertId = alerts.body.alerts[0]?.id ?? '';

    const trader = users[0] as SignedInUser;
    expect((await trader.browser.json('GET', '/api/v1/admin/wallet/alerts')).status).toBe(403);
    expect(
      (await trader.browser.json('POST', `/api/v1/admin/wallet/alerts/${alertId}/acknowledge`)).status,
    ).toBe(403);
    const missing = await admin.browser.json('POST', '/api/v1/admin/wallet/alerts/alrt_nope/acknowledge');
    expect(missing.status).toBe(404);
    const acked = await admin.browser.json<Alert>(
      'POST',
      `/api/v1/admin/wallet/alerts/${alertId}/acknowledge`,
    );
    expect(acked.status).toBe(200);
    expect(acked.body.acknowledgedBy).toBe(admin.userId);
    const open = await admin.browser.json<{ alerts: Alert[] }>('GET', '/api/v1/admin/wallet/alerts');
    expect(open.body.alerts).toEqual([]);
    const all = await admin.browser.json<{ alerts: Alert[] }>(
      'GET',
      '/api/v1/admin/wallet/alerts?status=all',
    );
    expect(all.body.alerts).toHaveLength(1);
    const audited = await tp.running.database.query(
      "SELECT actor, target FROM audit_log WHERE action = 'wallet.alert.acknowledge'",
    );
    expect(audited.rows).toEqual([{ actor: admin.userId, target: `alert:${alertId}` }]);

    const runs = await admin.browser.json<{ runs: Run[] }>('GET', '/api/v1/admin/wallet/reconciliation/runs');
    expect(runs.body.runs.map((r) => r.ok)).toEqual([false, false, true, true]);

    // Put the row back: clean again, and a new mismatch would open a new alert.
    await tp.running.database.query(
      'UPDATE ledger_postings SET d_available = d_available - 1 WHERE id = $1',
      [row.id],
    );
    expect((await tp.running.platform.wallet.transfers.reconcile()).ok).toBe(true);
  });

  it("registers the wallet's jobs where the jobs API shows them", async () => {
    const jobs = await admin.browser.json<{ jobs: Record<string, unknown> }>('GET', '/api/v1/admin/jobs');
    expect(jobs.status).toBe(200);
    for (const name of [
      'wallet-rates-refresh',
      'wallet-reconcile',
      'wallet-pnl-snapshot',
      'wallet-pnl-cleanup',
      'wallet-transfers-resume',
    ]) {
      expect(Object.keys(jobs.body.jobs)).toContain(name);
    }
  });
});
