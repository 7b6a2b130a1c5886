// Proves the ledger commands: assets, system accounts, transfers with idempotency keys, and named holds (hold, release, settle).
import { describe, expect, it } from 'vitest';
import { MAX_SAFE } from '../arith.js';
import type { Party, Transfer } from '../commands.js';
import { codeOf, DEPOSITS, eventsOf, Harness } from '../testing/harness.js';

const ALICE = 1;
const BOB = 2;
const spot = (user: number): Party => ({ user, wallet: 'SPOT' });

function transfer(h: Harness, fields: Partial<Transfer>) {
  return h.run({
    type: 'transfer',
    ts: 1,
    key: 't1',
    kind: 'internal',
    asset: 'USDT',
    from: spot(ALICE),
    to: spot(BOB),
    amount: 100,
    ...fields,
  });
}

function system(h: Harness, name: string, asset: string): number {
  const info = h.engine.ledger.assets.get(asset)!;
  return h.engine.ledger.systemAccount(name, info)!.available;
}

function setup(): Harness {
  const h = new Harness();
  h.fund(ALICE, 'USDT', 1_000);
  return h;
}

describe('addAsset', () => {
  it('registers an asset', () => {
    const h = setup();
    const result = h.run({ type: 'addAsset', ts: 1, asset: 'ETH', scale: 18 });
    expect(result.ok && result.events).toEqual([
      { type: 'assetAdded', seq: expect.any(Number), asset: 'ETH', scale: 18 },
    ]);
    expect(h.engine.ledger.assets.get('ETH')).toMatchObject({ code: 'ETH', scale: 18 });
  });

  it('rejects a second registration with ASSET_EXISTS', () => {
    const h = setup();
    expect(codeOf(h.run({ type: 'addAsset', ts: 1, asset: 'BTC', scale: 8 }))).toBe('ASSET_EXISTS');
  });

  it.each([
    ['scale 19', 'ETH', 19],
    ['scale -1', 'ETH', -1],
    ['scale 1.5', 'ETH', 1.5],
    ['scale as a string', 'ETH', '8' as unknown as number],
    ['a lowercase code', 'eth', 8],
    ['a 17-character code', 'A'.repeat(17), 8],
    ['an empty code', '', 8],
  ])('rejects %s with INVALID_COMMAND', (_name, asset, scale) => {
    const h = setup();
    expect(codeOf(h.run({ type: 'addAsset', ts: 1, asset, scale }))).toBe('INVALID_COMMAND');
  });

  it('accepts scale 0 and a 16-character code', () => {
    const h = setup();
    expect(codeOf(h.run({ type: 'addAsset', ts: 1, asset: 'A'.repeat(16), scale: 0 }))).toBe('OK');
  });
});

describe('defineSystemAccount', () => {
  it('defines a family of system accounts, one per asset', () => {
    const h = setup();
    const result = h.run({ type: 'defineSystemAccount', ts: 1, name: 'treasury', allowNegative: false });
    expect(result.ok && result.events).toEqual([
      { type: 'systemAccountDefined', seq: expect.any(Number), name: 'treasury', allowNegative: false },
    ]);
  });

  it('rejects redefinition, the genesis fees account included, with SYSTEM_ACCOUNT_EXISTS', () => {
    const h = setup();
    expect(codeOf(h.run({ type: 'defineSystemAccount', ts: 1, name: 'fees', allowNegative: true }))).toBe(
      'SYSTEM_ACCOUNT_EXISTS',
    );
    expect(codeOf(h.run({ type: 'defineSystemAccount', ts: 1, name: DEPOSITS, allowNegative: true }))).toBe(
      'SYSTEM_ACCOUNT_EXISTS',
    );
  });

  it.each([
    ['an uppercase name', { name: 'Treasury', allowNegative: false }],
    ['a name starting with a digit', { name: '1x', allowNegative: false }],
    ['a non-boolean allowNegative', { name: 'treasury', allowNegative: 1 as unknown as boolean }],
  ])('rejects %s with INVALID_COMMAND', (_name, fields) => {
    const h = setup();
    expect(codeOf(h.run({ type: 'defineSystemAccount', ts: 1, ...fields }))).toBe('INVALID_COMMAND');
  });
});

