import type { Queryable } from '@tradeloom/db';
import { isoOf, msOf } from './route-support.js';
import type { Attachment, Message, Ticket, TicketCategory, TicketPriority, TicketStatus } from './ticket.js';

const msOrNull = (value: unknown) => (value === null || value === undefined ? null : msOf(value));

function rowToTicket(row: Record<string, unknown>): Ticket {
  return {
    id: String(row.id),
    userId: String(row.user_id),
    subject: String(row.subject),
    category: row.category as TicketCategory,
    priority: row.priority as TicketPriority,
    status: row.status as TicketStatus,
    assigneeId: row.assignee_id === null ? null : String(row.assignee_id),
    firstResponseDueAtMs: msOf(row.first_response_due_at),
    firstResponseAtMs: msOrNull(row.first_response_at),
    lastMessageAtMs: msOf(row.last_message_at),
    resolvedAtMs: msOrNull(row.resolved_at),
    createdAtMs: msOf(row.created_at),
    updatedAtMs: msOf(row.updated_at),
  };
}

export async function insertTicket(db: Queryable, t: Ticket): Promise<void> {
  await db.query(
    `INSERT INTO support_tickets (id, user_id, subject, category, priority, status, first_response_due_at, last_message_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $8)`,
    [
      t.id,
      t.userId,
      t.subject,
      t.category,
      t.priority,
      t.status,
      isoOf(t.firstResponseDueAtMs),
      isoOf(t.createdAtMs),
    ],
  );
}

export async function insertMessage(db: Queryable, m: Omit<Message, 'attachments'>): Promise<void> {
  await db.query(
    `INSERT INTO support_messages (id, ticket_id, author_id, author_kind, internal, body, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [m.id, m.ticketId, m.authorId, m.authorKind, m.internal, m.body, isoOf(m.createdAtMs)],
  );
}

export async function insertAttachment(
  db: Queryable,
  a: Attachment & { ticketId: string; sha256: string; createdAtMs: number },
): Promise<void> {
  await db.query(
    `INSERT INTO support_attachments (id, ticket_id, message_id, storage_key, file_name, media_type, size_bytes, width, height, sha256, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      a.id,
      a.ticketId,
      a.messageId,
      a.storageKey,
      a.fileName,
      a.mediaType,
      a.sizeBytes,
      a.width,
      a.height,
      a.sha256,
      isoOf(a.createdAtMs),
    ],
  );
}

