// Tickets for both sides. Users open tickets, read their thread (never the internal notes) and reply;
// agents work the queue: assign, reply (mailed to the user), note internally, change the status.
// Every message with its attachments is stored all-or-nothing; every agent action is audited.
import type { Queryable } from '@tradeloom/db';
import { DomainError, newId } from '@tradeloom/kernel';
import { checkUpload, storeAllOrNothing, UPLOAD_BYTES_MAX, type Upload } from '@tradeloom/kyc';
import type { SupportContext, UserContext } from './support-context.js';
import {
  type Attachment,
  FIRST_RESPONSE_MS,
  type Message,
  type Ticket,
  type TicketCategory,
  type TicketPriority,
  type TicketStatus,
} from './ticket.js';
import {
  findAttachment,
  findTicket,
  insertAttachment,
  insertMessage,
  insertTicket,
  listTickets,
  listUserTickets,
  type QueueFilter,
  threadOf,
  updateTicket,
} from './ticket-repository.js';

export const ATTACHMENTS_PER_MESSAGE_MAX = 3;

/** Emitted on `events` as 'ticket': the user's and the agents' screens refresh or append. */
export interface TicketEvent {
  ticketId: string;
  userId: string;
  kind: 'opened' | 'message' | 'note' | 'status' | 'assigned';
  /** Internal events (notes, assignment) go to agents only. */
  internal: boolean;
}

export interface OpenTicketInput {
  subject: string;
  category: TicketCategory;
  priority: TicketPriority;
  message: string;
  attachments?: Upload[];
}

export interface Actor {
  userId: string;
  ip?: string;
}

/** A signed link to an attachment (valid a few minutes). */
export interface AttachmentLink extends Omit<Attachment, 'storageKey'> {
  url: string;
}

export interface ThreadMessage extends Omit<Message, 'attachments'> {
  attachments: AttachmentLink[];
}

export interface TicketService {
  open(userId: string, input: OpenTicketInput): Promise<Ticket>;
  listOwn(userId: string): Promise<Ticket[]>;
  /** The user's ticket and thread, without internal notes. */
  getOwn(userId: string, id: string): Promise<{ ticket: Ticket; messages: ThreadMessage[] }>;
  userReply(userId: string, id: string, body: string, attachments?: Upload[]): Promise<Ticket>;
  userClose(userId: string, id: string): Promise<Ticket>;
  queue(filter: Omit<QueueFilter, 'overdueAtMs'> & { overdue?: boolean }): Promise<Ticket[]>;
  /** The whole thread (notes included) and the user's context. */
  getForAgent(id: string): Promise<{ ticket: Ticket; messages: ThreadMessage[]; user: UserContext }>;
  assign(id: string, assigneeId: string | null, actor: Actor): Promise<Ticket>;
  agentReply(
    id: string,
    input: { body: string; status?: TicketStatus; attachments?: Upload[] },
    actor: Actor,
  ): Promise<Ticket>;
  addNote(id: string, body: string, actor: Actor): Promise<Ticket>;
  setStatus(id: string, status: TicketStatus, actor: Actor): Promise<Ticket>;
  attachmentContent(
    id: string,
    expires: string,
    signature: string,
  ): Promise<{ bytes: Buffer; mediaType: string; fileName: string }>;
  nowMs(): number;
}

export const attachmentPath = (id: string) => `/api/v1/support/attachments/${id}/content`;