describe('transfer', () => {
  it('debits one available balance and credits another', () => {
    const h = setup();
    const result = transfer(h, { amount: 300 });
    expect(result.ok && result.events).toEqual([
      {
        type: 'transfer',
        seq: expect.any(Number),
        key: 't1',
        kind: 'internal',
        asset: 'USDT',
        from: spot(ALICE),
        to: spot(BOB),
        amount: 300,
        fromHeld: false,
      },
      {
        type: 'balance',
        seq: expect.any(Number),
        user: ALICE,
        asset: 'USDT',
        wallet: 'SPOT',
        available: 700,
        held: 0,
      },
      {
        type: 'balance',
        seq: expect.any(Number),
        user: BOB,
        asset: 'USDT',
        wallet: 'SPOT',
        available: 300,
        held: 0,
      },
    ]);
  });

  it('moves between wallets of one user', () => {
    const h = setup();
    transfer(h, { kind: 'wallet', to: { user: ALICE, wallet: 'FUNDING' }, amount: 250 });
    expect(h.balance(ALICE, 'USDT').available).toBe(750);
    const funding = h.engine.ledger.userAccount(ALICE, h.engine.ledger.assets.get('USDT')!, 'FUNDING');
    expect(funding.available).toBe(250);
  });

  it('rejects an overdraft with INSUFFICIENT_BALANCE and the amounts', () => {
    const h = setup();
    expect(transfer(h, { amount: 1_001 })).toMatchObject({
      ok: false,
      code: 'INSUFFICIENT_BALANCE',
      detail: { asset: 'USDT', needed: 1_001, available: 1_000 },
    });
  });

  it('rejects a transfer into the account it debits with SAME_ACCOUNT', () => {
    const h = setup();
    expect(codeOf(transfer(h, { to: spot(ALICE) }))).toBe('SAME_ACCOUNT');
    expect(codeOf(transfer(h, { from: { system: DEPOSITS }, to: { system: DEPOSITS } }))).toBe(
      'SAME_ACCOUNT',
    );
  });

  it('rejects UNKNOWN_ASSET and UNKNOWN_SYSTEM_ACCOUNT', () => {
    const h = setup();
    expect(codeOf(transfer(h, { asset: 'DOGE' }))).toBe('UNKNOWN_ASSET');
    expect(codeOf(transfer(h, { from: { system: 'nowhere' } }))).toBe('UNKNOWN_SYSTEM_ACCOUNT');
    expect(codeOf(transfer(h, { to: { system: 'nowhere' } }))).toBe('UNKNOWN_SYSTEM_ACCOUNT');
  });

  it('rejects a credit beyond 2^53-1 with AMOUNT_OVERFLOW', () => {
    const h = setup();
    h.ok({ type: 'defineSystemAccount', ts: 1, name: 'mint', allowNegative: true });
    transfer(h, {
      key: 'big',
      kind: 'deposit',
      from: { system: 'mint' },
      to: spot(BOB),
      amount: MAX_SAFE - 10,
    });
    expect(h.balance(BOB, 'USDT').available).toBe(MAX_SAFE - 10);
    expect(codeOf(transfer(h, { key: 'more', amount: 11 }))).toBe('AMOUNT_OVERFLOW');
    expect(codeOf(transfer(h, { key: 'fits', amount: 10 }))).toBe('OK');
    expect(h.balance(BOB, 'USDT').available).toBe(MAX_SAFE);
  });

  it('rejects a debit of a negative-allowed account beyond -(2^53-1) with AMOUNT_OVERFLOW', () => {
    const h = setup();
    // Deposits already gave ALICE 1,000, so it stands at -1,000.
    const first = { kind: 'deposit' as const, from: { system: DEPOSITS }, to: spot(BOB) };
    expect(codeOf(transfer(h, { ...first, key: 'd1', amount: MAX_SAFE - 1_000 }))).toBe('OK');
    expect(system(h, DEPOSITS, 'USDT')).toBe(-MAX_SAFE);
    const before = h.stateWithoutSeq();
    expect(codeOf(transfer(h, { ...first, key: 'd2', to: spot(3), amount: 1 }))).toBe('AMOUNT_OVERFLOW');
    expect(h.stateWithoutSeq()).toBe(before);
  });

  it.each([
    ['amount 0', { amount: 0 }],
    ['amount 1.5', { amount: 1.5 }],
    ['amount -5', { amount: -5 }],
    ['amount NaN', { amount: Number.NaN }],
    ['amount 2^53', { amount: 2 ** 53 }],
    ['an unknown kind', { kind: 'gift' as 'internal' }],
    ['an unknown wallet', { to: { user: BOB, wallet: 'SAVINGS' } as unknown as Party }],
    ['user 0', { to: spot(0) }],
    ['user 2^36', { to: spot(2 ** 36) }],
    ['a missing party', { from: undefined as unknown as Party }],
    ['an empty key', { key: '' }],
    ['a key with a space', { key: 'a b' }],
    ['a 129-character key', { key: 'k'.repeat(129) }],
  ])('rejects %s with INVALID_COMMAND', (_name, fields) => {
    const h = setup();
    expect(codeOf(transfer(h, fields))).toBe('INVALID_COMMAND');
  });

  it('a system account that may not go negative needs a balance', () => {
    const h = setup();
    h.ok({ type: 'defineSystemAccount', ts: 1, name: 'treasury', allowNegative: false });
    expect(
      transfer(h, { key: 'a', kind: 'adjustment', from: { system: 'treasury' }, amount: 1 }),
    ).toMatchObject({
      code: 'INSUFFICIENT_BALANCE',
      detail: { asset: 'USDT', needed: 1, available: 0 },
    });
    transfer(h, { key: 'b', kind: 'adjustment', from: spot(ALICE), to: { system: 'treasury' }, amount: 50 });
    expect(
      codeOf(transfer(h, { key: 'c', kind: 'adjustment', from: { system: 'treasury' }, amount: 50 })),
    ).toBe('OK');
    expect(system(h, 'treasury', 'USDT')).toBe(0);
    // One allowed to go negative does not.
    expect(
      codeOf(transfer(h, { key: 'd', kind: 'deposit', from: { system: DEPOSITS }, amount: 5_000 })),
    ).toBe('OK');
    expect(system(h, DEPOSITS, 'USDT')).toBe(-6_000);
  });
});