export async function findTicket(db: Queryable, id: string, forUpdate = false): Promise<Ticket | null> {
  const { rows } = await db.query(
    `SELECT * FROM support_tickets WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] === undefined ? null : rowToTicket(rows[0]);
}

/** Changes some columns of a ticket (always `updated_at`). */
export async function updateTicket(
  db: Queryable,
  id: string,
  atMs: number,
  change: {
    status?: TicketStatus;
    assigneeId?: string | null;
    firstResponseAtMs?: number;
    lastMessageAtMs?: number;
    resolvedAtMs?: number | null;
  },
): Promise<void> {
  const sets = ['updated_at = $2'];
  const params: unknown[] = [id, isoOf(atMs)];
  const set = (column: string, value: unknown) => {
    params.push(value);
    sets.push(`${column} = $${params.length}`);
  };
  if (change.status !== undefined) set('status', change.status);
  if (change.assigneeId !== undefined) set('assignee_id', change.assigneeId);
  if (change.firstResponseAtMs !== undefined) set('first_response_at', isoOf(change.firstResponseAtMs));
  if (change.lastMessageAtMs !== undefined) set('last_message_at', isoOf(change.lastMessageAtMs));
  if (change.resolvedAtMs !== undefined)
    set('resolved_at', change.resolvedAtMs === null ? null : isoOf(change.resolvedAtMs));
  await db.query(`UPDATE support_tickets SET ${sets.join(', ')} WHERE id = $1`, params);
}

export interface QueueFilter {
  status?: TicketStatus;
  priority?: TicketPriority;
  category?: TicketCategory;
  /** An agent's id, or 'unassigned'. */
  assignee?: string;
  userId?: string;
  overdueAtMs?: number;
  limit: number;
  offset: number;
}

/** The queue: unanswered tickets by their first-response deadline first, then by last activity. */
export async function listTickets(db: Queryable, f: QueueFilter): Promise<Ticket[]> {
  const { rows } = await db.query(
    `SELECT * FROM support_tickets
     WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR priority = $2) AND ($3::text IS NULL OR category = $3)
       AND ($4::text IS NULL OR ($4 = 'unassigned' AND assignee_id IS NULL) OR assignee_id = $4)
       AND ($5::text IS NULL OR user_id = $5)
       AND ($6::timestamptz IS NULL OR (first_response_at IS NULL AND status IN ('open', 'pending') AND first_response_due_at < $6))
     ORDER BY (first_response_at IS NULL AND status IN ('open', 'pending')) DESC, first_response_due_at, last_message_at DESC, id
     LIMIT $7 OFFSET $8`,
    [
      f.status ?? null,
      f.priority ?? null,
      f.category ?? null,
      f.assignee ?? null,
      f.userId ?? null,
      f.overdueAtMs === undefined ? null : isoOf(f.overdueAtMs),
      f.limit,
      f.offset,
    ],
  );
  return rows.map(rowToTicket);
}

export async function listUserTickets(db: Queryable, userId: string): Promise<Ticket[]> {
  const { rows } = await db.query(
    'SELECT * FROM support_tickets WHERE user_id = $1 ORDER BY last_message_at DESC, id',
    [userId],
  );
  return rows.map(rowToTicket);
}

/** The thread in order, with each message's attachments; without internal notes unless asked. */
export async function threadOf(
  db: Queryable,
  ticketId: string,
  includeInternal: boolean,
): Promise<Message[]> {
  const messages = await db.query(
    `SELECT * FROM support_messages WHERE ticket_id = $1 AND ($2 OR NOT internal) ORDER BY seq`,
    [ticketId, includeInternal],
  );
  const attachments = await db.query(
    'SELECT * FROM support_attachments WHERE ticket_id = $1 ORDER BY created_at, id',
    [ticketId],
  );
  const byMessage = new Map<string, Attachment[]>();
  for (const row of attachments.rows) {
    const list = byMessage.get(String(row.message_id)) ?? [];
    list.push({
      id: String(row.id),
      messageId: String(row.message_id),
      fileName: String(row.file_name),
      mediaType: String(row.media_type),
      sizeBytes: Number(row.size_bytes),
      width: row.width === null ? null : Number(row.width),
      height: row.height === null ? null : Number(row.height),
      storageKey: String(row.storage_key),
    });
    byMessage.set(String(row.message_id), list);
  }
  return messages.rows.map((row) => ({
    id: String(row.id),
    ticketId: String(row.ticket_id),
    authorId: String(row.author_id),
    authorKind: row.author_kind as 'user' | 'agent',
    internal: row.internal === true,
    body: String(row.body),
    createdAtMs: msOf(row.created_at),
    attachments: byMessage.get(String(row.id)) ?? [],
  }));
}

/** An attachment with whether its message is internal (users may not open those). */
export async function findAttachment(
  db: Queryable,
  id: string,
): Promise<(Attachment & { ticketId: string; internal: boolean }) | null> {
  const { rows } = await db.query(
    `SELECT a.*, m.internal FROM support_attachments a JOIN support_messages m ON m.id = a.message_id WHERE a.id = $1`,
    [id],
  );
  const row = rows[0];
  if (row === undefined) return null;
  return {
    id: String(row.id),
    ticketId: String(row.ticket_id),
    messageId: String(row.message_id),
    fileName: String(row.file_name),
    mediaType: String(row.media_type),
    sizeBytes: Number(row.size_bytes),
    width: row.width === null ? null : Number(row.width),
    height: row.height === null ? null : Number(row.height),
    storageKey: String(row.storage_key),
    internal: row.internal === true,
  };
}
