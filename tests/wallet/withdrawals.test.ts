// Withdrawals over real HTTP on the assembled platform (both modes): the allow-list and its waiting
// period, a request held in the engine at once, review by finance admins (four-eyes), payout by the
// job through an adapter and settlement into the network's outside-world and fee accounts; the
// refusals (asset/network mismatch, lock after a security change, limits, permissions, bad input)
// change nothing; cancel, reject, expiry and payout failure release the hold exactly.
import { randomUUID } from 'node:crypto';
import { bothModes } from '@tradeloom/db/testing';
import type { SignedInUser } from '@tradeloom/identity/testing';
import { type EngineLedgerView, reconcileLedger } from '@tradeloom/projection';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

const TRON_PATTERN = '^T[1-9A-HJ-NP-Za-km-z]{33}$';

/** A valid TRC20-looking address, different per `n` (0-9). */
function tronAddress(n: number): string {
  return `T${'A'.repeat(32)}${'123456789z'[n]}`;
}

/** USDT (precision 6) on 'trc20' (fee 1, min 5) and BTC (precision 8) on 'bitcoin' (fee 0.0005). */
async function createCurrencies(tp: TestPlatform, admin: SignedInUser): Promise<void> {
  const ok = async (path: string, body: unknown) => {
    const answer = await admin.browser.json('POST', path, body);
    expect(answer.status, `${path} ${JSON.stringify(answer.body)}`).toBe(201);
  };
  await ok('/api/v1/admin/wallet/assets', { code: 'USDT', name: 'Tether', kind: 'crypto', precision: 6 });
  await ok('/api/v1/admin/wallet/assets/USDT/networks', {
    network: 'trc20',
    name: 'Tron (TRC20)',
    withdrawFee: '1',
    withdrawMin: '5',
    addressPattern: TRON_PATTERN,
  });
  await ok('/api/v1/admin/wallet/assets', { code: 'BTC', name: 'Bitcoin', kind: 'crypto', precision: 8 });
  await ok('/api/v1/admin/wallet/assets/BTC/networks', {
    network: 'bitcoin',
    name: 'Bitcoin',
    withdrawFee: '0.0005',
    withdrawMin: '0.001',
    addressPattern: '^(bc1|[13])[a-km-zA-HJ-NP-Z1-9]{25,39}$',
  });
  void tp;
}

async function accountOf(tp: TestPlatform, user: SignedInUser): Promise<number> {
  return tp.running.platform.wallet.engineAccountOf(user.userId);
}

/** Credits `units` of `asset` to the user's SPOT wallet from `external:<network>` (a keyed engine transfer). */
async function fund(
  tp: TestPlatform,
  user: SignedInUser,
  asset: string,
  network: string,
  units: number,
): Promise<void> {
  const result = await tp.running.engine.submit({
    type: 'transfer',
    ts: tp.clock.nowMs(),
    key: `test-fund:${randomUUID()}`,
    kind: 'deposit',
    asset,
    from: { system: `external:${network}` },
    to: { user: await accountOf(tp, user), wallet: 'SPOT' },
    amount: units,
  });
  expect(result.ok, JSON.stringify(result)).toBe(true);
}

/** The user's SPOT balance of an asset as the engine has it now. */
async function spot(
  tp: TestPlatform,
  user: SignedInUser,
  asset: string,
): Promise<{ available: number; held: number }> {
  const rows = await tp.running.engine.query<
    { asset: string; wallet: string; available: number; held: number }[]
  >({
    query: 'balances',
    user: await accountOf(tp, user),
  });
  const row = rows.find((r) => r.asset === asset && r.wallet === 'SPOT');
  return { available: row?.available ?? 0, held: row?.held ?? 0 };
}

/** A second-factor code; moves the clock 30 s when both usable steps are spent. */
async function codeOf(tp: TestPlatform, user: SignedInUser): Promise<string> {
  const device = user.totp?.device;
  if (device === undefined) throw new Error('the user has no TOTP');
  try {
    return await device.nextCode();
  } catch {
    tp.clock.advance(30_000);
    return device.nextCode();
  }
}

