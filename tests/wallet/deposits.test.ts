// Manual deposits over HTTP on the assembled platform (both modes): an admin defines a method, a user
// submits a deposit with its fields, a finance admin approves it and the engine credits the net amount
// to the user and the fee to the platform, exactly once however often (and however concurrently) the
// approval is repeated, also after a crash between the engine and the database. Limits, field rules,
// bad input and permissions are refused with codes and change nothing.
import { bothModes } from '@tradeloom/db/testing';
import type { SignedInUser } from '@tradeloom/identity/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

interface DepositBody {
  id: string;
  status: string;
  amount: string;
  fee: string;
  net: string;
  engineSeq: number | null;
  code?: string;
}

describe.each(bothModes)('manual deposits on %s', (mode) => {
  let tp: TestPlatform;
  let admin: SignedInUser;
  let finance: SignedInUser;
  let trader: SignedInUser;
  let methodId: string;

  const balance = async (userId: string, asset: string): Promise<number> => {
    const accountNo = await tp.running.platform.wallet.engineAccountOf(userId);
    const rows = await tp.running.platform.engine.query<
      { asset: string; wallet: string; available: number }[]
    >({
      query: 'balances',
      user: accountNo,
    });
    return rows.find((r) => r.asset === asset && r.wallet === 'SPOT')?.available ?? 0;
  };

  const submit = (user: SignedInUser, amount: string, extra: Record<string, unknown> = {}) =>
    user.browser.json<DepositBody>('POST', '/api/v1/wallet/deposits', {
      methodId,
      amount,
      reference: 'INV-42',
      fields: { senderIban: 'DE89370400440532013000' },
      ...extra,
    });

  const count = async (sql: string, params: unknown[]): Promise<number> => {
    const { rows } = await tp.running.database.query(sql, params);
    return Number(rows[0]?.n);
  };

  beforeAll(async () => {
    tp = await startTestPlatform(mode);
    admin = await tp.admin();
    finance = await tp.admin('finance');
    trader = await tp.user({ totp: false });
    expect(
      (
        await admin.browser.json('POST', '/api/v1/admin/wallet/assets', {
          code: 'EUR',
          name: 'Euro',
          kind: 'fiat',
          precision: 2,
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await admin.browser.json('POST', '/api/v1/admin/wallet/assets/EUR/networks', {
          network: 'sepa',
          name: 'SEPA',
        })
      ).status,
    ).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await tp?.stop();
  });

  it('defines a method that users see, with its fields and fee', async () => {
    const created = await admin.browser.json<{ id: string }>('POST', '/api/v1/admin/wallet/deposit-methods', {
      asset: 'EUR',
      network: 'sepa',
      name: 'SEPA transfer',
      instructions: 'Send to IBAN DE00 0000 with the reference shown.',
      fields: [
        { key: 'senderIban', label: 'Your IBAN', required: true, maxLength: 34 },
        { key: 'note', label: 'Note', required: false, maxLength: 10 },
      ],
      feeFixed: '1',
      feePpm: 10_000,
      minAmount: '10',
      maxAmount: '10000',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: 'manual',
      feeFixed: '1.00',
      minAmount: '10.00',
      maxAmount: '10000.00',
    });
    methodId = created.body.id;
    const seen = await trader.browser.json<{ methods: { id: string; instructions: string }[] }>(
      'GET',
      '/api/v1/wallet/deposit-methods?asset=EUR',
    );
    expect(seen.status).toBe(200);
    expect(seen.body.methods.map((m) => m.id)).toEqual([methodId]);
  });

  it('credits an approved deposit once: net to the user, fee to the platform, audited, mailed', async () => {
    const before = await balance(trader.userId, 'EUR');
    const submitted = await submit(trader, '250.55', {
      fields: { senderIban: 'DE89370400440532013000', note: 'rent' },
    });
    expect(submitted.status).toBe(201);
    // fee = 1.00 + ceil(25055 × 10,000 / 1,000,000) units = 1.00 + 2.51
    expect(submitted.body).toMatchObject({ status: 'pending', amount: '250.55', fee: '3.51', net: '247.04' });
    const id = submitted.body.id;
    expect(await balance(trader.userId, 'EUR')).toBe(before);

    const queue = await finance.browser.json<{ deposits: { id: string; userId: string }[] }>(
      'GET',
      '/api/v1/admin/wallet/deposits?status=pending&asset=EUR',
    );
    expect(queue.body.deposits.map((d) => d.id)).toContain(id);

    const approved = await finance.browser.json<DepositBody>(
      'POST',
      `/api/v1/admin/wallet/deposits/${id}/approve`,
    );
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('credited');
    expect(approved.body.engineSeq).toBeGreaterThan(0);
    expect(await balance(trader.userId, 'EUR')).toBe(before + 24_704);

    await tp.projected();
    const transfers = await tp.running.database.query(
      'SELECT key, kind, from_account, to_account, amount::int AS amount, command_seq::int AS seq FROM ledger_transfers WHERE key LIKE $1 ORDER BY key',
      [`dep:${id}%`],
    );
    const accountNo = await tp.running.platform.wallet.engineAccountOf(trader.userId);
    expect(transfers.rows).toEqual([
      {
        key: `dep:${id}`,
        kind: 'deposit',
        from_account: 's:external:sepa',
        to_account: `u:${accountNo}:SPOT`,
        amount: 24_704,
        seq: approved.body.engineSeq,
      },
      {
        key: `dep:${id}:fee`,
        kind: 'fee',
        from_account: 's:external:sepa',
        to_account: 's:fees',
        amount: 351,
        seq: expect.any(Number),
      },
    ]);
    const postings = await tp.running.database.query(
      `SELECT account, d_available::int AS d FROM ledger_postings WHERE ref LIKE $1 ORDER BY account, d_available`,
      [`dep:${id}%`],
    );
    expect(postings.rows).toEqual([
      { account: 's:external:sepa', d: -24_704 },
      { account: 's:external:sepa', d: -351 },
      { account: 's:fees', d: 351 },
      { account: `u:${accountNo}:SPOT`, d: 24_704 },
    ]);
    expect(
      await count(
        `SELECT count(*)::int AS n FROM audit_log WHERE action = 'wallet.deposit.approve' AND target = $1`,
        [`deposit:${id}`],
      ),
    ).toBe(1);
    expect(
      await count(
        `SELECT count(*)::int AS n FROM mail_outbox WHERE template = 'wallet.deposit-credited' AND user_id = $1`,
        [trader.userId],
      ),
    ).toBe(1);
  });

  it('credits once when the same approval arrives 100 times, concurrently or one after another', async () => {
    const before = await balance(trader.userId, 'EUR');
    const a = (await submit(trader, '100')).body.id;
    const b = (await submit(trader, '100')).body.id;
    const concurrent = await Promise.all(
      Array.from({ length: 100 }, () =>
        finance.browser.json<DepositBody>('POST', `/api/v1/admin/wallet/deposits/${a}/approve`),
      ),
    );
    expect(concurrent.map((r) => r.status)).toEqual(Array(100).fill(200));
    expect(new Set(concurrent.map((r) => r.body.status))).toEqual(new Set(['credited']));
    for (let i = 0; i < 100; i++) {
      const again = await finance.browser.json<DepositBody>(
        'POST',
        `/api/v1/admin/wallet/deposits/${b}/approve`,
      );
      expect(again.status).toBe(200);
      expect(again.body.status).toBe('credited');
    }
    // fee = 1.00 + 1.00 each: 98.00 net
    expect(await balance(trader.userId, 'EUR')).toBe(before + 2 * 9_800);
    await tp.projected();
    for (const id of [a, b]) {
      expect(
        await count('SELECT count(*)::int AS n FROM ledger_transfers WHERE key LIKE $1', [`dep:${id}%`]),
      ).toBe(2);
      expect(
        await count(
          `SELECT count(*)::int AS n FROM audit_log WHERE action = 'wallet.deposit.approve' AND target = $1`,
          [`deposit:${id}`],
        ),
      ).toBe(1);
    }
  });

  it('finishes a credit interrupted by a crash without crediting twice', async () => {
    const svc = tp.running.platform.wallet.deposits;
    const before = await balance(trader.userId, 'EUR');
    // Crash after the engine credited but before the database said so: the decision committed, the
    // engine moved the money (as the first approval's credit did), the process died.
    const crashedAfterEngine = (await submit(trader, '50')).body.id;
    await tp.running.database.query(`UPDATE wallet_deposits SET status = 'approved' WHERE id = $1`, [
      crashedAfterEngine,
    ]);
    const accountNo = await tp.running.platform.wallet.engineAccountOf(trader.userId);
    const first = await tp.running.platform.engine.submit({
      type: 'transfer',
      ts: tp.clock.nowMs(),
      key: `dep:${crashedAfterEngine}`,
      kind: 'deposit',
      asset: 'EUR',
      from: { system: 'external:sepa' },
      to: { user: accountNo, wallet: 'SPOT' },
      amount: 4_850,
    });
    expect(first.ok).toBe(true);
    const retried = await finance.browser.json<DepositBody>(
      'POST',
      `/api/v1/admin/wallet/deposits/${crashedAfterEngine}/approve`,
    );
    expect(retried.body.status).toBe('credited');
    // The repeat's answer does not carry the first command's sequence: taken from the read model.
    await tp.projected();
    await svc.resumeApproved();
    expect((await svc.get(crashedAfterEngine)).engineSeq).toBe(first.commandSeq);
    expect(await balance(trader.userId, 'EUR')).toBe(before + 4_850);

    // Crash before the engine heard of it: the job's resume pass finishes it.
    const crashedBeforeEngine = (await submit(trader, '50')).body.id;
    await tp.running.database.query(`UPDATE wallet_deposits SET status = 'approved' WHERE id = $1`, [
      crashedBeforeEngine,
    ]);
    tp.clock.advance(120_000);
    expect(await svc.resumeApproved()).toBeGreaterThanOrEqual(1);
    expect((await svc.get(crashedBeforeEngine)).status).toBe('credited');
    expect(await balance(trader.userId, 'EUR')).toBe(before + 2 * 4_850);
  });

  it('rejects with a reason (mailed, audited); decided deposits cannot be decided again', async () => {
    const id = (await submit(trader, '20')).body.id;
    const rejected = await finance.browser.json<{ status: string; rejectReason: string }>(
      'POST',
      `/api/v1/admin/wallet/deposits/${id}/reject`,
      { reason: 'No matching transfer received' },
    );
    expect(rejected.body).toMatchObject({
      status: 'rejected',
      rejectReason: 'No matching transfer received',
    });
    const approveAfter = await finance.browser.json<DepositBody>(
      'POST',
      `/api/v1/admin/wallet/deposits/${id}/approve`,
    );
    expect(approveAfter.status).toBe(409);
    expect(approveAfter.body.code).toBe('WALLET_DEPOSIT_STATE');
    const rejectAgain = await finance.browser.json<DepositBody>(
      'POST',
      `/api/v1/admin/wallet/deposits/${id}/reject`,
      {
        reason: 'again',
      },
    );
    expect(rejectAgain.status).toBe(409);
    expect(
      await count(
        `SELECT count(*)::int AS n FROM mail_outbox WHERE template = 'wallet.deposit-rejected' AND user_id = $1`,
        [trader.userId],
      ),
    ).toBe(1);
    expect(
      await count(
        `SELECT count(*)::int AS n FROM audit_log WHERE action = 'wallet.deposit.reject' AND target = $1`,
        [`deposit:${id}`],
      ),
    ).toBe(1);
  });

  it('lets the user cancel a pending deposit, not others’ and not a decided one', async () => {
    const other = await tp.user({ totp: false });
    const id = (await submit(trader, '30')).body.id;
    const byOther = await other.browser.json<DepositBody>('POST', `/api/v1/wallet/deposits/${id}/cancel`);
    expect(byOther.status).toBe(404);
    const peek = await other.browser.json<DepositBody>('GET', `/api/v1/wallet/deposits/${id}`);
    expect(peek.status).toBe(404);
    const canceled = await trader.browser.json<DepositBody>('POST', `/api/v1/wallet/deposits/${id}/cancel`);
    expect(canceled.body.status).toBe('canceled');
    const approve = await finance.browser.json<DepositBody>(
      'POST',
      `/api/v1/admin/wallet/deposits/${id}/approve`,
    );
    expect(approve.status).toBe(409);
    const again = await trader.browser.json<DepositBody>('POST', `/api/v1/wallet/deposits/${id}/cancel`);
    expect(again.status).toBe(409);
  });

  it('refuses bad amounts and fields with a code and records nothing', async () => {
    const user = await tp.user({ totp: false });
    const cases: [Record<string, unknown>, number, string][] = [
      [{ amount: '9.99' }, 400, 'WALLET_AMOUNT_BELOW_MIN'],
      [{ amount: '10000.01' }, 400, 'WALLET_AMOUNT_ABOVE_MAX'],
      [{ amount: '10.001' }, 400, 'WALLET_AMOUNT_INVALID'],
      [{ amount: '1e3' }, 400, 'VALIDATION_FAILED'],
      [{ amount: '-5' }, 400, 'VALIDATION_FAILED'],
      [{ fields: {} }, 400, 'WALLET_DEPOSIT_FIELDS_INVALID'],
      [{ fields: { senderIban: '   ' } }, 400, 'WALLET_DEPOSIT_FIELDS_INVALID'],
      [{ fields: { senderIban: 'DE89', swift: 'X' } }, 400, 'WALLET_DEPOSIT_FIELDS_INVALID'],
      [{ fields: { senderIban: 'D'.repeat(35) } }, 400, 'WALLET_DEPOSIT_FIELDS_INVALID'],
      [{ fields: { senderIban: 'DE89', note: 'x'.repeat(11) } }, 400, 'WALLET_DEPOSIT_FIELDS_INVALID'],
      [{ methodId: 'dm_nope' }, 404, 'WALLET_DEPOSIT_METHOD_NOT_FOUND'],
    ];
    for (const [extra, status, code] of cases) {
      const answer = await submit(user, (extra.amount as string | undefined) ?? '100', extra);
      expect(answer.status, JSON.stringify(extra)).toBe(status);
      expect(answer.body.code, JSON.stringify(extra)).toBe(code);
    }
    expect(
      await count('SELECT count(*)::int AS n FROM wallet_deposits WHERE user_id = $1', [user.userId]),
    ).toBe(0);
  });

  it('lists the user’s deposits filtered, by cursor or offset, and as CSV', async () => {
    const user = await tp.user({ totp: false });
    const ids: string[] = [];
    for (const amount of ['11', '12', '13']) ids.push((await submit(user, amount)).body.id);
    await user.browser.json('POST', `/api/v1/wallet/deposits/${ids[0]}/cancel`);
    const page1 = await user.browser.json<{ deposits: { id: string }[]; nextCursor: string | null }>(
      'GET',
      '/api/v1/wallet/deposits?limit=2',
    );
    expect(page1.body.deposits.map((d) => d.id)).toEqual([ids[2], ids[1]]);
    const page2 = await user.browser.json<{ deposits: { id: string }[]; nextCursor: string | null }>(
      'GET',
      `/api/v1/wallet/deposits?limit=2&cursor=${page1.body.nextCursor}`,
    );
    expect(page2.body.deposits.map((d) => d.id)).toEqual([ids[0]]);
    expect(page2.body.nextCursor).toBeNull();
    const byOffset = await user.browser.json<{ deposits: { id: string }[] }>(
      'GET',
      '/api/v1/wallet/deposits?offset=1&limit=1',
    );
    expect(byOffset.body.deposits.map((d) => d.id)).toEqual([ids[1]]);
    const canceled = await user.browser.json<{ deposits: { id: string }[] }>(
      'GET',
      '/api/v1/wallet/deposits?status=canceled',
    );
    expect(canceled.body.deposits.map((d) => d.id)).toEqual([ids[0]]);
    const csv = await user.browser.fetch('/api/v1/wallet/deposits?format=csv&asset=EUR');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe(
      'id,createdAt,source,asset,network,amount,fee,net,status,reference,txHash,creditedAt',
    );
    expect(lines).toHaveLength(4);
    expect(lines[1]).toContain(`${ids[2]},`);
    expect(lines[3]).toContain(',canceled,INV-42,');
    const badCursor = await user.browser.json<DepositBody>('GET', '/api/v1/wallet/deposits?cursor=abc');
    expect(badCursor.status).toBe(400);
  });

  it('manages methods: update, delete only when unused, duplicate names and bad definitions refused', async () => {
    const patched = await admin.browser.json<{ feePpm: number }>(
      'PATCH',
      `/api/v1/admin/wallet/deposit-methods/${methodId}`,
      {
        feePpm: 5_000,
      },
    );
    expect(patched.body.feePpm).toBe(5_000);
    const inUse = await admin.browser.json<DepositBody>(
      'DELETE',
      `/api/v1/admin/wallet/deposit-methods/${methodId}`,
    );
    expect(inUse.status).toBe(409);
    expect(inUse.body.code).toBe('WALLET_DEPOSIT_METHOD_IN_USE');
    const spare = await admin.browser.json<{ id: string }>('POST', '/api/v1/admin/wallet/deposit-methods', {
      asset: 'EUR',
      network: 'sepa',
      name: 'Cash desk',
    });
    expect(spare.status).toBe(201);
    const duplicate = await admin.browser.json<DepositBody>('POST', '/api/v1/admin/wallet/deposit-methods', {
      asset: 'EUR',
      network: 'sepa',
      name: 'Cash desk',
    });
    expect(duplicate.body.code).toBe('WALLET_DEPOSIT_METHOD_EXISTS');
    const bads: [Record<string, unknown>, string][] = [
      [{ name: 'x', fields: [{ key: 'a', label: 'A', required: true, maxLength: 0 }] }, 'VALIDATION_FAILED'],
      [
        {
          name: 'x',
          fields: [
            { key: 'a', label: 'A', required: true, maxLength: 5 },
            { key: 'a', label: 'B', required: true, maxLength: 5 },
          ],
        },
        'VALIDATION_FAILED',
      ],
      [{ name: 'x', feePpm: 1_000_001 }, 'VALIDATION_FAILED'],
      [{ name: 'x', minAmount: '100', maxAmount: '10' }, 'VALIDATION_FAILED'],
      [{ name: 'x', feeFixed: '0.001' }, 'WALLET_AMOUNT_INVALID'],
      [{ name: 'x', kind: 'gateway', gateway: 'nope' }, 'WALLET_GATEWAY_NOT_FOUND'],
      [{ name: 'x', network: 'nope' }, 'WALLET_NETWORK_NOT_FOUND'],
    ];
    for (const [body, code] of bads) {
      const answer = await admin.browser.json<DepositBody>('POST', '/api/v1/admin/wallet/deposit-methods', {
        asset: 'EUR',
        network: 'sepa',
        ...body,
      });
      expect(answer.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(answer.body.code, JSON.stringify(body)).toBe(code);
    }
    const deleted = await admin.browser.fetch(`/api/v1/admin/wallet/deposit-methods/${spare.body.id}`, {
      method: 'DELETE',
    });
    expect(deleted.status).toBe(204);
    // A disabled method disappears for users and refuses deposits.
    await admin.browser.json('PATCH', `/api/v1/admin/wallet/deposit-methods/${methodId}`, { enabled: false });
    const list = await trader.browser.json<{ methods: unknown[] }>(
      'GET',
      '/api/v1/wallet/deposit-methods?asset=EUR',
    );
    expect(list.body.methods).toEqual([]);
    expect((await submit(trader, '100')).status).toBe(404);
    await admin.browser.json('PATCH', `/api/v1/admin/wallet/deposit-methods/${methodId}`, { enabled: true });
    const actions = await tp.running.database.query(
      `SELECT action FROM audit_log WHERE action LIKE 'wallet.deposit-method.%' ORDER BY id`,
    );
    expect(actions.rows.map((r) => r.action)).toEqual([
      'wallet.deposit-method.create',
      'wallet.deposit-method.update',
      'wallet.deposit-method.create',
      'wallet.deposit-method.delete',
      'wallet.deposit-method.update',
      'wallet.deposit-method.update',
    ]);
  });

  it('refuses admin and review routes to those without the permission', async () => {
    const id = (await submit(trader, '15')).body.id;
    const traderApproves = await trader.browser.json('POST', `/api/v1/admin/wallet/deposits/${id}/approve`);
    expect(traderApproves.status).toBe(403);
    const traderLists = await trader.browser.json('GET', '/api/v1/admin/wallet/deposits');
    expect(traderLists.status).toBe(403);
    const financeDefines = await finance.browser.json('POST', '/api/v1/admin/wallet/deposit-methods', {
      asset: 'EUR',
      network: 'sepa',
      name: 'By finance',
    });
    expect(financeDefines.status).toBe(403);
    expect((await fetch(`${tp.url}/api/v1/wallet/deposits`)).status).toBe(401);
    expect((await fetch(`${tp.url}/api/v1/wallet/deposit-methods`)).status).toBe(401);
    const anonymous = await fetch(`${tp.url}/api/v1/admin/wallet/deposits/${id}/approve`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    expect((await tp.running.platform.wallet.deposits.get(id)).status).toBe('pending');
  });

  it('applies the daily deposit limit of the KYC level over pending and credited deposits, under concurrency', async () => {
    const user = await tp.user({ totp: false });
    expect(
      (
        await admin.browser.json('PUT', '/api/v1/admin/wallet/assets/EUR/limits/0', {
          withdrawDailyMax: null,
          withdrawPerTxMax: null,
          depositDailyMax: '1000',
        })
      ).status,
    ).toBe(200);
    try {
      const first = await submit(user, '600');
      expect(first.status).toBe(201);
      const over = await submit(user, '500');
      expect(over.status).toBe(409);
      expect(over.body.code).toBe('WALLET_LIMIT_EXCEEDED');
      // Canceled deposits do not count.
      await user.browser.json('POST', `/api/v1/wallet/deposits/${first.body.id}/cancel`);
      const racing = await Promise.all(Array.from({ length: 10 }, () => submit(user, '200')));
      expect(racing.filter((r) => r.status === 201)).toHaveLength(5);
      expect(
        racing.filter((r) => r.status === 409).every((r) => r.body.code === 'WALLET_LIMIT_EXCEEDED'),
      ).toBe(true);
      // A day later the window has moved on (the session has expired by then: the service directly).
      tp.clock.advance(24 * 3_600_000 + 1_000);
      const later = await tp.running.platform.wallet.deposits.submit(user.userId, {
        methodId,
        amount: '1000',
        fields: { senderIban: 'DE89370400440532013000' },
      });
      expect(later.status).toBe('pending');
    } finally {
      await admin.browser.json('PUT', '/api/v1/admin/wallet/assets/EUR/limits/0', {
        withdrawDailyMax: null,
        withdrawPerTxMax: null,
        depositDailyMax: null,
      });
    }
  });

  it('expires stale pending deposits (the job’s service method), leaving decided ones alone', async () => {
    // Sessions do not survive the week the clock moves on: the service directly.
    const svc = tp.running.platform.wallet.deposits;
    const input = { methodId, amount: '40', fields: { senderIban: 'DE89370400440532013000' } };
    const stale = (await svc.submit(trader.userId, input)).id;
    const credited = (await svc.submit(trader.userId, input)).id;
    await svc.approve(credited, { userId: finance.userId });
    tp.clock.advance(7 * 24 * 3_600_000 + 1_000);
    const fresh = (await svc.submit(trader.userId, input)).id;
    expect(await svc.expireStale()).toBeGreaterThanOrEqual(1);
    expect((await svc.get(stale)).status).toBe('expired');
    expect((await svc.get(credited)).status).toBe('credited');
    expect((await svc.get(fresh)).status).toBe('pending');
    await expect(svc.approve(stale, { userId: finance.userId })).rejects.toMatchObject({
      code: 'WALLET_DEPOSIT_STATE',
    });
    expect(await svc.expireStale()).toBe(0);
    const stats = await tp.running.platform.jobs.stats();
    expect(Object.keys(stats)).toContain('wallet-deposits-expire');
  });
});
