// The notification centre over real HTTP (both modes): notify() from another module lands in the
// user's list with its unread count and a live event, read / read-all, preferences per category and
// channel (security mail locked on); announcements to everyone or a KYC segment, sent in batches by
// the job with progress, resumed after a worker died holding it, each user reached exactly once.
import { bothModes } from '@tradeloom/db/testing';
import type { SignedInUser } from '@tradeloom/identity/testing';
import type { NotificationEvent } from '@tradeloom/notifications';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

interface ListBody {
  notifications: {
    id: string;
    category: string;
    title: string;
    readAt: string | null;
    link: string | null;
  }[];
  unread: number;
}

describe.each(bothModes)('notifications on %s', (mode) => {
  let tp: TestPlatform;
  let admin: SignedInUser;

  beforeAll(async () => {
    tp = await startTestPlatform(mode);
    admin = await tp.admin();
  });

  afterAll(async () => {
    await tp?.stop();
  });

  it('notify → list with unread count and a live event → read one → read all', async () => {
    const user = await tp.user({ totp: false });
    const service = tp.running.platform.notifications;
    const events: NotificationEvent[] = [];
    const listener = (event: NotificationEvent) => events.push(event);
    service.events.on('notification', listener);
    await service.notify(user.userId, {
      category: 'wallet',
      title: 'Deposit credited',
      body: '10 USDT',
      link: '/wallet',
    });
    await service.notify(user.userId, {
      category: 'security',
      title: 'New sign-in',
      body: 'Firefox on Linux',
    });
    service.events.off('notification', listener);
    expect(events.map((e) => [e.userId, e.notification.title, e.unread])).toEqual([
      [user.userId, 'Deposit credited', 1],
      [user.userId, 'New sign-in', 2],
    ]);

    const list = await user.browser.json<ListBody>('GET', '/api/v1/notifications');
    expect(list.status).toBe(200);
    expect(list.body.unread).toBe(2);
    expect(list.body.notifications.map((n) => n.title)).toEqual(['New sign-in', 'Deposit credited']);
    const unread = await user.browser.json<{ total: number; byCategory: Record<string, number> }>(
      'GET',
      '/api/v1/notifications/unread',
    );
    expect(unread.body).toMatchObject({ total: 2, byCategory: { wallet: 1, security: 1, kyc: 0 } });
    // Mails as the defaults say: wallet and security both mail.
    const mails = await tp.running.database.query(
      "SELECT vars FROM mail_outbox WHERE to_address = $1 AND template = 'notifications.notice'",
      [user.email],
    );
    expect(mails.rows.map((r) => (r.vars as { title: string }).title).sort()).toEqual([
      'Deposit credited',
      'New sign-in',
    ]);

    const other = await tp.user({ totp: false });
    const first = list.body.notifications[0]?.id ?? '';
    expect((await other.browser.json('POST', `/api/v1/notifications/${first}/read`)).status).toBe(404);
    const read = await user.browser.json<{ readAt: string | null }>(
      'POST',
      `/api/v1/notifications/${first}/read`,
    );
    expect(read.status).toBe(200);
    expect(read.body.readAt).not.toBeNull();
    const all = await user.browser.json<{ marked: number }>('POST', '/api/v1/notifications/read-all', {});
    expect(all.body.marked).toBe(1);
    expect((await user.browser.json<ListBody>('GET', '/api/v1/notifications')).body.unread).toBe(0);
  });

  it('follows preferences per category and channel; security mail cannot be turned off', async () => {
    const user = await tp.user({ totp: false });
    const locked = await user.browser.json<{ code: string }>('PUT', '/api/v1/notifications/preferences', {
      preferences: [{ category: 'security', inApp: true, email: false }],
    });
    expect(locked.status).toBe(400);
    expect(locked.body.code).toBe('NOTIFY_PREFERENCE_LOCKED');
    const set = await user.browser.json<{
      preferences: { category: string; inApp: boolean; email: boolean }[];
    }>('PUT', '/api/v1/notifications/preferences', {
      preferences: [{ category: 'wallet', inApp: false, email: false }],
    });
    expect(set.status).toBe(200);
    expect(set.body.preferences.find((p) => p.category === 'wallet')).toEqual({
      category: 'wallet',
      inApp: false,
      email: false,
    });
    const service = tp.running.platform.notifications;
    expect(await service.notify(user.userId, { category: 'wallet', title: 'Deposit', body: 'x' })).toBeNull();
    expect((await user.browser.json<ListBody>('GET', '/api/v1/notifications')).body.notifications).toEqual(
      [],
    );
    const mails = await tp.running.database.query('SELECT 1 FROM mail_outbox WHERE to_address = $1', [
      user.email,
    ]);
    expect(mails.rows).toEqual([]);
  });

  it('announces to everyone by a paced job, resumes after a dead worker, reaches each user once', async () => {
    const users = await Promise.all([1, 2, 3, 4, 5].map(() => tp.user({ totp: false })));
    // One of them keeps announcements out of the app (still counted as gone through).
    await users[4]?.browser.json('PUT', '/api/v1/notifications/preferences', {
      preferences: [{ category: 'announcements', inApp: false, email: false }],
    });
    const forbidden = await users[0]?.browser.json('POST', '/api/v1/admin/announcements', {
      title: 't',
      body: 'b',
    });
    expect(forbidden?.status).toBe(403);
    const created = await admin.browser.json<{ id: string; total: number; sent: number; status: string }>(
      'POST',
      '/api/v1/admin/announcements',
      {
        title: 'Maintenance on Sunday',
        body: 'Trading pauses 02:00-03:00 UTC.',
        link: '/announcements',
        email: true,
      },
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const active = await tp.running.database.query(
      "SELECT count(*)::int AS n FROM users WHERE status = 'active'",
    );
    const total = Number(active.rows[0]?.n);
    expect(created.body).toMatchObject({ status: 'sending', total, sent: 0 });

    const announcements = tp.running.platform.notifications.announcements;
    const run = await announcements.processPending({ batchSize: 2, batchesPerRunMax: 1, batchPauseMs: 0 });
    expect(run).toEqual({ announcementId: created.body.id, batches: 1, sent: 2 });
    const progress = await admin.browser.json<{ sent: number; total: number; status: string }>(
      'GET',
      `/api/v1/admin/announcements/${created.body.id}`,
    );
    expect(progress.body).toMatchObject({ sent: 2, total, status: 'sending' });

    // A worker died holding the announcement: nobody sends until its lease runs out, then one resumes.
    await tp.running.database.query(
      'UPDATE announcements SET lease_token = $2, lease_until = $3 WHERE id = $1',
      [created.body.id, 'dead-worker', new Date(tp.clock.nowMs() + 120_000).toISOString()],
    );
    expect((await announcements.processPending({ batchPauseMs: 0 })).announcementId).toBeNull();
    tp.clock.advance(121_000);
    const resumed = await announcements.processPending({ batchSize: 2, batchPauseMs: 0 });
    expect(resumed.announcementId).toBe(created.body.id);
    expect(resumed.sent).toBe(total - 2);
    const done = await admin.browser.json<{ sent: number; status: string; finishedAt: string | null }>(
      'GET',
      `/api/v1/admin/announcements/${created.body.id}`,
    );
    expect(done.body).toMatchObject({ sent: total, status: 'done' });
    expect((await announcements.processPending({ batchPauseMs: 0 })).announcementId).toBeNull();

    const copies = await tp.running.database.query(
      'SELECT user_id, count(*)::int AS n FROM notifications WHERE announcement_id = $1 GROUP BY user_id',
      [created.body.id],
    );
    expect(copies.rows.every((r) => r.n === 1)).toBe(true);
    expect(copies.rows.length).toBe(total - 1);
    for (const user of users.slice(0, 4)) {
      const centre = await user.browser.json<ListBody>('GET', '/api/v1/notifications?category=announcements');
      expect(centre.body.notifications.map((n) => [n.title, n.link])).toEqual([
        ['Maintenance on Sunday', '/announcements'],
      ]);
      expect(centre.body.unread).toBe(1);
    }
    const silent = await users[4]?.browser.json<ListBody>('GET', '/api/v1/notifications');
    expect(silent?.body.notifications).toEqual([]);
    const mailed = await tp.running.database.query(
      "SELECT to_address, vars FROM mail_outbox WHERE template = 'notifications.announcement'",
    );
    expect(mailed.rows.length).toBe(total - 1);
    expect(mailed.rows[0]?.vars).toMatchObject({
      title: 'Maintenance on Sunday',
      linkUrl: expect.stringMatching(/\/announcements$/),
    });
  });

  it('announces to a KYC segment only', async () => {
    const verified = await tp.user({ totp: false });
    const unverified = await tp.user({ totp: false });
    // The user's level as KYC records an approval (the KYC flow itself is tested in tests/kyc).
    await tp.running.database.query(
      'INSERT INTO kyc_user_levels (user_id, level, updated_at) VALUES ($1, 2, now())',
      [verified.userId],
    );
    const created = await admin.browser.json<{ id: string; total: number }>(
      'POST',
      '/api/v1/admin/announcements',
      {
        title: 'Higher limits',
        body: 'Verified users may now withdraw more.',
        minKycLevel: 2,
      },
    );
    expect(created.status).toBe(201);
    expect(created.body.total).toBe(1);
    await tp.running.platform.notifications.announcements.processPending({ batchPauseMs: 0 });
    const a = await verified.browser.json<ListBody>('GET', '/api/v1/notifications');
    const b = await unverified.browser.json<ListBody>('GET', '/api/v1/notifications');
    expect(a.body.notifications.map((n) => n.title)).toEqual(['Higher limits']);
    expect(b.body.notifications).toEqual([]);
  });
});