export function createTicketService(ctx: SupportContext): TicketService {
  const db = ctx.database;
  const getOrThrow = async (q: Queryable, id: string, forUpdate = false) => {
    const ticket = await findTicket(q, id, forUpdate);
    if (ticket === null) throw new DomainError('SUPPORT_TICKET_NOT_FOUND', 'No such ticket');
    return ticket;
  };
  const emit = (event: TicketEvent) => ctx.events.emit('ticket', event);
  const ipOf = (actor: Actor) => (actor.ip === undefined ? {} : { ip: actor.ip });

  const thread = async (ticketId: string, includeInternal: boolean): Promise<ThreadMessage[]> => {
    const now = ctx.clock.nowMs();
    return (await threadOf(db, ticketId, includeInternal)).map((m) => ({
      ...m,
      attachments: m.attachments.map(({ storageKey: _key, ...a }) => ({
        ...a,
        url: ctx.signer.sign(attachmentPath(a.id), now).url,
      })),
    }));
  };

  /**
   * Checks every attachment, then stores them and runs `write` (the message rows and the ticket
   * change) in one transaction; a bad file or a failed write leaves nothing behind.
   */
  const withMessage = async <T>(
    ticketId: string,
    message: Omit<Message, 'attachments' | 'id' | 'ticketId' | 'createdAtMs'>,
    uploads: readonly Upload[],
    write: (tx: Queryable, messageId: string, nowMs: number) => Promise<T>,
    /** Runs first in the transaction (a new ticket's row, which the message refers to). */
    prepare?: (tx: Queryable) => Promise<void>,
  ): Promise<T> => {
    if (uploads.length > ATTACHMENTS_PER_MESSAGE_MAX)
      throw new DomainError(
        'SUPPORT_TOO_MANY_ATTACHMENTS',
        `At most ${ATTACHMENTS_PER_MESSAGE_MAX} files per message`,
      );
    const checked = uploads.map((upload, i) =>
      checkUpload(
        upload,
        { accept: ['image/png', 'image/jpeg', 'application/pdf'], maxBytes: UPLOAD_BYTES_MAX },
        `attachments.${i}`,
      ),
    );
    const messageId = newId('tmsg');
    const now = ctx.clock.nowMs();
    const files = checked.map((file) => {
      const id = newId('tatt');
      return { id, file, key: `tickets/${ticketId}/${id}` };
    });
    return storeAllOrNothing(
      ctx.storage,
      files.map((f) => ({ key: f.key, bytes: f.file.bytes })),
      () =>
        db.transaction(async (tx) => {
          await prepare?.(tx);
          await insertMessage(tx, { ...message, id: messageId, ticketId, createdAtMs: now });
          for (const { id, file, key } of files) {
            await insertAttachment(tx, {
              id,
              ticketId,
              messageId,
              storageKey: key,
              fileName: file.fileName,
              mediaType: file.mediaType,
              sizeBytes: file.sizeBytes,
              width: file.width,
              height: file.height,
              sha256: file.sha256,
              createdAtMs: now,
            });
          }
          return write(tx, messageId, now);
        }),
    );
  };

  const ownOrThrow = async (userId: string, id: string) => {
    const ticket = await getOrThrow(db, id);
    // Someone else's ticket is answered like a missing one: ids are not confirmed to strangers.
    if (ticket.userId !== userId) throw new DomainError('SUPPORT_TICKET_NOT_FOUND', 'No such ticket');
    return ticket;
  };

  const agentAction = async (
    id: string,
    actor: Actor,
    action: string,
    change: (tx: Queryable, ticket: Ticket, now: number) => Promise<object>,
  ) => {
    const ticket = await db.transaction(async (tx) => {
      const before = await getOrThrow(tx, id, true);
      const after = await change(tx, before, ctx.clock.nowMs());
      await ctx.audit.record(
        {
          actor: actor.userId,
          action: `support.ticket.${action}`,
          target: `ticket:${id}`,
          ...ipOf(actor),
          after,
        },
        tx,
      );
      return before;
    });
    return ticket;
  };

  return {
    nowMs: () => ctx.clock.nowMs(),
    async open(userId, input) {
      const now = ctx.clock.nowMs();
      const ticket: Ticket = {
        id: newId('tkt'),
        userId,
        subject: input.subject,
        category: input.category,
        priority: input.priority,
        status: 'open',
        assigneeId: null,
        firstResponseDueAtMs: now + FIRST_RESPONSE_MS[input.priority],
        firstResponseAtMs: null,
        lastMessageAtMs: now,
        resolvedAtMs: null,
        createdAtMs: now,
        updatedAtMs: now,
      };
      // The ticket and its first message (with its files) exist together or not at all.
      await withMessage(
        ticket.id,
        { authorId: userId, authorKind: 'user', internal: false, body: input.message },
        input.attachments ?? [],
        async () => undefined,
        (tx) => insertTicket(tx, ticket),
      );
      emit({ ticketId: ticket.id, userId, kind: 'opened', internal: false });
      return getOrThrow(db, ticket.id);
    },
    listOwn: (userId) => listUserTickets(db, userId),
    async getOwn(userId, id) {
      const ticket = await ownOrThrow(userId, id);
      return { ticket, messages: await thread(id, false) };
    },
    async userReply(userId, id, body, attachments = []) {
      const ticket = await ownOrThrow(userId, id);
      if (ticket.status === 'closed')
        throw new DomainError('SUPPORT_TICKET_CLOSED', 'This ticket is closed: open a new one');
      await withMessage(
        id,
        { authorId: userId, authorKind: 'user', internal: false, body },
        attachments,
        async (tx, _m, now) => {
          // The user answered: the ticket waits on the agents again.
          await updateTicket(tx, id, now, { status: 'open', lastMessageAtMs: now, resolvedAtMs: null });
        },
      );
      emit({ ticketId: id, userId, kind: 'message', internal: false });
      return getOrThrow(db, id);
    },
    async userClose(userId, id) {
      const ticket = await ownOrThrow(userId, id);
      if (ticket.status !== 'closed') {
        await updateTicket(db, id, ctx.clock.nowMs(), { status: 'closed' });
        emit({ ticketId: id, userId, kind: 'status', internal: false });
      }
      return getOrThrow(db, id);
    },
    async queue(filter) {
      const { overdue, ...rest } = filter;
      return listTickets(db, { ...rest, ...(overdue === true ? { overdueAtMs: ctx.clock.nowMs() } : {}) });
    },
    async getForAgent(id) {
      const ticket = await getOrThrow(db, id);
      const source = ctx.userContext;
      const [messages, email, kycLevel, recentDeposits, recentWithdrawals] = await Promise.all([
        thread(id, true),
        db.query('SELECT email FROM users WHERE id = $1', [ticket.userId]),
        source.kycLevelOf(ticket.userId),
        source.recentDeposits?.(ticket.userId) ?? Promise.resolve([]),
        source.recentWithdrawals?.(ticket.userId) ?? Promise.resolve([]),
      ]);
      return {
        ticket,
        messages,
        user: {
          email: (email.rows[0]?.email as string | undefined) ?? null,
          kycLevel,
          recentDeposits,
          recentWithdrawals,
        },
      };
    },
    async assign(id, assigneeId, actor) {
      if (assigneeId !== null && !(await ctx.isAgent(assigneeId)))
        throw new DomainError('SUPPORT_ASSIGNEE_INVALID', 'The assignee does not work support tickets');
      const ticket = await agentAction(id, actor, 'assign', async (tx, before, now) => {
        await updateTicket(tx, id, now, { assigneeId });
        return { from: before.assigneeId, to: assigneeId };
      });
      emit({ ticketId: id, userId: ticket.userId, kind: 'assigned', internal: true });
      return getOrThrow(db, id);
    },
    async agentReply(id, input, actor) {
      const ticket = await getOrThrow(db, id);
      if (ticket.status === 'closed') throw new DomainError('SUPPORT_TICKET_CLOSED', 'This ticket is closed');
      const status = input.status ?? 'pending';
      await withMessage(
        id,
        { authorId: actor.userId, authorKind: 'agent', internal: false, body: input.body },
        input.attachments ?? [],
        async (tx, messageId, now) => {
          const locked = await getOrThrow(tx, id, true);
          await updateTicket(tx, id, now, {
            status,
            lastMessageAtMs: now,
            ...(locked.firstResponseAtMs === null ? { firstResponseAtMs: now } : {}),
            ...(locked.assigneeId === null ? { assigneeId: actor.userId } : {}),
            resolvedAtMs: status === 'resolved' ? now : null,
          });
          await ctx.audit.record(
            {
              actor: actor.userId,
              action: 'support.ticket.reply',
              target: `ticket:${id}`,
              ...ipOf(actor),
              after: { messageId, status, attachments: input.attachments?.length ?? 0 },
            },
            tx,
          );
          const { rows } = await tx.query('SELECT email FROM users WHERE id = $1', [locked.userId]);
          const to = rows[0]?.email;
          if (typeof to === 'string') {
            await ctx.mail.send(
              {
                to,
                userId: locked.userId,
                template: 'support.reply',
                vars: {
                  subject: locked.subject,
                  ticketId: id,
                  reply: input.body.slice(0, 1900),
                  ticketUrl: `${ctx.publicUrl}/support/tickets/${id}`,
                },
              },
              tx,
            );
          }
          await ctx.notify(
            locked.userId,
            {
              category: 'support',
              title: `Reply to "${locked.subject}"`,
              body: input.body.slice(0, 200),
              link: `/support/tickets/${id}`,
            },
            tx,
          );
        },
      );
      emit({ ticketId: id, userId: ticket.userId, kind: 'message', internal: false });
      return getOrThrow(db, id);
    },
    async addNote(id, body, actor) {
      const ticket = await getOrThrow(db, id);
      await withMessage(
        id,
        { authorId: actor.userId, authorKind: 'agent', internal: true, body },
        [],
        async (tx, messageId) => {
          await ctx.audit.record(
            {
              actor: actor.userId,
              action: 'support.ticket.note',
              target: `ticket:${id}`,
              ...ipOf(actor),
              after: { messageId },
            },
            tx,
          );
        },
      );
      emit({ ticketId: id, userId: ticket.userId, kind: 'note', internal: true });
      return getOrThrow(db, id);
    },
    async setStatus(id, status, actor) {
      const ticket = await agentAction(id, actor, 'status', async (tx, before, now) => {
        await updateTicket(tx, id, now, { status, resolvedAtMs: status === 'resolved' ? now : null });
        return { from: before.status, to: status };
      });
      emit({ ticketId: id, userId: ticket.userId, kind: 'status', internal: false });
      return getOrThrow(db, id);
    },
    async attachmentContent(id, expires, signature) {
      if (!ctx.signer.verify(attachmentPath(id), expires, signature, ctx.clock.nowMs()))
        throw new DomainError('SUPPORT_LINK_INVALID', 'This link is not valid or has expired');
      const attachment = await findAttachment(db, id);
      const bytes = attachment === null ? null : await ctx.storage.get(attachment.storageKey);
      if (attachment === null || bytes === null)
        throw new DomainError('SUPPORT_ATTACHMENT_NOT_FOUND', 'No such attachment');
      return { bytes, mediaType: attachment.mediaType, fileName: attachment.fileName };
    },
  };
}