describe('transfer idempotency', () => {
  it('a repeated key returns the first result with duplicate: true and changes nothing', () => {
    const h = setup();
    const first = transfer(h, { key: 'once', amount: 100 });
    const before = h.stateWithoutSeq();
    const again = transfer(h, { key: 'once', amount: 999, to: spot(7) });
    expect(again.ok).toBe(true);
    expect(again).toEqual({ ...first, duplicate: true, commandSeq: first.commandSeq + 1 });
    expect(h.stateWithoutSeq()).toBe(before);
    expect(h.balance(ALICE, 'USDT').available).toBe(900);
    expect(h.balance(7, 'USDT').available).toBe(0);
  });

  it('a rejected transfer does not use up its key', () => {
    const h = setup();
    expect(codeOf(transfer(h, { key: 'retry', amount: 5_000 }))).toBe('INSUFFICIENT_BALANCE');
    const retried = transfer(h, { key: 'retry', amount: 500 });
    expect(retried.ok && retried.duplicate).toBeUndefined();
    expect(h.balance(BOB, 'USDT').available).toBe(500);
  });
});

describe('named holds', () => {
  it('hold moves available to held under a name', () => {
    const h = setup();
    const result = h.run({
      type: 'hold',
      ts: 1,
      holdId: 'wd-1',
      asset: 'USDT',
      account: spot(ALICE),
      amount: 300,
    });
    expect(eventsOf(result, 'hold')).toEqual([
      {
        type: 'hold',
        seq: expect.any(Number),
        holdId: 'wd-1',
        asset: 'USDT',
        account: spot(ALICE),
        amount: 300,
      },
    ]);
    expect(h.balance(ALICE, 'USDT')).toEqual({ available: 700, held: 300 });
  });

  it('rejects HOLD_EXISTS, UNKNOWN_ASSET, INSUFFICIENT_BALANCE and malformed holds', () => {
    const h = setup();
    h.ok({ type: 'hold', ts: 1, holdId: 'h', asset: 'USDT', account: spot(ALICE), amount: 300 });
    const hold = (fields: object) =>
      codeOf(
        h.run({
          type: 'hold',
          ts: 1,
          holdId: 'h2',
          asset: 'USDT',
          account: spot(ALICE),
          amount: 1,
          ...fields,
        }),
      );
    expect(hold({ holdId: 'h' })).toBe('HOLD_EXISTS');
    expect(hold({ asset: 'DOGE' })).toBe('UNKNOWN_ASSET');
    expect(hold({ amount: 701 })).toBe('INSUFFICIENT_BALANCE');
    expect(hold({ amount: 0 })).toBe('INVALID_COMMAND');
    expect(hold({ holdId: '' })).toBe('INVALID_COMMAND');
    expect(hold({ account: { system: 'nowhere' } })).toBe('UNKNOWN_SYSTEM_ACCOUNT');
  });

  it('release returns part or, with no amount, all that is left', () => {
    const h = setup();
    h.ok({ type: 'hold', ts: 1, holdId: 'h', asset: 'USDT', account: spot(ALICE), amount: 300 });
    const part = h.run({ type: 'release', ts: 1, holdId: 'h', amount: 100 });
    expect(eventsOf(part, 'release')).toEqual([
      {
        type: 'release',
        seq: expect.any(Number),
        holdId: 'h',
        asset: 'USDT',
        account: spot(ALICE),
        amount: 100,
        remaining: 200,
      },
    ]);
    expect(h.run({ type: 'release', ts: 1, holdId: 'h', amount: 201 })).toMatchObject({
      code: 'HOLD_AMOUNT_EXCEEDED',
      detail: { remaining: 200 },
    });
    expect(codeOf(h.run({ type: 'release', ts: 1, holdId: 'h', amount: 0 }))).toBe('INVALID_COMMAND');
    const rest = h.run({ type: 'release', ts: 1, holdId: 'h' });
    expect(eventsOf(rest, 'release')[0]).toMatchObject({ amount: 200, remaining: 0 });
    expect(h.balance(ALICE, 'USDT')).toEqual({ available: 1_000, held: 0 });
    expect(codeOf(h.run({ type: 'release', ts: 1, holdId: 'h' }))).toBe('UNKNOWN_HOLD');
  });

  it('settleHold debits the hold and credits another account, partially, then finally releasing the rest', () => {
    const h = setup();
    h.ok({ type: 'defineSystemAccount', ts: 1, name: 'withdrawals', allowNegative: false });
    h.ok({ type: 'hold', ts: 1, holdId: 'wd', asset: 'USDT', account: spot(ALICE), amount: 300 });
    const part = h.run({
      type: 'settleHold',
      ts: 1,
      key: 's1',
      holdId: 'wd',
      kind: 'withdrawal',
      to: { system: 'withdrawals' },
      amount: 100,
    });
    expect(part.ok && part.events).toEqual([
      {
        type: 'transfer',
        seq: expect.any(Number),
        key: 's1',
        kind: 'withdrawal',
        asset: 'USDT',
        from: spot(ALICE),
        to: { system: 'withdrawals' },
        amount: 100,
        fromHeld: true,
      },
      {
        type: 'balance',
        seq: expect.any(Number),
        user: ALICE,
        asset: 'USDT',
        wallet: 'SPOT',
        available: 700,
        held: 200,
      },
    ]);
    expect(h.engine.ledger.holds.get('wd')!.amount).toBe(200);
    const last = h.run({
      type: 'settleHold',
      ts: 1,
      key: 's2',
      holdId: 'wd',
      kind: 'fee',
      to: spot(BOB),
      amount: 50,
      final: true,
    });
    expect(last.ok && last.events.map((e) => e.type)).toEqual(['transfer', 'release', 'balance', 'balance']);
    expect(eventsOf(last, 'release')[0]).toMatchObject({ holdId: 'wd', amount: 150, remaining: 0 });
    expect(h.engine.ledger.holds.has('wd')).toBe(false);
    expect(h.balance(ALICE, 'USDT')).toEqual({ available: 850, held: 0 });
    expect(h.balance(BOB, 'USDT')).toEqual({ available: 50, held: 0 });
    expect(system(h, 'withdrawals', 'USDT')).toBe(100);
  });

  it('settling everything closes the hold without a release', () => {
    const h = setup();
    h.ok({ type: 'hold', ts: 1, holdId: 'h', asset: 'USDT', account: spot(ALICE), amount: 300 });
    const all = h.run({
      type: 'settleHold',
      ts: 1,
      key: 's',
      holdId: 'h',
      kind: 'escrow',
      to: spot(BOB),
      amount: 300,
      final: true,
    });
    expect(eventsOf(all, 'release')).toEqual([]);
    expect(h.engine.ledger.holds.has('h')).toBe(false);
  });

  it('rejects UNKNOWN_HOLD, HOLD_AMOUNT_EXCEEDED, SAME_ACCOUNT and malformed settlements', () => {
    const h = setup();
    h.ok({ type: 'hold', ts: 1, holdId: 'h', asset: 'USDT', account: spot(ALICE), amount: 300 });
    const settle = (fields: object) =>
      h.run({
        type: 'settleHold',
        ts: 1,
        key: 'k',
        holdId: 'h',
        kind: 'escrow',
        to: spot(BOB),
        amount: 10,
        ...fields,
      });
    expect(codeOf(settle({ holdId: 'nope' }))).toBe('UNKNOWN_HOLD');
    expect(settle({ amount: 301 })).toMatchObject({
      code: 'HOLD_AMOUNT_EXCEEDED',
      detail: { remaining: 300 },
    });
    expect(codeOf(settle({ to: spot(ALICE) }))).toBe('SAME_ACCOUNT');
    expect(codeOf(settle({ to: { system: 'nowhere' } }))).toBe('UNKNOWN_SYSTEM_ACCOUNT');
    expect(codeOf(settle({ amount: 1.5 }))).toBe('INVALID_COMMAND');
    expect(codeOf(settle({ final: 'yes' }))).toBe('INVALID_COMMAND');
    expect(codeOf(settle({ kind: 'gift' }))).toBe('INVALID_COMMAND');
    expect(codeOf(settle({ key: '' }))).toBe('INVALID_COMMAND');
    // Settling into another wallet of the same user is a different account.
    expect(codeOf(settle({ to: { user: ALICE, wallet: 'FUNDING' } }))).toBe('OK');
  });

  it('rejects a settlement that would overflow the credited account', () => {
    const h = setup();
    h.ok({ type: 'defineSystemAccount', ts: 1, name: 'mint', allowNegative: true });
    transfer(h, {
      key: 'big',
      kind: 'deposit',
      from: { system: 'mint' },
      to: spot(BOB),
      amount: MAX_SAFE - 5,
    });
    h.ok({ type: 'hold', ts: 1, holdId: 'h', asset: 'USDT', account: spot(ALICE), amount: 300 });
    const result = h.run({
      type: 'settleHold',
      ts: 1,
      key: 'k',
      holdId: 'h',
      kind: 'escrow',
      to: spot(BOB),
      amount: 6,
    });
    expect(codeOf(result)).toBe('AMOUNT_OVERFLOW');
  });

  it('a repeated settlement key returns the first result, even after the hold is gone', () => {
    const h = setup();
    h.ok({ type: 'hold', ts: 1, holdId: 'h', asset: 'USDT', account: spot(ALICE), amount: 300 });
    const settle = () =>
      h.run({
        type: 'settleHold',
        ts: 1,
        key: 'pay-1',
        holdId: 'h',
        kind: 'escrow',
        to: spot(BOB),
        amount: 300,
      });
    const first = settle();
    const before = h.stateWithoutSeq();
    const again = settle();
    expect(again).toEqual({ ...first, duplicate: true, commandSeq: first.commandSeq + 1 });
    expect(h.stateWithoutSeq()).toBe(before);
    expect(h.balance(BOB, 'USDT').available).toBe(300);
  });

  it('a held balance cannot be transferred or spent on orders', () => {
    const h = setup();
    h.ok({ type: 'hold', ts: 1, holdId: 'h', asset: 'USDT', account: spot(ALICE), amount: 900 });
    expect(codeOf(transfer(h, { amount: 101 }))).toBe('INSUFFICIENT_BALANCE');
    expect(codeOf(h.limit(ALICE, 'BUY', 101, 1))).toBe('INSUFFICIENT_BALANCE');
    expect(codeOf(h.limit(ALICE, 'BUY', 100, 1))).toBe('OK');
    expect(h.balance(ALICE, 'USDT')).toEqual({ available: 0, held: 1_000 });
  });
});
