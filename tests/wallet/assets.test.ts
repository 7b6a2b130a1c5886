// Currencies and networks over HTTP on the assembled platform (both modes): admins add them (the
// engine learns the asset), the public list shows active ones with fees as decimal strings, bad
// input is a clear 4xx, users without the permission are refused, and every change is audited.
import { bothModes } from '@tradeloom/db/testing';
import type { SignedInUser } from '@tradeloom/identity/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

describe.each(bothModes)('wallet assets on %s', (mode) => {
  let tp: TestPlatform;
  let admin: SignedInUser;
  let trader: SignedInUser;

  beforeAll(async () => {
    tp = await startTestPlatform(mode);
    admin = await tp.admin();
    trader = await tp.user({ totp: false });
  }, 60_000);
  afterAll(async () => {
    await tp?.stop();
  });

  it('adds a currency with a network, shows it publicly, and registers it in the engine', async () => {
    const created = await admin.browser.json('POST', '/api/v1/admin/wallet/assets', {
      code: 'DOGE',
      name: 'Dogecoin',
      kind: 'crypto',
      precision: 8,
    });
    expect(created.status).toBe(201);
    const network = await admin.browser.json('POST', '/api/v1/admin/wallet/assets/DOGE/networks', {
      network: 'dogecoin',
      name: 'Dogecoin',
      withdrawFee: '2.5',
      withdrawMin: '10',
      confirmations: 40,
      addressPattern: '^D[1-9A-HJ-NP-Za-km-z]{25,34}$',
    });
    expect(network.status).toBe(201);
    expect(network.body).toMatchObject({
      withdrawFee: '2.50000000',
      withdrawMin: '10.00000000',
      withdrawMax: null,
    });

    const list = await fetch(`${tp.url}/api/v1/wallet/assets`);
    const body = (await list.json()) as { assets: { code: string; networks: { network: string }[] }[] };
    const doge = body.assets.find((a) => a.code === 'DOGE');
    expect(doge?.networks.map((n) => n.network)).toEqual(['dogecoin']);

    await tp.projected();
    const { rows } = await tp.running.database.query("SELECT scale FROM ledger_assets WHERE asset = 'DOGE'");
    expect(rows).toEqual([{ scale: 8 }]);
  });

  it('refuses bad input with a code and changes nothing', async () => {
    const cases: [unknown, string][] = [
      [{ code: 'doge', name: 'x', kind: 'crypto', precision: 8 }, 'VALIDATION_FAILED'],
      [{ code: 'AAA', name: 'x', kind: 'crypto', precision: 13 }, 'VALIDATION_FAILED'],
      [{ code: 'AAA', name: 'x', kind: 'gold', precision: 2 }, 'VALIDATION_FAILED'],
      [{ code: 'DOGE', name: 'again', kind: 'crypto', precision: 2 }, 'WALLET_ASSET_EXISTS'],
    ];
    for (const [body, code] of cases) {
      const answer = await admin.browser.json('POST', '/api/v1/admin/wallet/assets', body);
      expect(answer.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect((answer.body as { code: string }).code).toBe(code);
    }
    const badFee = await admin.browser.json('POST', '/api/v1/admin/wallet/assets/DOGE/networks', {
      network: 'other',
      withdrawFee: '0.000000001',
    });
    expect(badFee.status).toBe(400);
    expect((badFee.body as { code: string }).code).toBe('WALLET_AMOUNT_INVALID');
    const badPattern = await admin.browser.json('POST', '/api/v1/admin/wallet/assets/DOGE/networks', {
      network: 'other',
      addressPattern: '([',
    });
    expect(badPattern.status).toBe(400);
    const missing = await admin.browser.json('POST', '/api/v1/admin/wallet/assets/NOPE/networks', {
      network: 'x',
    });
    expect(missing.status).toBe(404);
    const { rows } = await tp.running.database.query(
      "SELECT count(*)::int AS n FROM wallet_networks WHERE network = 'other'",
    );
    expect(rows[0]?.n).toBe(0);
  });

  it('disables a currency, sets limits per KYC level, and audits each change', async () => {
    const limits = await admin.browser.json('PUT', '/api/v1/admin/wallet/assets/DOGE/limits/0', {
      withdrawDailyMax: '1000',
      withdrawPerTxMax: '250.5',
      depositDailyMax: null,
    });
    expect(limits.status).toBe(200);
    expect(limits.body).toMatchObject({ withdrawPerTxMax: '250.50000000', depositDailyMax: null });
    const disabled = await admin.browser.json('PATCH', '/api/v1/admin/wallet/assets/DOGE', {
      status: 'disabled',
    });
    expect(disabled.status).toBe(200);
    const list = (await (await fetch(`${tp.url}/api/v1/wallet/assets`)).json()) as {
      assets: { code: string }[];
    };
    expect(list.assets.map((a) => a.code)).not.toContain('DOGE');
    const { rows } = await tp.running.database.query(
      "SELECT action FROM audit_log WHERE target LIKE 'asset:DOGE%' OR target LIKE 'network:%' ORDER BY id",
    );
    expect(rows.map((r) => r.action)).toEqual([
      'wallet.asset.create',
      'wallet.network.create',
      'wallet.limits.set',
      'wallet.asset.update',
    ]);
  });

  it('refuses admin routes to a trader and to anonymous callers', async () => {
    const asTrader = await trader.browser.json('POST', '/api/v1/admin/wallet/assets', {
      code: 'XRP',
      name: 'x',
      kind: 'crypto',
      precision: 6,
    });
    expect(asTrader.status).toBe(403);
    const anonymous = await fetch(`${tp.url}/api/v1/admin/wallet/assets`);
    expect(anonymous.status).toBe(401);
  });
});
