import type { Command, CommandResult } from '@tradeloom/engine';
import type { EngineGateway } from '@tradeloom/engine-app';
import { demoAssets, demoMarkets } from './demo-markets.js';

/** The system account demo funds come from (a real deployment credits from deposit accounts). */
export const DEMO_FUNDING_ACCOUNT = 'deposits:demo';

// Rejections that mean "already done": a restart over an engine journal that outlived its database.
const ALREADY_DONE = new Set([
  'ASSET_EXISTS',
  'SYSTEM_ACCOUNT_EXISTS',
  'MARKET_EXISTS',
  'DUPLICATE_CLIENT_ORDER_ID',
]);

/**
 * Puts the demo into the engine: assets, markets, funded traders (engine account numbers) and a
 * small order ladder from the first trader on each market. Idempotent: every step is either keyed
 * (transfers, client order ids) or refused as existing.
 */
export async function seedDemoEngine(
  engine: EngineGateway,
  traders: readonly number[],
  ts: number,
): Promise<void> {
  const commands: Command[] = [
    ...demoAssets.map((a): Command => ({ type: 'addAsset', ts, asset: a.asset, scale: a.scale })),
    { type: 'defineSystemAccount', ts, name: DEMO_FUNDING_ACCOUNT, allowNegative: true },
    ...demoMarkets.map((m): Command => ({ type: 'addMarket', ts, market: m.spec })),
  ];
  const grants: [string, number][] = [
    ['USDT', 1_000_000 * 10 ** 6],
    ['BTC', 10 * 10 ** 8],
    ['ETH', 100 * 10 ** 8],
  ];
  for (const user of traders) {
    for (const [asset, amount] of grants) {
      commands.push({
        type: 'transfer',
        ts,
        key: `demo-fund-${user}-${asset}`,
        kind: 'deposit',
        asset,
        from: { system: DEMO_FUNDING_ACCOUNT },
        to: { user, wallet: 'SPOT' },
        amount,
      });
    }
  }
  const maker = traders[0];
  if (maker !== undefined) {
    for (const market of demoMarkets) {
      for (let i = 1; i <= 5; i++) {
        for (const side of ['BUY', 'SELL'] as const) {
          commands.push({
            type: 'placeOrder',
            ts,
            marketId: market.spec.id,
            user: maker,
            side,
            orderType: 'LIMIT',
            price: market.midTicks + (side === 'BUY' ? -i : i) * market.stepTicks,
            qty: 10 * i,
            clientOrderId: `demo-ladder-${side}-${i}`,
          });
        }
      }
    }
  }
  // In order: each command depends on the ones before it (assets before markets before orders).
  for (const command of commands) {
    const result: CommandResult = await engine.submit(command);
    if (!result.ok && !ALREADY_DONE.has(result.code)) {
      throw new Error(`demo seed: ${command.type} rejected with ${result.code}: ${result.message}`);
    }
  }
}