/** Turns the user's new-address delay off (so addresses are usable at once) and adds one. */
async function allowAddress(
  tp: TestPlatform,
  user: SignedInUser,
  body: { asset: string; network: string; address: string; memo?: string; label?: string },
  options: { delay?: boolean } = {},
): Promise<string> {
  if (options.delay !== true) {
    const off = await user.browser.json('PUT', '/api/v1/wallet/withdrawal-settings', {
      addressDelay: false,
      twoFactorCode: await codeOf(tp, user),
    });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
  }
  const added = await user.browser.json<{ id: string }>('POST', '/api/v1/wallet/withdrawal-addresses', {
    label: 'mine',
    ...body,
    twoFactorCode: await codeOf(tp, user),
  });
  expect(added.status, JSON.stringify(added.body)).toBe(201);
  return added.body.id;
}

interface WithdrawalBody {
  id: string;
  status: string;
  amount: string;
  fee: string;
  approvals: number;
  approvalsRequired: number;
  txId: string | null;
  reason: string | null;
}

async function requestWithdrawal(
  tp: TestPlatform,
  user: SignedInUser,
  body: Record<string, unknown>,
): Promise<{ status: number; body: WithdrawalBody & { code?: string; details?: Record<string, unknown> } }> {
  return user.browser.json('POST', '/api/v1/wallet/withdrawals', {
    ...body,
    twoFactorCode: await codeOf(tp, user),
  });
}

const DAY_MS = 24 * 3_600_000;
const USDT = (whole: number) => whole * 1_000_000;

