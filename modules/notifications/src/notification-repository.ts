import type { Queryable } from '@tradeloom/db';
import {
  DEFAULT_PREFERENCES,
  NOTIFICATION_CATEGORIES,
  type NotificationCategory,
  type Preference,
} from './categories.js';
import { isoOf, msOf } from './route-support.js';

export interface Notification {
  id: string;
  userId: string;
  category: NotificationCategory;
  title: string;
  body: string;
  link: string | null;
  announcementId: string | null;
  createdAtMs: number;
  readAtMs: number | null;
  /** Insertion order (0 before it is stored). */
  seq: number;
}

function rowToNotification(row: Record<string, unknown>): Notification {
  return {
    id: String(row.id),
    userId: String(row.user_id),
    category: row.category as NotificationCategory,
    title: String(row.title),
    body: String(row.body),
    link: row.link === null ? null : String(row.link),
    announcementId: row.announcement_id === null ? null : String(row.announcement_id),
    createdAtMs: msOf(row.created_at),
    readAtMs: row.read_at === null ? null : msOf(row.read_at),
    seq: Number(row.seq),
  };
}

/** Inserts the notification; false when the user has this announcement already. */
export async function insertNotification(db: Queryable, n: Notification): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO notifications (id, user_id, category, title, body, link, announcement_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (announcement_id, user_id) DO NOTHING RETURNING id`,
    [n.id, n.userId, n.category, n.title, n.body, n.link, n.announcementId, isoOf(n.createdAtMs)],
  );
  return rows.length > 0;
}

export interface ListFilter {
  category?: NotificationCategory;
  unreadOnly?: boolean;
  /** Older than this (the previous page's last seq). */
  beforeSeq?: number;
  limit: number;
}

export async function listNotifications(
  db: Queryable,
  userId: string,
  f: ListFilter,
): Promise<Notification[]> {
  const { rows } = await db.query(
    `SELECT * FROM notifications WHERE user_id = $1 AND ($2::text IS NULL OR category = $2)
       AND (NOT $3 OR read_at IS NULL) AND ($4::bigint IS NULL OR seq < $4)
     ORDER BY seq DESC LIMIT $5`,
    [userId, f.category ?? null, f.unreadOnly === true, f.beforeSeq ?? null, f.limit],
  );
  return rows.map(rowToNotification);
}

export async function findNotification(
  db: Queryable,
  userId: string,
  id: string,
): Promise<Notification | null> {
  const { rows } = await db.query('SELECT * FROM notifications WHERE id = $1 AND user_id = $2', [id, userId]);
  return rows[0] === undefined ? null : rowToNotification(rows[0]);
}

export async function unreadCounts(
  db: Queryable,
  userId: string,
): Promise<Record<NotificationCategory, number>> {
  const { rows } = await db.query(
    'SELECT category, count(*)::int AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL GROUP BY category',
    [userId],
  );
  const counts = Object.fromEntries(NOTIFICATION_CATEGORIES.map((c) => [c, 0])) as Record<
    NotificationCategory,
    number
  >;
  for (const row of rows) counts[row.category as NotificationCategory] = Number(row.n);
  return counts;
}

export async function markRead(
  db: Queryable,
  userId: string,
  ids: readonly string[] | null,
  category: NotificationCategory | null,
  atMs: number,
): Promise<number> {
  const { rows } = await db.query(
    `UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL
       AND ($3::text[] IS NULL OR id = ANY($3::text[])) AND ($4::text IS NULL OR category = $4) RETURNING id`,
    [userId, isoOf(atMs), ids === null ? null : [...ids], category],
  );
  return rows.length;
}

export async function preferencesOf(db: Queryable, userId: string): Promise<Preference[]> {
  const { rows } = await db.query(
    'SELECT category, in_app, email FROM notification_preferences WHERE user_id = $1',
    [userId],
  );
  const chosen = new Map(rows.map((row) => [String(row.category), row]));
  return NOTIFICATION_CATEGORIES.map((category) => {
    const row = chosen.get(category);
    return row === undefined
      ? { category, ...DEFAULT_PREFERENCES[category] }
      : { category, inApp: row.in_app === true, email: row.email === true };
  });
}

export async function upsertPreference(
  db: Queryable,
  userId: string,
  p: Preference,
  atMs: number,
): Promise<void> {
  await db.query(
    `INSERT INTO notification_preferences (user_id, category, in_app, email, updated_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (user_id, category) DO UPDATE SET in_app = EXCLUDED.in_app, email = EXCLUDED.email, updated_at = EXCLUDED.updated_at`,
    [userId, p.category, p.inApp, p.email, isoOf(atMs)],
  );
}

export async function emailOf(db: Queryable, userId: string): Promise<string | null> {
  const { rows } = await db.query("SELECT email FROM users WHERE id = $1 AND status = 'active'", [userId]);
  return rows[0] === undefined ? null : String(rows[0].email);
}
