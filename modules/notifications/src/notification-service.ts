// The notification centre: what other modules call to tell a user something (in the app and, as the
// user prefers, by mail), the user's list with unread counts, marking read, and preferences.
import type { Queryable } from '@tradeloom/db';
import { DomainError, newId } from '@tradeloom/kernel';
import { LOCKED, type NotificationCategory, type Preference } from './categories.js';
import {
  emailOf,
  findNotification,
  insertNotification,
  type ListFilter,
  listNotifications,
  markRead,
  type Notification,
  preferencesOf,
  unreadCounts,
  upsertPreference,
} from './notification-repository.js';
import type { NotificationsContext } from './notifications-context.js';

/** What to tell a user. */
export interface Notice {
  category: NotificationCategory;
  title: string;
  body: string;
  /** A path in the portal ('/wallet/withdrawals/wd_…'). */
  link?: string;
}

export interface NotifyOptions {
  /** The caller's transaction: the notification (and its mail) exist only if it commits. */
  within?: Queryable;
  /** false when the caller mails the user itself (KYC decisions, ticket replies): no second mail. */
  email?: boolean;
}

/** Emitted on `events` as 'notification' once stored (the WebSocket hook forwards it to the user's sockets). */
export interface NotificationEvent {
  userId: string;
  notification: Notification;
  unread: number;
}

export interface NotificationService {
  /** Tells a user, on the channels they keep on for the category. Answers the in-app notification, if any. */
  notify(userId: string, notice: Notice, options?: NotifyOptions): Promise<Notification | null>;
  list(userId: string, filter: ListFilter): Promise<{ notifications: Notification[]; unread: number }>;
  unread(userId: string): Promise<{ total: number; byCategory: Record<NotificationCategory, number> }>;
  markRead(userId: string, id: string): Promise<Notification>;
  markAllRead(userId: string, category?: NotificationCategory): Promise<number>;
  preferences(userId: string): Promise<Preference[]>;
  setPreferences(userId: string, preferences: readonly Preference[]): Promise<Preference[]>;
}

const LINK = /^\/(?!\/)[^\s]{0,500}$/;

export function checkLink(link: string | undefined): void {
  if (link !== undefined && !LINK.test(link))
    throw new DomainError('NOTIFY_LINK_INVALID', 'A link is a path in the portal, e.g. /account');
}

export function createNotificationService(ctx: NotificationsContext): NotificationService {
  const db = ctx.database;
  const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
  return {
    async notify(userId, notice, options = {}) {
      checkLink(notice.link);
      const q = options.within ?? db;
      const preference = (await preferencesOf(q, userId)).find((p) => p.category === notice.category);
      let notification: Notification | null = null;
      if (preference?.inApp !== false) {
        notification = {
          id: newId('ntf'),
          userId,
          category: notice.category,
          title: notice.title,
          body: notice.body,
          link: notice.link ?? null,
          announcementId: null,
          createdAtMs: ctx.clock.nowMs(),
          readAtMs: null,
          seq: 0,
        };
        await insertNotification(q, notification);
      }
      if (options.email !== false && preference?.email === true) {
        const to = await emailOf(q, userId);
        if (to !== null) {
          await ctx.mail.send(
            {
              to,
              userId,
              template: 'notifications.notice',
              vars: {
                title: notice.title,
                body: notice.body,
                ...(notice.link === undefined ? {} : { linkUrl: `${ctx.publicUrl}${notice.link}` }),
              },
            },
            q,
          );
        }
      }
      // Inside a caller's transaction the count would wait for it (one connection): count later.
      if (notification !== null) {
        const unread = options.within === undefined ? total(await unreadCounts(db, userId)) : -1;
        ctx.events.emit('notification', { userId, notification, unread } satisfies NotificationEvent);
      }
      return notification;
    },
    async list(userId, filter) {
      const [notifications, counts] = await Promise.all([
        listNotifications(db, userId, filter),
        unreadCounts(db, userId),
      ]);
      return { notifications, unread: total(counts) };
    },
    async unread(userId) {
      const byCategory = await unreadCounts(db, userId);
      return { total: total(byCategory), byCategory };
    },
    async markRead(userId, id) {
      const found = await findNotification(db, userId, id);
      if (found === null) throw new DomainError('NOTIFY_NOT_FOUND', 'No such notification');
      await markRead(db, userId, [id], null, ctx.clock.nowMs());
      return (await findNotification(db, userId, id)) ?? found;
    },
    markAllRead: (userId, category) => markRead(db, userId, null, category ?? null, ctx.clock.nowMs()),
    preferences: (userId) => preferencesOf(db, userId),
    async setPreferences(userId, preferences) {
      for (const p of preferences) {
        const locked = LOCKED.find((l) => l.category === p.category && p[l.channel] === false);
        if (locked !== undefined)
          throw new DomainError(
            'NOTIFY_PREFERENCE_LOCKED',
            `${locked.category} ${locked.channel} cannot be turned off`,
          );
      }
      await db.transaction(async (tx) => {
        for (const p of preferences) await upsertPreference(tx, userId, p, ctx.clock.nowMs());
      });
      return preferencesOf(db, userId);
    },
  };
}
