// Announcements to all users or a segment (KYC level and above). A background job walks the
// segment in user-id order, one batch per transaction: the notifications of a batch, their mails
// and the cursor commit together, so a restart resumes after the last committed batch and
// (announcement, user) is unique, so nobody gets one twice. Batches are paced (the rate limit).
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError, newId } from '@tradeloom/kernel';
import { emailOf, insertNotification, type Notification, preferencesOf } from './notification-repository.js';
import { checkLink, type NotificationEvent } from './notification-service.js';
import type { AnnouncementPacing, NotificationsContext } from './notifications-context.js';
import { isoOf, msOf } from './route-support.js';

export const ANNOUNCEMENT_STATUSES = ['sending', 'done', 'cancelled'] as const;

export interface Announcement {
  id: string;
  title: string;
  body: string;
  link: string | null;
  minKycLevel: number;
  email: boolean;
  status: (typeof ANNOUNCEMENT_STATUSES)[number];
  total: number;
  sent: number;
  createdBy: string;
  createdAtMs: number;
  finishedAtMs: number | null;
}

export interface AnnouncementInput {
  title: string;
  body: string;
  link?: string;
  /** Users at this KYC level or above (0: everyone). */
  minKycLevel: number;
  /** Also by mail (to users who keep announcement mails on). */
  email: boolean;
}

export interface AnnouncementService {
  create(input: AnnouncementInput, actor: { userId: string; ip?: string }): Promise<Announcement>;
  list(): Promise<Announcement[]>;
  get(id: string): Promise<Announcement>;
  cancel(id: string, actor: { userId: string; ip?: string }): Promise<Announcement>;
  /**
   * The job's work: takes the oldest announcement still sending that no live worker holds and sends
   * batches until it is done or the run's batch budget is used. Answers what it did.
   */
  processPending(
    pacing?: Partial<AnnouncementPacing>,
  ): Promise<{ announcementId: string | null; batches: number; sent: number }>;
}

function rowToAnnouncement(row: Record<string, unknown>): Announcement {
  return {
    id: String(row.id),
    title: String(row.title),
    body: String(row.body),
    link: row.link === null ? null : String(row.link),
    minKycLevel: Number(row.min_kyc_level),
    email: row.email === true,
    status: row.status as Announcement['status'],
    total: Number(row.total),
    sent: Number(row.sent),
    createdBy: String(row.created_by),
    createdAtMs: msOf(row.created_at),
    finishedAtMs: row.finished_at === null ? null : msOf(row.finished_at),
  };
}

