// The notification centre (the user's own) and announcements (admins).
import type { ApiApp } from '@tradeloom/kernel';
import { z } from 'zod';
import {
  ANNOUNCEMENT_STATUSES,
  type Announcement,
  type AnnouncementService,
} from './announcement-service.js';
import { NOTIFICATION_CATEGORIES } from './categories.js';
import type { Notification } from './notification-repository.js';
import type { NotificationService } from './notification-service.js';
import { PERMISSION_ANNOUNCEMENTS } from './permissions.js';
import { actorOf, errorResponses, isoOf, isoTime } from './route-support.js';

const tags = ['notifications'];
const adminTags = ['admin: notifications'];
const category = z.enum(NOTIFICATION_CATEGORIES);
const link = z.string().max(500).describe('A path in the portal, e.g. /account/verification');

const notificationSchema = z.object({
  id: z.string().describe('ntf_…'),
  category,
  title: z.string(),
  body: z.string(),
  link: z.string().nullable(),
  createdAt: isoTime,
  readAt: isoTime.nullable(),
});

/** A notification as the API (and the live channel) shows it. */
export function notificationView(n: Notification): z.infer<typeof notificationSchema> {
  return {
    id: n.id,
    category: n.category,
    title: n.title,
    body: n.body,
    link: n.link,
    createdAt: isoOf(n.createdAtMs),
    readAt: n.readAtMs === null ? null : isoOf(n.readAtMs),
  };
}

const preferenceSchema = z.object({ category, inApp: z.boolean(), email: z.boolean() });

const announcementSchema = z.object({
  id: z.string().describe('ann_…'),
  title: z.string(),
  body: z.string(),
  link: z.string().nullable(),
  minKycLevel: z.number().int(),
  email: z.boolean(),
  status: z.enum(ANNOUNCEMENT_STATUSES),
  total: z.number().int().describe('Users in the segment'),
  sent: z.number().int().describe('Users the job has gone through'),
  createdBy: z.string(),
  createdAt: isoTime,
  finishedAt: isoTime.nullable(),
});

function announcementView(a: Announcement): z.infer<typeof announcementSchema> {
  const { createdAtMs, finishedAtMs, ...rest } = a;
  return {
    ...rest,
    createdAt: isoOf(createdAtMs),
    finishedAt: finishedAtMs === null ? null : isoOf(finishedAtMs),
  };
}

