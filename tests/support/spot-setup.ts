// The spot setup several platform tests share: BTC and USDT with a 'testnet' network each, the BTCUSDT
// market, and users funded straight through the engine from the network's outside-world account.
import type { SignedInUser } from '@tradeloom/identity/testing';
import { expect } from 'vitest';
import type { TestPlatform } from './test-platform.js';

/** Creates BTC (8 decimals) and USDT (6) with a 'testnet' network each, and BTCUSDT with `market`'s settings. */
export async function createBtcUsdtMarket(
  admin: SignedInUser,
  market: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  for (const [code, precision] of [
    ['BTC', 8],
    ['USDT', 6],
  ] as const) {
    const asset = await admin.browser.json('POST', '/api/v1/admin/wallet/assets', {
      code,
      name: code,
      kind: 'crypto',
      precision,
    });
    expect(asset.status).toBe(201);
    const network = await admin.browser.json('POST', `/api/v1/admin/wallet/assets/${code}/networks`, {
      network: 'testnet',
    });
    expect(network.status).toBe(201);
  }
  const created = await admin.browser.json('POST', '/api/v1/admin/spot/markets', {
    base: 'BTC',
    quote: 'USDT',
    ...market,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as Record<string, unknown>;
}

/** Credits `amount` units of `asset` to the user's SPOT wallet (a keyed deposit from external:testnet). */
export async function fundSpot(
  tp: TestPlatform,
  user: SignedInUser,
  asset: string,
  amount: number,
): Promise<void> {
  const accountNo = await tp.running.platform.wallet.engineAccountOf(user.userId);
  const result = await tp.running.engine.submit({
    type: 'transfer',
    ts: tp.clock.nowMs(),
    key: `fund-${user.userId}-${asset}`,
    kind: 'deposit',
    asset,
    from: { system: 'external:testnet' },
    to: { user: accountNo, wallet: 'SPOT' },
    amount,
  });
  expect(result.ok).toBe(true);
}