export function createAnnouncementService(
  ctx: NotificationsContext,
  wake: () => Promise<void>,
): AnnouncementService {
  const db = ctx.database;
  const get = async (id: string) => {
    const { rows } = await db.query('SELECT * FROM announcements WHERE id = $1', [id]);
    if (rows[0] === undefined) throw new DomainError('NOTIFY_ANNOUNCEMENT_NOT_FOUND', 'No such announcement');
    return rowToAnnouncement(rows[0]);
  };

  /** One batch in one transaction; answers the users handled, or null when the lease was lost. */
  const sendBatch = async (a: Announcement, token: string, cursor: string, size: number, leaseMs: number) => {
    const users = await ctx.audience.page(a.minKycLevel, cursor, size);
    const now = ctx.clock.nowMs();
    const delivered: Notification[] = [];
    const held = await db.transaction(async (tx) => {
      const lease = await tx.query(
        `SELECT status FROM announcements WHERE id = $1 AND lease_token = $2 FOR UPDATE`,
        [a.id, token],
      );
      if (lease.rows[0]?.status !== 'sending') return false;
      for (const userId of users) {
        const preference = (await preferencesOf(tx, userId)).find((p) => p.category === 'announcements');
        if (preference?.inApp !== false) {
          const notification: Notification = {
            id: newId('ntf'),
            userId,
            category: 'announcements',
            title: a.title,
            body: a.body,
            link: a.link,
            announcementId: a.id,
            createdAtMs: now,
            readAtMs: null,
            seq: 0,
          };
          if (await insertNotification(tx, notification)) delivered.push(notification);
        }
        if (a.email && preference?.email !== false) {
          const to = await emailOf(tx, userId);
          if (to !== null)
            await ctx.mail.send(
              {
                to,
                userId,
                template: 'notifications.announcement',
                vars: {
                  title: a.title,
                  body: a.body,
                  ...(a.link === null ? {} : { linkUrl: `${ctx.publicUrl}${a.link}` }),
                },
              },
              tx,
            );
        }
      }
      const last = users.at(-1);
      const done = users.length < size;
      await tx.query(
        `UPDATE announcements SET cursor = $2, sent = sent + $3, lease_until = $4,
           status = CASE WHEN $5 THEN 'done' ELSE status END, finished_at = CASE WHEN $5 THEN $6::timestamptz ELSE NULL END,
           total = CASE WHEN $5 THEN GREATEST(total, sent + $3) ELSE total END
         WHERE id = $1`,
        [a.id, last ?? cursor, users.length, isoOf(now + leaseMs), done, isoOf(now)],
      );
      return true;
    });
    if (!held) return null;
    for (const notification of delivered)
      ctx.events.emit('notification', {
        userId: notification.userId,
        notification,
        unread: -1,
      } satisfies NotificationEvent);
    return users;
  };

  return {
    async create(input, actor) {
      checkLink(input.link);
      const total = await ctx.audience.count(input.minKycLevel);
      const id = newId('ann');
      await db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO announcements (id, title, body, link, min_kyc_level, email, status, total, created_by, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, 'sending', $7, $8, $9)`,
          [
            id,
            input.title,
            input.body,
            input.link ?? null,
            input.minKycLevel,
            input.email,
            total,
            actor.userId,
            isoOf(ctx.clock.nowMs()),
          ],
        );
        await ctx.audit.record(
          {
            actor: actor.userId,
            action: 'notifications.announcement.create',
            target: `announcement:${id}`,
            ...(actor.ip === undefined ? {} : { ip: actor.ip }),
            after: { title: input.title, minKycLevel: input.minKycLevel, email: input.email, total },
          },
          tx,
        );
      });
      await wake();
      return get(id);
    },
    async list() {
      const { rows } = await db.query(
        'SELECT * FROM announcements ORDER BY created_at DESC, id DESC LIMIT 200',
      );
      return rows.map(rowToAnnouncement);
    },
    get,
    async cancel(id, actor) {
      await db.transaction(async (tx) => {
        const { rows } = await tx.query('SELECT status FROM announcements WHERE id = $1 FOR UPDATE', [id]);
        if (rows[0] === undefined)
          throw new DomainError('NOTIFY_ANNOUNCEMENT_NOT_FOUND', 'No such announcement');
        if (rows[0].status !== 'sending')
          throw new DomainError('NOTIFY_ANNOUNCEMENT_STATE', `The announcement is ${String(rows[0].status)}`);
        await tx.query(`UPDATE announcements SET status = 'cancelled', finished_at = $2 WHERE id = $1`, [
          id,
          isoOf(ctx.clock.nowMs()),
        ]);
        await ctx.audit.record(
          {
            actor: actor.userId,
            action: 'notifications.announcement.cancel',
            target: `announcement:${id}`,
            ...(actor.ip === undefined ? {} : { ip: actor.ip }),
          },
          tx,
        );
      });
      return get(id);
    },
    async processPending(overrides = {}) {
      const pacing = { ...ctx.pacing, ...overrides };
      const token = randomBytes(12).toString('hex');
      const now = ctx.clock.nowMs();
      const { rows } = await db.query(
        `UPDATE announcements SET lease_token = $1, lease_until = $2
         WHERE id = (SELECT id FROM announcements WHERE status = 'sending' AND (lease_until IS NULL OR lease_until < $3)
                     ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [token, isoOf(now + pacing.leaseMs), isoOf(now)],
      );
      if (rows[0] === undefined) return { announcementId: null, batches: 0, sent: 0 };
      const announcement = rowToAnnouncement(rows[0]);
      let cursor = String(rows[0].cursor);
      let batches = 0;
      let sent = 0;
      try {
        while (batches < pacing.batchesPerRunMax) {
          if (batches > 0 && pacing.batchPauseMs > 0) await sleep(pacing.batchPauseMs);
          const users = await sendBatch(announcement, token, cursor, pacing.batchSize, pacing.leaseMs);
          if (users === null) break;
          batches += 1;
          sent += users.length;
          if (users.length < pacing.batchSize) break;
          cursor = users.at(-1) ?? cursor;
        }
      } finally {
        // Handing the lease back lets the next run continue at once instead of after it runs out.
        await db.query(
          'UPDATE announcements SET lease_token = NULL, lease_until = NULL WHERE id = $1 AND lease_token = $2',
          [announcement.id, token],
        );
      }
      return { announcementId: announcement.id, batches, sent };
    },
  };
}
