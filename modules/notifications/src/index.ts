import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Database } from '@tradeloom/db';
import type { JobQueue } from '@tradeloom/jobs';
import { type AuditSink, type Clock, type PlatformModule, systemClock } from '@tradeloom/kernel';
import './errors.js';
import { type AnnouncementService, createAnnouncementService } from './announcement-service.js';
import { registerNotificationMailTemplates } from './mail-templates.js';
import { createNotificationService, type NotificationService } from './notification-service.js';
import {
  type AnnouncementPacing,
  type Audience,
  defaultPacing,
  type NotificationsContext,
  type NotifyMail,
} from './notifications-context.js';
import { notificationPermissions } from './permissions.js';
import { registerNotificationRoutes } from './routes.js';

export type { Announcement, AnnouncementInput, AnnouncementService } from './announcement-service.js';
export {
  CHANNELS,
  DEFAULT_PREFERENCES,
  NOTIFICATION_CATEGORIES,
  type NotificationCategory,
  type Preference,
} from './categories.js';
export { NOTIFY_ERRORS } from './errors.js';
export type { Notification } from './notification-repository.js';
export type {
  Notice,
  NotificationEvent,
  NotificationService,
  NotifyOptions,
} from './notification-service.js';
export type { AnnouncementPacing, Audience, NotifyMail } from './notifications-context.js';
export { PERMISSION_ANNOUNCEMENTS } from './permissions.js';
export { notificationView } from './routes.js';

/** The job that sends announcements (repeating; each run continues the oldest unfinished one). */
export const ANNOUNCEMENTS_JOB = 'notifications-announcements';

export interface NotificationsDeps {
  database: Database;
  audit: AuditSink;
  mail: NotifyMail;
  jobs: JobQueue;
  publicUrl: string;
  /** Who announcements reach; default every active user (no KYC segments). */
  audience?: Audience;
  pacing?: Partial<AnnouncementPacing>;
  clock?: Clock;
}

export interface NotificationsModuleService extends NotificationService {
  announcements: AnnouncementService;
  /**
   * 'notification' events ({ userId, notification, unread }) as notifications are stored in this
   * process: the WebSocket hub forwards them to the user's sockets.
   */
  events: EventEmitter;
}

/** Every active user, in id order (when no KYC module gives segments). */
function everyone(database: Database): Audience {
  return {
    async count() {
      const { rows } = await database.query("SELECT count(*)::int AS n FROM users WHERE status = 'active'");
      return Number(rows[0]?.n ?? 0);
    },
    async page(_minKycLevel, after, limit) {
      const { rows } = await database.query(
        "SELECT id FROM users WHERE status = 'active' AND id > $1 ORDER BY id LIMIT $2",
        [after, limit],
      );
      return rows.map((row) => String(row.id));
    },
  };
}

/** The notifications module: the in-app centre, preferences, and announcements by a background job. */
export function createNotificationsModule(deps: NotificationsDeps): {
  module: PlatformModule;
  service: NotificationsModuleService;
} {
  const events = new EventEmitter();
  // Each socket of a user listens; many users online must not trip the leak warning.
  events.setMaxListeners(0);
  const ctx: NotificationsContext = {
    database: deps.database,
    audit: deps.audit,
    clock: deps.clock ?? systemClock,
    mail: deps.mail,
    audience: deps.audience ?? everyone(deps.database),
    publicUrl: deps.publicUrl.replace(/\/+$/, ''),
    pacing: { ...defaultPacing, ...deps.pacing },
    events,
  };
  registerNotificationMailTemplates(deps.mail);
  const notifications = createNotificationService(ctx);
  const job = deps.jobs.define(
    ANNOUNCEMENTS_JOB,
    async () => {
      await announcements.processPending();
    },
    { repeatEveryMs: 5_000, repeatData: null },
  );
  // A new announcement starts at once instead of at the next repeat (where jobs run at all).
  const announcements = createAnnouncementService(ctx, async () => {
    await job.enqueue(null);
  });
  const service: NotificationsModuleService = { ...notifications, announcements, events };
  return {
    module: {
      name: 'notifications',
      migrationsDir: fileURLToPath(new URL('../migrations/', import.meta.url)),
      permissions: notificationPermissions,
      routes: (app) => registerNotificationRoutes(app, { notifications, announcements }),
    },
    service,
  };
}
