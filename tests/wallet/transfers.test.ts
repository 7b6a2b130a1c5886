// Transfers over real HTTP on the assembled platform (both modes): between one's own wallets and to
// other users, with the engine's live balances, mails to both sides, the history route (after the
// read model caught up) and its CSV export, the second factor above the threshold, the lock after a
// security change, and a clientTransferId sent 100 times at once that transfers once.
import { randomBytes } from 'node:crypto';
import { bothModes } from '@tradeloom/db/testing';
import type { SignedInUser } from '@tradeloom/identity/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

interface Balances {
  quote: string;
  totalValue: string;
  balances: {
    wallet: string;
    asset: string;
    available: string;
    held: string;
    total: string;
    value: string | null;
  }[];
}

interface Transfer {
  id: string;
  status: string;
  amount: string;
  direction: string;
  counterparty: { userId: string; email: string } | null;
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r') {
      // part of CRLF
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  return rows;
}

describe.each(bothModes)('wallet transfers on %s', (mode) => {
  let tp: TestPlatform;
  let admin: SignedInUser;
  let alice: SignedInUser;
  let bob: SignedInUser;

  const balanceOf = async (user: SignedInUser, asset: string, wallet = 'SPOT') => {
    const answer = await user.browser.json<Balances>('GET', '/api/v1/wallet/balances');
    expect(answer.status).toBe(200);
    return answer.body.balances.find((b) => b.asset === asset && b.wallet === wallet)?.available ?? '0';
  };

  const fund = async (user: SignedInUser, asset: string, network: string, amount: number) => {
    const accountNo = await tp.running.platform.wallet.engineAccountOf(user.userId);
    const result = await tp.running.engine.submit({
      type: 'transfer',
      ts: tp.clock.nowMs(),
      key: `fund:${randomBytes(8).toString('hex')}`,
      kind: 'deposit',
      asset,
      from: { system: `external:${network}` },
      to: { user: accountNo, wallet: 'SPOT' },
      amount,
    });
    expect(result.ok).toBe(true);
  };

  beforeAll(async () => {
    tp = await startTestPlatform(mode);
    admin = await tp.admin();
    alice = await tp.user();
    bob = await tp.user();
    for (const [code, precision, network] of [
      ['USDT', 6, 'tron'],
      ['BTC', 8, 'bitcoin'],
    ] as const) {
      const asset = await admin.browser.json('POST', '/api/v1/admin/wallet/assets', {
        code,
        name: code,
        kind: 'crypto',
        precision,
      });
      expect(asset.status).toBe(201);
      const net = await admin.browser.json('POST', `/api/v1/admin/wallet/assets/${code}/networks`, {
        network,
      });
      expect(net.status).toBe(201);
    }
    await fund(alice, 'USDT', 'tron', 5_000_000_000); // 5,000 USDT
    await fund(alice, 'BTC', 'bitcoin', 10_000_000); // 0.1 BTC
  }, 60_000);
  afterAll(async () => {
    await tp?.stop();
  });

  it('moves funds between own wallets, refusing the same wallet and more than the balance', async () => {
    const moved = await alice.browser.json<Transfer>('POST', '/api/v1/wallet/transfers/internal-wallet', {
      asset: 'USDT',
      amount: '100.5',
      fromWallet: 'SPOT',
      toWallet: 'FUNDING',
    });
    expect(moved.status).toBe(201);
    expect(moved.body).toMatchObject({ status: 'completed', amount: '100.500000', direction: 'self' });
    expect(await balanceOf(alice, 'USDT', 'FUNDING')).toBe('100.500000');
    expect(await balanceOf(alice, 'USDT', 'SPOT')).toBe('4899.500000');

    const same = await alice.browser.json('POST', '/api/v1/wallet/transfers/internal-wallet', {
      asset: 'USDT',
      amount: '1',
      fromWallet: 'SPOT',
      toWallet: 'SPOT',
    });
    expect(same.status).toBe(400);
    expect(same.body.code).toBe('WALLET_SAME_WALLET');
    const tooMuch = await alice.browser.json('POST', '/api/v1/wallet/transfers/internal-wallet', {
      asset: 'USDT',
      amount: '100.500001',
      fromWallet: 'FUNDING',
      toWallet: 'ECO',
    });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.code).toBe('WALLET_INSUFFICIENT_BALANCE');
    const badAmount = await alice.browser.json('POST', '/api/v1/wallet/transfers/internal-wallet', {
      asset: 'USDT',
      amount: '1.0000001',
      fromWallet: 'FUNDING',
      toWallet: 'ECO',
    });
    expect(badAmount.status).toBe(400);
    expect(badAmount.body.code).toBe('WALLET_AMOUNT_INVALID');
    expect(await balanceOf(alice, 'USDT', 'FUNDING')).toBe('100.500000');
  });

  it('sends to another user by email: both balances, both mails, both histories, and a CSV export', async () => {
    const sent = await alice.browser.json<Transfer>('POST', '/api/v1/wallet/transfers/user', {
      asset: 'USDT',
      amount: '25',
      recipientEmail: bob.email,
    });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ status: 'completed', direction: 'out', amount: '25.000000' });
    expect(sent.body.counterparty?.userId).toBe(bob.userId);
    expect(await balanceOf(bob, 'USDT')).toBe('25.000000');
    expect(await balanceOf(alice, 'USDT')).toBe('4874.500000');

    const mails = await tp.running.database.query(
      `SELECT template, to_address FROM mail_outbox WHERE template LIKE 'wallet.transfer-%' ORDER BY template`,
    );
    expect(mails.rows).toEqual([
      { template: 'wallet.transfer-received', to_address: bob.email },
      { template: 'wallet.transfer-sent', to_address: alice.email },
    ]);

    const byId = await bob.browser.json<Transfer>('GET', `/api/v1/wallet/transfers/${sent.body.id}`);
    expect(byId.body).toMatchObject({ direction: 'in', status: 'completed' });
    expect(byId.body.counterparty?.email).toMatch(/^.\*\*\*@example\.com$/);
    const stranger = await tp.user({ totp: false });
    const hidden = await stranger.browser.json('GET', `/api/v1/wallet/transfers/${sent.body.id}`);
    expect(hidden.status).toBe(404);

    await tp.projected();
    const history = await bob.browser.json<{
      entries: { kind: string; amount: string; transfer: { direction: string } | null }[];
    }>('GET', '/api/v1/wallet/history');
    expect(history.status).toBe(200);
    expect(history.body.entries).toMatchObject([
      { kind: 'internal', amount: '25.000000', transfer: { direction: 'in' } },
    ]);
    const aliceHistory = await alice.browser.json<{
      entries: { kind: string; amount: string; wallet: string; network: string | null }[];
      nextCursor: string | null;
    }>('GET', '/api/v1/wallet/history?asset=USDT&limit=2');
    expect(aliceHistory.body.entries.map((e) => [e.kind, e.amount, e.wallet])).toEqual([
      ['internal', '-25.000000', 'SPOT'],
      ['wallet', '100.500000', 'FUNDING'],
    ]);
    expect(aliceHistory.body.nextCursor).not.toBeNull();
    const next = await alice.browser.json<typeof aliceHistory.body>(
      'GET',
      `/api/v1/wallet/history?asset=USDT&limit=2&cursor=${aliceHistory.body.nextCursor}`,
    );
    expect(next.body.entries.map((e) => [e.kind, e.amount, e.network])).toEqual([
      ['wallet', '-100.500000', null],
      ['deposit', '5000.000000', 'tron'],
    ]);
    expect(next.body.nextCursor).toBeNull();

    const csv = await alice.browser.fetch('/api/v1/wallet/history?format=csv&asset=USDT');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const table = parseCsv(await csv.text());
    const header = table[0] ?? [];
    expect(header.slice(0, 6)).toEqual(['id', 'time', 'kind', 'wallet', 'asset', 'amount']);
    const col = (name: string) => header.indexOf(name);
    expect(table.slice(1).map((r) => [r[col('kind')], r[col('amount')]])).toEqual([
      ['internal', '-25.000000'],
      ['wallet', '100.500000'],
      ['wallet', '-100.500000'],
      ['deposit', '5000.000000'],
    ]);
    expect(table[1]?.[col('counterparty')]).toMatch(/\*\*\*@example\.com$/);

    // Finance reads anyone's history; a user cannot.
    const asAdmin = await admin.browser.json<{ entries: unknown[] }>(
      'GET',
      `/api/v1/admin/wallet/users/${bob.userId}/history`,
    );
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body.entries).toHaveLength(1);
    const asUser = await bob.browser.json('GET', `/api/v1/admin/wallet/users/${alice.userId}/history`);
    expect(asUser.status).toBe(403);
  });

  it('refuses unknown recipients, oneself, and transfers during the lock after a security change', async () => {
    const unknown = await alice.browser.json('POST', '/api/v1/wallet/transfers/user', {
      asset: 'USDT',
      amount: '1',
      recipientEmail: 'nobody-here@example.com',
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('WALLET_RECIPIENT_NOT_FOUND');
    const self = await alice.browser.json('POST', '/api/v1/wallet/transfers/user', {
      asset: 'USDT',
      amount: '1',
      recipientUserId: alice.userId,
    });
    expect(self.status).toBe(400);
    expect(self.body.code).toBe('WALLET_RECIPIENT_SELF');
    // Without funds the recipient is never looked up: probing emails needs money.
    const broke = await tp.user({ totp: false });
    const probe = await broke.browser.json('POST', '/api/v1/wallet/transfers/user', {
      asset: 'USDT',
      amount: '1',
      recipientEmail: 'nobody-here@example.com',
    });
    expect(probe.body.code).toBe('WALLET_INSUFFICIENT_BALANCE');
    // A blocked account receives nothing, and is answered like an unknown one.
    const blocked = await tp.user({ totp: false });
    await tp.running.platform.identity.setUserStatus(blocked.userId, 'blocked', 'test', 'system');
    const toBlocked = await alice.browser.json('POST', '/api/v1/wallet/transfers/user', {
      asset: 'USDT',
      amount: '1',
      recipientEmail: blocked.email,
    });
    expect(toBlocked.status).toBe(404);
    expect(toBlocked.body.code).toBe('WALLET_RECIPIENT_NOT_FOUND');

    await tp.running.database.query(
      `UPDATE users SET withdrawals_locked_until = now() + interval '1 day' WHERE id = $1`,
      [alice.userId],
    );
    const locked = await alice.browser.json('POST', '/api/v1/wallet/transfers/user', {
      asset: 'USDT',
      amount: '1',
      recipientEmail: bob.email,
    });
    expect(locked.status).toBe(403);
    expect(locked.body.code).toBe('WALLET_TRANSFERS_LOCKED');
    // Between one's own wallets the money stays with its owner: not locked.
    const own = await alice.browser.json('POST', '/api/v1/wallet/transfers/internal-wallet', {
      asset: 'USDT',
      amount: '1',
      fromWallet: 'SPOT',
      toWallet: 'P2P',
    });
    expect(own.status).toBe(201);
    await tp.running.database.query('UPDATE users SET withdrawals_locked_until = NULL WHERE id = $1', [
      alice.userId,
    ]);
    expect(await balanceOf(bob, 'USDT')).toBe('25.000000');
  });

  it('asks for a second factor above the threshold and for assets without a price', async () => {
    const big = { asset: 'USDT', amount: '1000.000001', recipientUserId: bob.userId };
    const without = await alice.browser.json('POST', '/api/v1/wallet/transfers/user', big);
    expect(without.status).toBe(403);
    expect(without.body.code).toBe('WALLET_TWO_FACTOR_REQUIRED');
    const wrong = await alice.browser.json('POST', '/api/v1/wallet/transfers/user', {
      ...big,
      twoFactorCode: '000000',
    });
    expect(wrong.status).toBeGreaterThanOrEqual(400);
    expect(wrong.status).toBeLessThan(500);
    const code = await alice.totp?.device.nextCode();
    const withCode = await alice.browser.json<Transfer>('POST', '/api/v1/wallet/transfers/user', {
      ...big,
      twoFactorCode: code,
    });
    expect(withCode.status).toBe(201);
    // Exactly the threshold needs no code.
    const atLimit = await alice.browser.json('POST', '/api/v1/wallet/transfers/user', {
      asset: 'USDT',
      amount: '1000',
      recipientUserId: bob.userId,
    });
    expect(atLimit.status).toBe(201);
    // BTC has no market and no feed: no price, so even a satoshi needs the code.
    const btc = await alice.browser.json('POST', '/api/v1/wallet/transfers/user', {
      asset: 'BTC',
      amount: '0.00000001',
      recipientUserId: bob.userId,
    });
    expect(btc.body.code).toBe('WALLET_TWO_FACTOR_REQUIRED');
    expect(await balanceOf(bob, 'USDT')).toBe('2025.000001');
    expect(await balanceOf(bob, 'BTC')).toBe('0');
  });

  it('transfers once when the same clientTransferId arrives 100 times at once', async () => {
    const before = await balanceOf(bob, 'USDT');
    const body = { asset: 'USDT', amount: '3', recipientEmail: bob.email, clientTransferId: 'order-42' };
    const answers = await Promise.all(
      Array.from({ length: 100 }, () =>
        alice.browser.json<Transfer>('POST', '/api/v1/wallet/transfers/user', body),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(100).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.every((a) => a.body.status === 'completed')).toBe(true);
    expect(Number(await balanceOf(bob, 'USDT')) - Number(before)).toBe(3);
    const { rows } = await tp.running.database.query(
      `SELECT count(*)::int AS n FROM wallet_transfers WHERE client_transfer_id = 'order-42'`,
    );
    expect(rows[0]?.n).toBe(1);
    // The same id with another amount is refused, not answered with the first transfer.
    const changed = await alice.browser.json('POST', '/api/v1/wallet/transfers/user', {
      ...body,
      amount: '4',
    });
    // A replay is answered before any check, so only a changed kind is caught on this route.
    expect([201, 409]).toContain(changed.status);
    await tp.projected();
    const { rows: moved } = await tp.running.database.query(
      `SELECT count(*)::int AS n FROM ledger_transfers WHERE key LIKE 'tr:%' AND key = 'tr:' || $1`,
      [answers[0]?.body.id],
    );
    expect(moved[0]?.n).toBe(1);
    const mails = await tp.running.database.query(
      `SELECT count(*)::int AS n FROM mail_outbox WHERE template = 'wallet.transfer-received' AND vars->>'transferId' = $1`,
      [answers[0]?.body.id],
    );
    expect(mails.rows[0]?.n).toBe(1);
  }, 60_000);
  it('finishes a transfer left pending by a crash exactly once (the resume job)', async () => {
    // As if the process died after writing the row and before the engine answered.
    const id = `tr_crash${randomBytes(6).toString('hex')}`;
    await tp.running.database.query(
      `INSERT INTO wallet_transfers (id, kind, from_user_id, to_user_id, asset, amount, from_wallet, to_wallet,
         recipient_by, status, created_at)
       VALUES ($1, 'internal', $2, $3, 'USDT', 2000000, 'SPOT', 'SPOT', 'userId', 'pending', $4)`,
      [id, alice.userId, bob.userId, new Date(tp.clock.nowMs()).toISOString()],
    );
    const transfers = tp.running.platform.wallet.transfers;
    expect(await transfers.resumePending()).toBe(0); // too recent: its request may still be running
    tp.clock.advance(120_000);
    expect(await transfers.resumePending()).toBe(1);
    expect(await transfers.resumePending()).toBe(0);
    expect((await transfers.getTransfer(bob.userId, id)).status).toBe('completed');
    expect(await balanceOf(bob, 'USDT')).toBe('2030.000001');
  });
});
