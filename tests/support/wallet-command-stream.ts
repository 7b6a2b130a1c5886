// A seeded stream of the commands deposits and withdrawals send the engine (keyed deposits, withdrawal
// holds, fee and payout settlements, releases, internal transfers) for crash tests.
import type { Command } from '@tradeloom/engine';
import { prng } from '@tradeloom/engine-app/testing';

export const USERS = 12;
export const ts = 1_764_000_000_000;

/** Setup commands first (when `from` is 0), then an endless mix; `from` keeps keys unique per round. */
export function* walletStream(seed: number, from: number): Generator<Command> {
  const rnd = prng(seed);
  const pick = (n: number) => Math.floor(rnd() * n);
  if (from === 0) {
    yield { type: 'addAsset', ts, asset: 'USDT', scale: 6 };
    yield { type: 'addAsset', ts, asset: 'BTC', scale: 8 };
    yield { type: 'defineSystemAccount', ts, name: 'external:test-chain', allowNegative: true };
  }
  for (let i = from; ; i++) {
    const user = 1 + pick(USERS);
    const asset = rnd() < 0.5 ? 'USDT' : 'BTC';
    const roll = rnd();
    const t = ts + i;
    if (roll < 0.4) {
      yield {
        type: 'transfer',
        ts: t,
        key: `dep:${i}`,
        kind: 'deposit',
        asset,
        from: { system: 'external:test-chain' },
        to: { user, wallet: 'SPOT' },
        amount: 1 + pick(5_000_000),
      };
    } else if (roll < 0.65) {
      yield {
        type: 'hold',
        ts: t,
        holdId: `wd:${i}`,
        asset,
        account: { user, wallet: 'SPOT' },
        amount: 1 + pick(2_000_000),
      };
    } else if (roll < 0.75) {
      const j = Math.max(0, i - 1 - pick(40));
      yield {
        type: 'settleHold',
        ts: t,
        key: `wd:${j}:fee`,
        holdId: `wd:${j}`,
        kind: 'fee',
        to: { system: 'fees' },
        amount: 1 + pick(1_000),
        final: false,
      };
    } else if (roll < 0.85) {
      const j = Math.max(0, i - 1 - pick(40));
      yield {
        type: 'settleHold',
        ts: t,
        key: `wd:${j}:payout`,
        holdId: `wd:${j}`,
        kind: 'withdrawal',
        to: { system: 'external:test-chain' },
        amount: 1 + pick(1_000_000),
        final: true,
      };
    } else if (roll < 0.92) {
      yield { type: 'release', ts: t, holdId: `wd:${Math.max(0, i - 1 - pick(40))}` };
    } else {
      yield {
        type: 'transfer',
        ts: t,
        key: `tr:${i}`,
        kind: 'internal',
        asset,
        from: { user, wallet: 'SPOT' },
        to: { user: 1 + pick(USERS), wallet: rnd() < 0.5 ? 'SPOT' : 'FUNDING' },
        amount: 1 + pick(500_000),
      };
    }
  }
}