describe.each(bothModes)('wallet withdrawals on %s', (mode) => {
  let tp: TestPlatform;
  let admin: SignedInUser;
  let fin1: SignedInUser;
  let fin2: SignedInUser;
  let instant: ReturnType<TestPlatform['running']['platform']['wallet']['withdrawals']['useInstantPayouts']>;

  const withdrawals = () => tp.running.platform.wallet.withdrawals;
  const rowsOf = async (user: SignedInUser) =>
    (
      await tp.running.database.query('SELECT id, status FROM wallet_withdrawals WHERE user_id = $1', [
        user.userId,
      ])
    ).rows;
  const mailsOf = async (user: SignedInUser) =>
    (
      await tp.running.database.query(
        'SELECT template, vars FROM mail_outbox WHERE user_id = $1 ORDER BY created_at, id',
        [user.userId],
      )
    ).rows as { template: string; vars: Record<string, string> }[];
  const reconciled = async () => {
    await tp.projected();
    const view = await tp.running.engine.query<EngineLedgerView>({ query: 'ledger' });
    const report = await reconcileLedger(tp.running.database, view);
    expect(report.mismatches).toEqual([]);
    expect(report.unbalancedAssets).toEqual([]);
  };
  /** A user with `usdt` whole USDT and one usable trc20 address. */
  const fundedUser = async (usdt: number, n = 1) => {
    const user = await tp.user();
    if (usdt > 0) await fund(tp, user, 'USDT', 'trc20', USDT(usdt));
    const addressId = await allowAddress(tp, user, {
      asset: 'USDT',
      network: 'trc20',
      address: tronAddress(n),
    });
    return { user, addressId };
  };

  beforeAll(async () => {
    tp = await startTestPlatform(mode, {
      env: { SESSION_IDLE_MINUTES: '10080', SESSION_ABSOLUTE_HOURS: '8760' },
    });
    admin = await tp.admin();
    fin1 = await tp.admin('finance');
    fin2 = await tp.admin('finance');
    await createCurrencies(tp, admin);
    instant = withdrawals().useInstantPayouts(['trc20', 'bitcoin']);
  }, 60_000);
  afterAll(async () => {
    await tp?.stop();
  });

  it('request → held in the engine → approve → process → completed: fee to fees, amount to the network', async () => {
    const { user, addressId } = await fundedUser(1000);
    const requested = await requestWithdrawal(tp, user, { asset: 'USDT', addressId, amount: '100' });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    expect(requested.body).toMatchObject({
      status: 'pending',
      amount: '100.000000',
      fee: '1.000000',
      approvalsRequired: 1,
      approvals: 0,
    });
    const id = requested.body.id;
    expect(await spot(tp, user, 'USDT')).toEqual({ available: USDT(899), held: USDT(101) });

    const approved = await fin1.browser.json('POST', `/api/v1/admin/wallet/withdrawals/${id}/approve`);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'approved',
      approvedBy: [fin1.userId],
      valueUsdt: '100.000000',
    });

    const report = await withdrawals().processApproved();
    expect(report).toMatchObject({ completed: 1, failed: 0 });
    expect(instant.paid.map((p) => p.withdrawalId)).toContain(id);
    const done = await user.browser.json<{ status: string; txId: string }>(
      'GET',
      `/api/v1/wallet/withdrawals/${id}`,
    );
    expect(done.body).toMatchObject({ status: 'completed', txId: `instant-${id}` });
    expect(await spot(tp, user, 'USDT')).toEqual({ available: USDT(899), held: 0 });
    // A second run changes nothing (idempotent).
    expect(await withdrawals().processApproved()).toMatchObject({ completed: 0 });

    await tp.projected();
    const { rows } = await tp.running.database.query(
      `SELECT key, kind, from_account, to_account, amount::text AS amount, from_held FROM ledger_transfers
       WHERE key LIKE $1 ORDER BY key`,
      [`wd:${id}:%`],
    );
    const account = await accountOf(tp, user);
    expect(rows).toEqual([
      {
        key: `wd:${id}:fee`,
        kind: 'fee',
        from_account: `u:${account}:SPOT`,
        to_account: 's:fees',
        amount: String(USDT(1)),
        from_held: true,
      },
      {
        key: `wd:${id}:payout`,
        kind: 'withdrawal',
        from_account: `u:${account}:SPOT`,
        to_account: 's:external:trc20',
        amount: String(USDT(100)),
        from_held: true,
      },
    ]);
    await reconciled();

    const mails = (await mailsOf(user)).map((m) => m.template);
    expect(mails).toEqual(
      expect.arrayContaining([
        'wallet.withdrawal-address-delay-off',
        'wallet.withdrawal-address-added',
        'wallet.withdrawal-requested',
        'wallet.withdrawal-approved',
        'wallet.withdrawal-processing',
        'wallet.withdrawal-completed',
      ]),
    );
    const audit = await tp.running.database.query(
      'SELECT actor, action FROM audit_log WHERE target = $1 ORDER BY id',
      [`withdrawal:${id}`],
    );
    expect(audit.rows).toEqual([{ actor: fin1.userId, action: 'wallet.withdrawal.approve' }]);

    const csv = await user.fetch('/api/v1/wallet/withdrawals?format=csv');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toBe(
      'id,createdAt,asset,network,address,memo,amount,fee,status,reason,txId,completedAt',
    );
    expect(text).toContain(`${id},`);
    expect(text).toContain(',100.000000,1.000000,completed,');
    const listed = await user.browser.json<{ withdrawals: { id: string }[] }>(
      'GET',
      '/api/v1/wallet/withdrawals?status=completed&asset=USDT&limit=10',
    );
    expect(listed.body.withdrawals.map((w) => w.id)).toEqual([id]);
  });

  it('refuses to pay one asset out of another asset’s network, and changes nothing', async () => {
    const { user, addressId } = await fundedUser(100, 2);
    await fund(tp, user, 'BTC', 'bitcoin', 100_000_000);
    const before = { usdt: await spot(tp, user, 'USDT'), btc: await spot(tp, user, 'BTC') };
    const btcNetworkId = (
      await tp.running.database.query(
        "SELECT id FROM wallet_networks WHERE asset = 'BTC' AND network = 'bitcoin'",
      )
    ).rows[0]?.id as string;
    const cases: Record<string, unknown>[] = [
      // BTC paid out of the USDT address on trc20
      { asset: 'BTC', addressId, amount: '0.01' },
      // BTC on the trc20 network by slug, and USDT on the bitcoin network by id
      { asset: 'BTC', network: 'trc20', address: tronAddress(2), amount: '0.01' },
      { asset: 'USDT', network: btcNetworkId, address: tronAddress(2), amount: '10' },
      { asset: 'USDT', network: 'bitcoin', address: tronAddress(2), amount: '10' },
    ];
    for (const body of cases) {
      const answer = await requestWithdrawal(tp, user, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.code).toBe('WALLET_NETWORK_ASSET_MISMATCH');
    }
    expect({ usdt: await spot(tp, user, 'USDT'), btc: await spot(tp, user, 'BTC') }).toEqual(before);
    expect(await rowsOf(user)).toEqual([]);
  });

  it('refuses withdrawals for 24 h after a security change, saying until when', async () => {
    const { user, addressId } = await fundedUser(100, 3);
    const changed = await user.browser.json('POST', '/api/v1/account/password', {
      currentPassword: user.password,
      code: await codeOf(tp, user),
      newPassword: `a brand new ${randomUUID()} secret`,
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    const refused = await requestWithdrawal(tp, user, { asset: 'USDT', addressId, amount: '10' });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('WALLET_WITHDRAWALS_LOCKED');
    expect(Date.parse(String(refused.body.details?.until))).toBeGreaterThan(
      tp.clock.nowMs() + DAY_MS - 60_000,
    );
    expect(await spot(tp, user, 'USDT')).toEqual({ available: USDT(100), held: 0 });
    expect(await rowsOf(user)).toEqual([]);
  });

  it('four-eyes: above the threshold two different finance admins approve; nobody approves their own', async () => {
    const { user, addressId } = await fundedUser(30_000, 4);
    const big = await requestWithdrawal(tp, user, { asset: 'USDT', addressId, amount: '15000' });
    expect(big.status, JSON.stringify(big.body)).toBe(201);
    expect(big.body.approvalsRequired).toBe(2);
    const path = `/api/v1/admin/wallet/withdrawals/${big.body.id}/approve`;
    const first = await fin1.browser.json('POST', path);
    expect(first.body).toMatchObject({ status: 'pending', approvedBy: [fin1.userId] });
    const again = await fin1.browser.json<{ code: string }>('POST', path);
    expect(again.status).toBe(403);
    expect(again.body.code).toBe('WALLET_FOUR_EYES');
    // Not processed while only one admin approved.
    await withdrawals().processApproved();
    expect((await withdrawals().get(big.body.id)).status).toBe('pending');
    const second = await fin2.browser.json('POST', path);
    expect(second.body).toMatchObject({ status: 'approved', approvedBy: [fin1.userId, fin2.userId] });
    const third = await admin.browser.json<{ code: string }>('POST', path);
    expect(third.body.code).toBe('WALLET_WITHDRAWAL_STATE');

    // Without a USDT price for BTC the safe default applies: two approvals.
    await fund(tp, user, 'BTC', 'bitcoin', 10_000_000);
    // (The user turned the address delay off already: the address is usable at once.)
    const btcAddress = await allowAddress(
      tp,
      user,
      { asset: 'BTC', network: 'bitcoin', address: '1BoatSLRHtKNngkdXEeobR76b53LETtpyT' },
      { delay: true },
    );
    const btc = await requestWithdrawal(tp, user, { asset: 'BTC', addressId: btcAddress, amount: '0.01' });
    expect(btc.status, JSON.stringify(btc.body)).toBe(201);
    expect(btc.body.approvalsRequired).toBe(2);

    // A finance admin's own withdrawal needs another admin.
    await fund(tp, fin1, 'USDT', 'trc20', USDT(50));
    const own = await allowAddress(tp, fin1, { asset: 'USDT', network: 'trc20', address: tronAddress(5) });
    const mine = await requestWithdrawal(tp, fin1, { asset: 'USDT', addressId: own, amount: '10' });
    expect(mine.status).toBe(201);
    const self = await fin1.browser.json<{ code: string }>(
      'POST',
      `/api/v1/admin/wallet/withdrawals/${mine.body.id}/approve`,
    );
    expect(self.status).toBe(403);
    expect(self.body.code).toBe('WALLET_WITHDRAWAL_SELF_APPROVAL');
    const actions = await tp.running.database.query(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'wallet.withdrawal.approve' AND target = $1",
      [`withdrawal:${big.body.id}`],
    );
    expect(actions.rows[0]?.n).toBe(2);
  });

  it('cancel and reject release the hold exactly; a decided withdrawal cannot be decided again', async () => {
    const { user, addressId } = await fundedUser(100, 6);
    const a = await requestWithdrawal(tp, user, { asset: 'USDT', addressId, amount: '50' });
    expect(a.status).toBe(201);
    expect(await spot(tp, user, 'USDT')).toEqual({ available: USDT(49), held: USDT(51) });
    const cancelled = await user.browser.json('POST', `/api/v1/wallet/withdrawals/${a.body.id}/cancel`);
    expect(cancelled.body).toMatchObject({ status: 'cancelled' });
    expect(await spot(tp, user, 'USDT')).toEqual({ available: USDT(100), held: 0 });
    const twice = await user.browser.json<{ code: string }>(
      'POST',
      `/api/v1/wallet/withdrawals/${a.body.id}/cancel`,
    );
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('WALLET_WITHDRAWAL_STATE');

    const b = await requestWithdrawal(tp, user, { asset: 'USDT', addressId, amount: '30' });
    const rejected = await fin1.browser.json('POST', `/api/v1/admin/wallet/withdrawals/${b.body.id}/reject`, {
      reason: 'address flagged by screening',
    });
    expect(rejected.body).toMatchObject({ status: 'rejected', reason: 'address flagged by screening' });
    expect(await spot(tp, user, 'USDT')).toEqual({ available: USDT(100), held: 0 });
    const approveRejected = await fin2.browser.json<{ code: string }>(
      'POST',
      `/api/v1/admin/wallet/withdrawals/${b.body.id}/approve`,
    );
    expect(approveRejected.body.code).toBe('WALLET_WITHDRAWAL_STATE');
    const cancelRejected = await user.browser.json<{ code: string }>(
      'POST',
      `/api/v1/wallet/withdrawals/${b.body.id}/cancel`,
    );
    expect(cancelRejected.body.code).toBe('WALLET_WITHDRAWAL_STATE');
    // Nothing left outstanding for the reconciling job.
    expect((await withdrawals().reconcile()).released).toBe(0);
    const mails = await mailsOf(user);
    const rejectedMail = mails.find((m) => m.template === 'wallet.withdrawal-rejected');
    expect(rejectedMail?.vars.reason).toBe('address flagged by screening');
    expect(mails.map((m) => m.template)).toContain('wallet.withdrawal-cancelled');
    const audit = await tp.running.database.query('SELECT action FROM audit_log WHERE target = $1', [
      `withdrawal:${b.body.id}`,
    ]);
    expect(audit.rows).toEqual([{ action: 'wallet.withdrawal.reject' }]);
    await reconciled();
  });

  it('a final payout failure releases the hold; a retryable one is retried', async () => {
    const { user, addressId } = await fundedUser(100, 7);
    const w = await requestWithdrawal(tp, user, { asset: 'USDT', addressId, amount: '20' });
    await withdrawals().processApproved(); // what earlier tests approved is paid first
    await fin1.browser.json('POST', `/api/v1/admin/wallet/withdrawals/${w.body.id}/approve`);
    instant.failNext(1, true);
    expect(await withdrawals().processApproved()).toMatchObject({ retrying: 1, completed: 0 });
    expect((await withdrawals().get(w.body.id)).status).toBe('processing');
    expect(await spot(tp, user, 'USDT')).toEqual({ available: USDT(79), held: USDT(21) });
    // Retried after its back-off.
    tp.clock.advance(31_000);
    instant.failNext(1, false);
    expect(await withdrawals().processApproved()).toMatchObject({ failed: 1 });
    const failed = await withdrawals().get(w.body.id);
    expect(failed.status).toBe('failed');
    expect(failed.reason).toMatch(/payout failed/);
    expect(await spot(tp, user, 'USDT')).toEqual({ available: USDT(100), held: 0 });
  });

  it('a manual payout waits for a finance admin to mark it sent with its tx id', async () => {
    await admin.browser.json('POST', '/api/v1/admin/wallet/assets', {
      code: 'XRP',
      name: 'XRP',
      kind: 'crypto',
      precision: 6,
    });
    const net = await admin.browser.json('POST', '/api/v1/admin/wallet/assets/XRP/networks', {
      network: 'xrpl',
      withdrawFee: '0.25',
      memoRequired: true,
    });
    expect(net.status).toBe(201);
    const user = await tp.user();
    await fund(tp, user, 'XRP', 'xrpl', 100_000_000);
    const noMemo = await user.browser.json<{ code: string }>('POST', '/api/v1/wallet/withdrawal-addresses', {
      asset: 'XRP',
      network: 'xrpl',
      address: 'rExampleAddress',
      label: 'x',
      twoFactorCode: '000000',
    });
    expect(noMemo.body.code).toBe('WALLET_MEMO_REQUIRED');
    const addressId = await allowAddress(tp, user, {
      asset: 'XRP',
      network: 'xrpl',
      address: 'rExampleAddress',
      memo: '12345',
    });
    const w = await requestWithdrawal(tp, user, { asset: 'XRP', addressId, amount: '10' });
    expect(w.status, JSON.stringify(w.body)).toBe(201);
    await withdrawals().processApproved(); // what earlier tests approved is paid first
    // XRP has no USDT price: two approvals (the safe default).
    expect(w.body.approvalsRequired).toBe(2);
    await fin1.browser.json('POST', `/api/v1/admin/wallet/withdrawals/${w.body.id}/approve`);
    await fin2.browser.json('POST', `/api/v1/admin/wallet/withdrawals/${w.body.id}/approve`);
    expect(await withdrawals().processApproved()).toMatchObject({ awaitingManual: 1 });
    const queue = await fin2.browser.json<{ withdrawals: { id: string; payoutAwaiting: boolean }[] }>(
      'GET',
      '/api/v1/admin/wallet/withdrawals?status=processing&asset=XRP',
    );
    expect(queue.body.withdrawals).toEqual([
      expect.objectContaining({ id: w.body.id, payoutAwaiting: true }),
    ]);
    const sent = await fin2.browser.json('POST', `/api/v1/admin/wallet/withdrawals/${w.body.id}/mark-sent`, {
      txId: 'ABCDEF0123',
    });
    expect(sent.body).toMatchObject({ status: 'completed', txId: 'ABCDEF0123', memo: '12345' });
    expect(await spot(tp, user, 'XRP')).toEqual({ available: 100_000_000 - 10_250_000, held: 0 });
    const again = await fin2.browser.json<{ code: string }>(
      'POST',
      `/api/v1/admin/wallet/withdrawals/${w.body.id}/mark-sent`,
      { txId: 'other' },
    );
    expect(again.body.code).toBe('WALLET_WITHDRAWAL_STATE');
    await reconciled();
  });

  it('refuses callers without the permission or the key scope', async () => {
    const { user, addressId } = await fundedUser(100, 8);
    const w = await requestWithdrawal(tp, user, { asset: 'USDT', addressId, amount: '10' });
    const other = await tp.user();
    expect((await user.browser.json('GET', '/api/v1/admin/wallet/withdrawals')).status).toBe(403);
    expect(
      (await user.browser.json('POST', `/api/v1/admin/wallet/withdrawals/${w.body.id}/approve`)).status,
    ).toBe(403);
    expect(
      (
        await other.browser.json('POST', `/api/v1/admin/wallet/withdrawals/${w.body.id}/reject`, {
          reason: 'x',
        })
      ).status,
    ).toBe(403);
    // Someone else's withdrawal does not exist for them.
    const foreign = await other.browser.json<{ code: string }>(
      'POST',
      `/api/v1/wallet/withdrawals/${w.body.id}/cancel`,
    );
    expect(foreign.status).toBe(404);
    expect((await other.browser.json('GET', `/api/v1/wallet/withdrawals/${w.body.id}`)).status).toBe(404);
    const anonymous = await fetch(`${tp.url}/api/v1/wallet/withdrawals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ asset: 'USDT', addressId, amount: '10' }),
    });
    expect(anonymous.status).toBe(401);
    expect((await withdrawals().get(w.body.id)).status).toBe('pending');
    expect(await spot(tp, user, 'USDT')).toEqual({ available: USDT(89), held: USDT(11) });
  });

  it('bad input is a 4xx with a code and changes nothing', async () => {
    const { user, addressId } = await fundedUser(20, 9);
    const before = await spot(tp, user, 'USDT');
    const cases: [Record<string, unknown>, number, string][] = [
      [{ asset: 'USDT', addressId, amount: '-1' }, 400, 'VALIDATION_FAILED'],
      [{ asset: 'USDT', addressId, amount: '1e3' }, 400, 'VALIDATION_FAILED'],
      [{ asset: 'USDT', addressId, amount: '10.0000001' }, 400, 'WALLET_AMOUNT_INVALID'],
      [{ asset: 'USDT', addressId, amount: '0' }, 400, 'WALLET_AMOUNT_INVALID'],
      [{ asset: 'USDT', addressId, amount: '1' }, 400, 'WALLET_AMOUNT_BELOW_MIN'],
      [{ asset: 'USDT', addressId, amount: '19.5' }, 409, 'WALLET_INSUFFICIENT_BALANCE'],
      [{ asset: 'NOPE', addressId, amount: '10' }, 404, 'WALLET_ASSET_NOT_FOUND'],
      [{ asset: 'USDT', amount: '10' }, 400, 'VALIDATION_FAILED'],
      [{ asset: 'USDT', addressId: 'wad_nope', amount: '10' }, 403, 'WALLET_ADDRESS_NOT_ALLOWED'],
      [
        { asset: 'USDT', network: 'trc20', address: tronAddress(0), amount: '10' },
        403,
        'WALLET_ADDRESS_NOT_ALLOWED',
      ],
      [
        { asset: 'USDT', network: 'trc20', address: 'not-an-address', amount: '10' },
        400,
        'WALLET_ADDRESS_INVALID',
      ],
      [
        { asset: 'USDT', network: 'nowhere', address: tronAddress(0), amount: '10' },
        404,
        'WALLET_NETWORK_NOT_FOUND',
      ],
    ];
    for (const [body, status, code] of cases) {
      const answer = await requestWithdrawal(tp, user, body);
      expect(answer.status, JSON.stringify(body)).toBe(status);
      expect(answer.body.code, JSON.stringify(body)).toBe(code);
    }
    const noCode = await user.browser.json<{ code: string }>('POST', '/api/v1/wallet/withdrawals', {
      asset: 'USDT',
      addressId,
      amount: '10',
    });
    expect(noCode.body.code).toBe('WALLET_TWO_FACTOR_REQUIRED');
    const wrongCode = await user.browser.json<{ code: string }>('POST', '/api/v1/wallet/withdrawals', {
      asset: 'USDT',
      addressId,
      amount: '10',
      twoFactorCode: '000000',
    });
    expect(wrongCode.status).toBe(403);
    expect(wrongCode.body.code).toBe('IDENTITY_SECOND_FACTOR_INVALID');
    const badAddress = await user.browser.json<{ code: string }>(
      'POST',
      '/api/v1/wallet/withdrawal-addresses',
      {
        asset: 'USDT',
        network: 'trc20',
        address: 'bc1notatronaddress',
        label: 'x',
        twoFactorCode: await codeOf(tp, user),
      },
    );
    expect(badAddress.body.code).toBe('WALLET_ADDRESS_INVALID');
    const duplicate = await user.browser.json<{ code: string }>(
      'POST',
      '/api/v1/wallet/withdrawal-addresses',
      {
        asset: 'USDT',
        network: 'trc20',
        address: tronAddress(9),
        label: 'again',
        twoFactorCode: await codeOf(tp, user),
      },
    );
    expect(duplicate.body.code).toBe('WALLET_ADDRESS_EXISTS');
    const delayOffWithoutCode = await user.browser.json<{ code: string }>(
      'PUT',
      '/api/v1/wallet/withdrawal-settings',
      {
        addressDelay: false,
      },
    );
    expect(delayOffWithoutCode.body.code).toBe('WALLET_TWO_FACTOR_REQUIRED');
    expect(await spot(tp, user, 'USDT')).toEqual(before);
    expect(await rowsOf(user)).toEqual([]);
    const addresses = await user.browser.json<{ addresses: unknown[] }>(
      'GET',
      '/api/v1/wallet/withdrawal-addresses',
    );
    expect(addresses.body.addresses).toHaveLength(1);
  });

  it('limits: per transaction and per day of the KYC level, counting what is in flight', async () => {
    const set = (perTx: string | null, daily: string | null) =>
      admin.browser.json('PUT', '/api/v1/admin/wallet/assets/USDT/limits/0', {
        withdrawPerTxMax: perTx,
        withdrawDailyMax: daily,
        depositDailyMax: null,
      });
    expect((await set('500', '700')).status).toBe(200);
    try {
      const { user, addressId } = await fundedUser(2000, 0);
      const tooBig = await requestWithdrawal(tp, user, { asset: 'USDT', addressId, amount: '600' });
      expect(tooBig.status).toBe(409);
      expect(tooBig.body).toMatchObject({ code: 'WALLET_LIMIT_EXCEEDED', details: { limit: 'perTx' } });
      const first = await requestWithdrawal(tp, user, { asset: 'USDT', addressId, amount: '400' });
      expect(first.status).toBe(201);
      const second = await requestWithdrawal(tp, user, { asset: 'USDT', addressId, amount: '400' });
      expect(second.body).toMatchObject({ code: 'WALLET_LIMIT_EXCEEDED', details: { limit: 'daily' } });
      // A cancelled one no longer counts.
      await user.browser.json('POST', `/api/v1/wallet/withdrawals/${first.body.id}/cancel`);
      const third = await requestWithdrawal(tp, user, { asset: 'USDT', addressId, amount: '400' });
      expect(third.status).toBe(201);
      expect(await spot(tp, user, 'USDT')).toEqual({ available: USDT(1599), held: USDT(401) });
    } finally {
      await set(null, null);
    }
  });

  // The tests below move the clock by days: they come last.

  it('a new address waits 24 h unless the user turned the delay off; the user is mailed', async () => {
    const user = await tp.user();
    await fund(tp, user, 'USDT', 'trc20', USDT(100));
    const addressId = await allowAddress(
      tp,
      user,
      { asset: 'USDT', network: 'trc20', address: tronAddress(1) },
      {
        delay: true,
      },
    );
    const listed = await user.browser.json<{
      addresses: { id: string; usableAt: string; createdAt: string }[];
    }>('GET', '/api/v1/wallet/withdrawal-addresses?asset=USDT');
    const entry = listed.body.addresses.find((a) => a.id === addressId);
    expect(Date.parse(entry?.usableAt ?? '') - Date.parse(entry?.createdAt ?? '')).toBe(DAY_MS);
    const early = await requestWithdrawal(tp, user, { asset: 'USDT', addressId, amount: '10' });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({
      code: 'WALLET_ADDRESS_PENDING',
      details: { usableAt: entry?.usableAt },
    });
    expect(await spot(tp, user, 'USDT')).toEqual({ available: USDT(100), held: 0 });
    expect((await mailsOf(user)).map((m) => m.template)).toContain('wallet.withdrawal-address-added');

    tp.clock.advance(DAY_MS + 1_000);
    const later = await requestWithdrawal(tp, user, { asset: 'USDT', addressId, amount: '10' });
    expect(later.status, JSON.stringify(later.body)).toBe(201);

    // Deleting the entry takes it off the allow-list.
    expect(
      (await user.browser.json('DELETE', `/api/v1/wallet/withdrawal-addresses/${addressId}`)).status,
    ).toBe(200);
    const gone = await requestWithdrawal(tp, user, { asset: 'USDT', addressId, amount: '10' });
    expect(gone.body.code).toBe('WALLET_ADDRESS_NOT_ALLOWED');
    // Turning the delay back on needs no code.
    const on = await user.browser.json('PUT', '/api/v1/wallet/withdrawal-settings', { addressDelay: true });
    expect(on.body).toEqual({ addressDelay: true });
  });

  it('withdrawals pending review too long expire and release their hold', async () => {
    const { user, addressId } = await fundedUser(100, 2);
    const w = await requestWithdrawal(tp, user, { asset: 'USDT', addressId, amount: '40' });
    expect(await withdrawals().expireStale()).toBe(0);
    tp.clock.advance(3 * DAY_MS + 1_000);
    expect(await withdrawals().expireStale()).toBeGreaterThanOrEqual(1);
    expect((await withdrawals().get(w.body.id)).status).toBe('expired');
    expect(await spot(tp, user, 'USDT')).toEqual({ available: USDT(100), held: 0 });
    expect((await mailsOf(user)).map((m) => m.template)).toContain('wallet.withdrawal-expired');
    await reconciled();
  });

  it('a request interrupted between its row and its hold is reconciled by re-submitting the hold', async () => {
    const { user, addressId } = await fundedUser(100, 3);
    const w = await requestWithdrawal(tp, user, { asset: 'USDT', addressId, amount: '10' });
    // As after a crash right after the hold: the row still says 'holding'.
    await tp.running.database.query("UPDATE wallet_withdrawals SET status = 'holding' WHERE id = $1", [
      w.body.id,
    ]);
    expect((await withdrawals().reconcile()).held).toBe(0);
    tp.clock.advance(6 * 60_000);
    expect(await withdrawals().reconcile()).toMatchObject({ held: 1, failed: 0 });
    expect((await withdrawals().get(w.body.id)).status).toBe('pending');
    expect(await spot(tp, user, 'USDT')).toEqual({ available: USDT(89), held: USDT(11) });
  });
});
