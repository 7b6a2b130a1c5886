// Proves every rejection code in RejectCodes is produced by the engine, each by a scenario that changes nothing.
import { expect, it } from 'vitest';
import type { RejectCode } from './codes.js';
import { RejectCodes } from './codes.js';
import type { CommandResult } from './events.js';
import { DEPOSITS, Harness, idOf, marketSpec } from './testing/harness.js';

const ts = 1;

/** One scenario per code: set up a funded market, then run the command that must be rejected. */
const scenarios: [RejectCode, (h: Harness) => CommandResult][] = [
  ['INVALID_COMMAND', (h) => h.limit(1, 'BUY', 100, 1.5)],
  [
    'UNKNOWN_ASSET',
    (h) =>
      h.run({
        type: 'hold',
        ts,
        holdId: 'h',
        asset: 'DOGE',
        account: { user: 1, wallet: 'SPOT' },
        amount: 1,
      }),
  ],
  ['ASSET_EXISTS', (h) => h.run({ type: 'addAsset', ts, asset: 'BTC', scale: 8 })],
  [
    'UNKNOWN_SYSTEM_ACCOUNT',
    (h) =>
      h.run({
        type: 'transfer',
        ts,
        key: 'k',
        kind: 'deposit',
        asset: 'BTC',
        from: { system: 'mint' },
        to: { user: 1, wallet: 'SPOT' },
        amount: 1,
      }),
  ],
  [
    'SYSTEM_ACCOUNT_EXISTS',
    (h) => h.run({ type: 'defineSystemAccount', ts, name: DEPOSITS, allowNegative: true }),
  ],
  [
    'SAME_ACCOUNT',
    (h) =>
      h.run({
        type: 'transfer',
        ts,
        key: 'k',
        kind: 'internal',
        asset: 'BTC',
        from: { user: 1, wallet: 'SPOT' },
        to: { user: 1, wallet: 'SPOT' },
        amount: 1,
      }),
  ],
  ['INSUFFICIENT_BALANCE', (h) => h.limit(1, 'BUY', 100, 1_000_000)],
  [
    'AMOUNT_OVERFLOW',
    (h) =>
      h.run({
        type: 'transfer',
        ts,
        key: 'k',
        kind: 'deposit',
        asset: 'BTC',
        from: { system: DEPOSITS },
        to: { user: 1, wallet: 'SPOT' },
        amount: Number.MAX_SAFE_INTEGER,
      }),
  ],
  ['UNKNOWN_HOLD', (h) => h.run({ type: 'release', ts, holdId: 'none' })],
  [
    'HOLD_EXISTS',
    (h) => {
      h.ok({ type: 'hold', ts, holdId: 'h', asset: 'BTC', account: { user: 1, wallet: 'SPOT' }, amount: 1 });
      return h.run({
        type: 'hold',
        ts,
        holdId: 'h',
        asset: 'BTC',
        account: { user: 1, wallet: 'SPOT' },
        amount: 1,
      });
    },
  ],
  [
    'HOLD_AMOUNT_EXCEEDED',
    (h) => {
      h.ok({ type: 'hold', ts, holdId: 'h', asset: 'BTC', account: { user: 1, wallet: 'SPOT' }, amount: 1 });
      return h.run({ type: 'release', ts, holdId: 'h', amount: 2 });
    },
  ],
  ['UNKNOWN_MARKET', (h) => h.run({ type: 'cancelAll', ts, marketId: 2, user: 1 })],
  ['MARKET_EXISTS', (h) => h.run({ type: 'addMarket', ts, market: marketSpec() })],
  ['INVALID_MARKET', (h) => h.update({ fees: { takerPpm: 100_001 } })],
  [
    'MARKET_HALTED',
    (h) => {
      h.update({ status: 'HALTED' });
      return h.cancelAll(1);
    },
  ],
  [
    'MARKET_CANCEL_ONLY',
    (h) => {
      h.update({ status: 'CANCEL_ONLY' });
      return h.limit(1, 'BUY', 100, 1);
    },
  ],
  [
    'FILTER_PRICE',
    (h) => {
      h.update({ filters: { maxPrice: 1_000 } });
      return h.limit(1, 'BUY', 1_001, 1);
    },
  ],
  [
    'FILTER_LOT_SIZE',
    (h) => {
      h.update({ filters: { maxQty: 10 } });
      return h.limit(1, 'BUY', 100, 11);
    },
  ],
  [
    'FILTER_MIN_NOTIONAL',
    (h) => {
      h.update({ filters: { minNotional: 1_000 } });
      return h.limit(1, 'BUY', 100, 9);
    },
  ],
  [
    'FILTER_PERCENT_PRICE',
    (h) => {
      h.update({ filters: { priceBandBps: 500 } });
      h.printTrade(100);
      return h.limit(1, 'BUY', 94, 1);
    },
  ],
  [
    'FILTER_MAX_NUM_ORDERS',
    (h) => {
      h.update({ filters: { maxNumOrders: 1, maxNumStopOrders: 1 } });
      h.limit(1, 'BUY', 100, 1);
      return h.limit(1, 'BUY', 100, 1);
    },
  ],
  [
    'FILTER_MAX_NUM_STOP_ORDERS',
    (h) => {
      h.update({ filters: { maxNumStopOrders: 0 } });
      return h.place(1, { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: 90, qty: 1 });
    },
  ],
  ['UNKNOWN_ORDER', (h) => h.cancel(1, { orderId: 12_345 })],
  [
    'DUPLICATE_CLIENT_ORDER_ID',
    (h) => {
      idOf(h.limit(1, 'BUY', 100, 1, { clientOrderId: 'same' }));
      return h.limit(1, 'BUY', 99, 1, { clientOrderId: 'same' });
    },
  ],
  [
    'WOULD_TAKE',
    (h) => {
      h.limit(2, 'SELL', 100, 1);
      return h.place(1, { side: 'BUY', orderType: 'LIMIT_MAKER', price: 100, qty: 1 });
    },
  ],
  [
    'STOP_WOULD_TRIGGER_IMMEDIATELY',
    (h) => {
      h.printTrade(100);
      return h.place(1, { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: 100, qty: 1 });
    },
  ],
  [
    'INVALID_OCO_PRICES',
    (h) => {
      h.printTrade(100);
      return h.placeOco(1, { side: 'SELL', qty: 1, price: 99, stopPrice: 90 });
    },
  ],
  [
    'CANCEL_REPLACE_CANCEL_FAILED',
    (h) =>
      h.cancelReplace(1, {
        cancelOrderId: 7,
        mode: 'STOP_ON_FAILURE',
        order: { side: 'BUY', orderType: 'LIMIT', price: 100, qty: 1 },
      }),
  ],
];

it('every code in RejectCodes is produced by some command', () => {
  const seen = new Set<string>();
  for (const [code, scenario] of scenarios) {
    const h = new Harness();
    for (const user of [1, 2]) {
      h.fund(user, 'BTC', 1_000);
      h.fund(user, 'USDT', 100_000);
    }
    const result = scenario(h);
    expect(result, code).toMatchObject({ ok: false, code });
    if (!result.ok) seen.add(result.code);
  }
  expect([...seen].sort()).toEqual([...RejectCodes].sort());
});