export function registerNotificationRoutes(
  app: ApiApp,
  s: { notifications: NotificationService; announcements: AnnouncementService },
): void {
  const own = { permission: 'authenticated', apiKeyScope: 'read' } as const;
  app.get(
    '/api/v1/notifications',
    {
      config: own,
      schema: {
        summary: 'My notifications, newest first, with the unread count',
        tags,
        querystring: z.object({
          category: category.optional(),
          unreadOnly: z.enum(['true', 'false']).optional(),
          before: z
            .string()
            .regex(/^\d{1,15}$/)
            .optional()
            .describe('nextCursor of the previous page'),
          limit: z.coerce.number().int().min(1).max(100).default(30),
        }),
        response: {
          200: z.object({
            notifications: z.array(notificationSchema),
            unread: z.number().int(),
            nextCursor: z.string().nullable(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const { notifications, unread } = await s.notifications.list(actorOf(request), {
        ...(q.category === undefined ? {} : { category: q.category }),
        unreadOnly: q.unreadOnly === 'true',
        ...(q.before === undefined ? {} : { beforeSeq: Number(q.before) }),
        limit: q.limit,
      });
      const last = notifications.at(-1);
      return {
        notifications: notifications.map(notificationView),
        unread,
        nextCursor:
          notifications.length === q.limit && last !== undefined ? `${last.id}_at_${last.createdAtMs}` : null,
      };
    },
  );

  app.get(
    '/api/v1/notifications/unread',
    {
      config: own,
      schema: {
        summary: 'How many notifications I have not read, per category',
        tags,
        response: {
          200: z.object({ total: z.number().int(), byCategory: z.record(z.string(), z.number().int()) }),
          ...errorResponses,
        },
      },
    },
    async (request) => s.notifications.unread(actorOf(request)),
  );

  app.post(
    '/api/v1/notifications/:id/read',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: 'Mark one notification read',
        tags,
        params: z.object({ id: z.string().max(64) }),
        response: { 200: notificationSchema, ...errorResponses },
      },
    },
    async (request) => notificationView(await s.notifications.markRead(actorOf(request), request.params.id)),
  );

  app.post(
    '/api/v1/notifications/read-all',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: 'Mark all (of a category) read',
        tags,
        body: z.object({ category: category.optional() }).default({}),
        response: { 200: z.object({ marked: z.number().int() }), ...errorResponses },
      },
    },
    async (request) => ({
      marked: await s.notifications.markAllRead(actorOf(request), request.body.category),
    }),
  );

  app.get(
    '/api/v1/notifications/preferences',
    {
      config: own,
      schema: {
        summary: 'My channels per category',
        tags,
        response: { 200: z.object({ preferences: z.array(preferenceSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ preferences: await s.notifications.preferences(actorOf(request)) }),
  );

  app.put(
    '/api/v1/notifications/preferences',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: 'Choose channels per category',
        description: 'Security mails cannot be turned off (NOTIFY_PREFERENCE_LOCKED).',
        tags,
        body: z.object({ preferences: z.array(preferenceSchema).min(1).max(NOTIFICATION_CATEGORIES.length) }),
        response: { 200: z.object({ preferences: z.array(preferenceSchema) }), ...errorResponses },
      },
    },
    async (request) => ({
      preferences: await s.notifications.setPreferences(actorOf(request), request.body.preferences),
    }),
  );

  const admin = { permission: PERMISSION_ANNOUNCEMENTS };
  app.post(
    '/api/v1/admin/announcements',
    {
      config: admin,
      schema: {
        summary: 'Announce to all users or a segment',
        description:
          'Sent by a background job in paced batches (progress: sent/total), resumed after a restart; optionally by mail.',
        tags: adminTags,
        body: z.object({
          title: z.string().trim().min(1).max(200),
          body: z.string().trim().min(1).max(5000),
          link: link.optional(),
          minKycLevel: z.number().int().min(0).max(3).default(0).describe('Users at this KYC level or above'),
          email: z.boolean().default(false),
        }),
        response: { 201: announcementSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const created = await s.announcements.create(request.body, {
        userId: actorOf(request),
        ip: request.ip,
      });
      return reply.status(201).send(announcementView(created));
    },
  );

  app.get(
    '/api/v1/admin/announcements',
    {
      config: admin,
      schema: {
        summary: 'Announcements with their progress',
        tags: adminTags,
        response: { 200: z.object({ announcements: z.array(announcementSchema) }), ...errorResponses },
      },
    },
    async () => ({ announcements: (await s.announcements.list()).map(announcementView) }),
  );

  app.get(
    '/api/v1/admin/announcements/:id',
    {
      config: admin,
      schema: {
        summary: 'One announcement and its progress',
        tags: adminTags,
        params: z.object({ id: z.string().max(64) }),
        response: { 200: announcementSchema, ...errorResponses },
      },
    },
    async (request) => announcementView(await s.announcements.get(request.params.id)),
  );

  app.post(
    '/api/v1/admin/announcements/:id/cancel',
    {
      config: admin,
      schema: {
        summary: 'Stop sending an announcement (those who have it keep it)',
        tags: adminTags,
        params: z.object({ id: z.string().max(64) }),
        response: { 200: announcementSchema, ...errorResponses },
      },
    },
    async (request) =>
      announcementView(
        await s.announcements.cancel(request.params.id, { userId: actorOf(request), ip: request.ip }),
      ),
  );
}
