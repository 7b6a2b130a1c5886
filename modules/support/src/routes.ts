// Tickets for users (their own, no internal notes) and for agents (the queue, the full thread with
// the user's context, assignment, replies, notes, status, canned responses), and attachment links.

import type { ApiApp } from '@tradeloom/kernel';
import { DomainError } from '@tradeloom/kernel';
import { UPLOAD_BYTES_MAX, uploadSchema } from '@tradeloom/kyc';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { CannedResponse, CannedService } from './canned-service.js';
import { PERMISSION_SUPPORT_TICKETS } from './permissions.js';
import { actorOf, errorResponses, isoOf, isoTime } from './route-support.js';
import { isOverdue, TICKET_CATEGORIES, TICKET_PRIORITIES, TICKET_STATUSES, type Ticket } from './ticket.js';
import { ATTACHMENTS_PER_MESSAGE_MAX, type ThreadMessage, type TicketService } from './ticket-service.js';

const tags = ['support'];
const adminTags = ['admin: support'];
/** Room for a message's files at the largest size (base64), plus its text. */
const MESSAGE_BODY_BYTES_MAX =
  Math.ceil((UPLOAD_BYTES_MAX * 4) / 3) * ATTACHMENTS_PER_MESSAGE_MAX + 64 * 1024;
const text = z.string().trim().min(1).max(10_000);
const attachments = z.array(uploadSchema).max(ATTACHMENTS_PER_MESSAGE_MAX).optional();

const ticketSchema = z.object({
  id: z.string().describe('tkt_…'),
  subject: z.string(),
  category: z.enum(TICKET_CATEGORIES),
  priority: z.enum(TICKET_PRIORITIES),
  status: z.enum(TICKET_STATUSES),
  createdAt: isoTime,
  updatedAt: isoTime,
  lastMessageAt: isoTime,
});
const agentTicketSchema = ticketSchema.extend({
  userId: z.string(),
  assigneeId: z.string().nullable(),
  firstResponseDueAt: isoTime.describe('SLA: the first reply is due by then (from the priority)'),
  firstResponseAt: isoTime.nullable(),
  overdue: z.boolean().describe('Not answered yet and past its first-response time'),
});
const messageSchema = z.object({
  id: z.string(),
  authorKind: z.enum(['user', 'agent']),
  body: z.string(),
  createdAt: isoTime,
  attachments: z.array(
    z.object({
      id: z.string(),
      fileName: z.string(),
      mediaType: z.string(),
      sizeBytes: z.number().int(),
      width: z.number().int().nullable(),
      height: z.number().int().nullable(),
      url: z.string().describe('Signed link, valid a few minutes'),
    }),
  ),
});
const agentMessageSchema = messageSchema.extend({ authorId: z.string(), internal: z.boolean() });
const cannedSchema = z.object({
  id: z.string(),
  title: z.string(),
  body: z.string(),
  createdBy: z.string(),
  updatedAt: isoTime,
});
const walletRow = z.object({
  id: z.string(),
  asset: z.string(),
  amount: z.string(),
  status: z.string(),
  createdAt: z.string(),
});

function ticketView(t: Ticket) {
  return {
    id: t.id,
    subject: t.subject,
    category: t.category,
    priority: t.priority,
    status: t.status,
    createdAt: isoOf(t.createdAtMs),
    updatedAt: isoOf(t.updatedAtMs),
    lastMessageAt: isoOf(t.lastMessageAtMs),
  };
}

function agentTicketView(t: Ticket, nowMs: number) {
  return {
    ...ticketView(t),
    userId: t.userId,
    assigneeId: t.assigneeId,
    firstResponseDueAt: isoOf(t.firstResponseDueAtMs),
    firstResponseAt: t.firstResponseAtMs === null ? null : isoOf(t.firstResponseAtMs),
    overdue: isOverdue(t, nowMs),
  };
}

function messageView(m: ThreadMessage) {
  return {
    id: m.id,
    authorKind: m.authorKind,
    body: m.body,
    createdAt: isoOf(m.createdAtMs),
    attachments: m.attachments.map(({ messageId: _m, ...a }) => a),
  };
}

const cannedView = (c: CannedResponse) => ({
  id: c.id,
  title: c.title,
  body: c.body,
  createdBy: c.createdBy,
  updatedAt: isoOf(c.updatedAtMs),
});

export function registerSupportRoutes(
  app: ApiApp,
  s: { tickets: TicketService; canned: CannedService },
): void {
  const actor = (request: FastifyRequest) => ({ userId: actorOf(request), ip: request.ip });
  const own = { permission: 'authenticated' } as const;
  const agent = { permission: PERMISSION_SUPPORT_TICKETS };
  const idParams = z.object({ id: z.string().max(64) });

  app.post(
    '/api/v1/support/tickets',
    {
      bodyLimit: MESSAGE_BODY_BYTES_MAX,
      config: { ...own, rateLimit: { name: 'support-open', points: 20, durationS: 3600 } },
      schema: {
        summary: 'Open a ticket',
        description: `Attachments: up to ${ATTACHMENTS_PER_MESSAGE_MAX} PNG, JPEG or PDF files as { fileName, contentBase64 }, checked by content (UPLOAD_* codes).`,
        tags,
        body: z.object({
          subject: z.string().trim().min(3).max(200),
          category: z.enum(TICKET_CATEGORIES),
          priority: z.enum(TICKET_PRIORITIES).default('normal'),
          message: text,
          attachments,
        }),
        response: { 201: ticketSchema, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(ticketView(await s.tickets.open(actorOf(request), request.body))),
  );

  app.get(
    '/api/v1/support/tickets',
    {
      config: { ...own, apiKeyScope: 'read' },
      schema: {
        summary: 'My tickets',
        tags,
        response: { 200: z.object({ tickets: z.array(ticketSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ tickets: (await s.tickets.listOwn(actorOf(request))).map(ticketView) }),
  );

  app.get(
    '/api/v1/support/tickets/:id',
    {
      config: { ...own, apiKeyScope: 'read' },
      schema: {
        summary: 'My ticket and its thread',
        tags,
        params: idParams,
        response: {
          200: z.object({ ticket: ticketSchema, messages: z.array(messageSchema) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { ticket, messages } = await s.tickets.getOwn(actorOf(request), request.params.id);
      return { ticket: ticketView(ticket), messages: messages.map(messageView) };
    },
  );

  app.post(
    '/api/v1/support/tickets/:id/messages',
    {
      bodyLimit: MESSAGE_BODY_BYTES_MAX,
      config: own,
      schema: {
        summary: 'Reply on my ticket (reopens a resolved one)',
        tags,
        params: idParams,
        body: z.object({ body: text, attachments }),
        response: { 200: ticketSchema, ...errorResponses },
      },
    },
    async (request) =>
      ticketView(
        await s.tickets.userReply(
          actorOf(request),
          request.params.id,
          request.body.body,
          request.body.attachments,
        ),
      ),
  );

  app.post(
    '/api/v1/support/tickets/:id/close',
    {
      config: own,
      schema: {
        summary: 'Close my ticket',
        tags,
        params: idParams,
        response: { 200: ticketSchema, ...errorResponses },
      },
    },
    async (request) => ticketView(await s.tickets.userClose(actorOf(request), request.params.id)),
  );

  app.get(
    '/api/v1/support/attachments/:id/content',
    {
      config: { permission: 'public' },
      schema: {
        summary: 'An attachment, through a signed link from a thread',
        tags,
        params: idParams,
        querystring: z.object({ expires: z.string().max(20), signature: z.string().max(100) }),
      },
    },
    async (request, reply) => {
      const file = await s.tickets.attachmentContent(
        request.params.id,
        request.query.expires,
        request.query.signature,
      );
      return reply
        .header('content-type', file.mediaType)
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('content-disposition', `inline; filename="${file.fileName.replace(/[^\w.-]/g, '_')}"`)
        .send(file.bytes);
    },
  );

  // --- agents ---
  app.get(
    '/api/v1/admin/support/tickets',
    {
      config: agent,
      schema: {
        summary: 'The ticket queue (unanswered by due time first; overdue flagged)',
        tags: adminTags,
        querystring: z.object({
          status: z.enum(TICKET_STATUSES).optional(),
          priority: z.enum(TICKET_PRIORITIES).optional(),
          category: z.enum(TICKET_CATEGORIES).optional(),
          assignee: z.string().max(64).optional().describe("'me', 'unassigned' or an agent's id"),
          userId: z.string().max(64).optional(),
          overdue: z.enum(['true', 'false']).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
        }),
        response: { 200: z.object({ tickets: z.array(agentTicketSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const tickets = await s.tickets.queue({
        ...(q.status === undefined ? {} : { status: q.status }),
        ...(q.priority === undefined ? {} : { priority: q.priority }),
        ...(q.category === undefined ? {} : { category: q.category }),
        ...(q.assignee === undefined
          ? {}
          : { assignee: q.assignee === 'me' ? actorOf(request) : q.assignee }),
        ...(q.userId === undefined ? {} : { userId: q.userId }),
        overdue: q.overdue === 'true',
        limit: q.limit,
        offset: q.offset,
      });
      const now = s.tickets.nowMs();
      return { tickets: tickets.map((t) => agentTicketView(t, now)) };
    },
  );

  app.get(
    '/api/v1/admin/support/tickets/:id',
    {
      config: agent,
      schema: {
        summary: "A ticket's whole thread (internal notes included) beside the user's context",
        tags: adminTags,
        params: idParams,
        response: {
          200: z.object({
            ticket: agentTicketSchema,
            messages: z.array(agentMessageSchema),
            user: z.object({
              email: z.string().nullable(),
              kycLevel: z.number().int(),
              recentDeposits: z.array(walletRow),
              recentWithdrawals: z.array(walletRow),
            }),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { ticket, messages, user } = await s.tickets.getForAgent(request.params.id);
      return {
        ticket: agentTicketView(ticket, s.tickets.nowMs()),
        messages: messages.map((m) => ({ ...messageView(m), authorId: m.authorId, internal: m.internal })),
        user,
      };
    },
  );

  app.post(
    '/api/v1/admin/support/tickets/:id/assign',
    {
      config: agent,
      schema: {
        summary: 'Assign (null: unassign; "me": yourself)',
        tags: adminTags,
        params: idParams,
        body: z.object({ assigneeId: z.string().max(64).nullable() }),
        response: { 200: agentTicketSchema, ...errorResponses },
      },
    },
    async (request) => {
      const assignee = request.body.assigneeId === 'me' ? actorOf(request) : request.body.assigneeId;
      return agentTicketView(
        await s.tickets.assign(request.params.id, assignee, actor(request)),
        s.tickets.nowMs(),
      );
    },
  );

  app.post(
    '/api/v1/admin/support/tickets/:id/replies',
    {
      bodyLimit: MESSAGE_BODY_BYTES_MAX,
      config: agent,
      schema: {
        summary: 'Reply to the user (mailed; status pending unless given)',
        description: 'With `cannedResponseId` and no `body`, the canned text is sent.',
        tags: adminTags,
        params: idParams,
        body: z.object({
          body: text.optional(),
          cannedResponseId: z.string().max(64).optional(),
          status: z.enum(TICKET_STATUSES).optional(),
          attachments,
        }),
        response: { 200: agentTicketSchema, ...errorResponses },
      },
    },
    async (request) => {
      const b = request.body;
      const body =
        b.body ??
        (b.cannedResponseId === undefined ? undefined : (await s.canned.get(b.cannedResponseId)).body);
      if (body === undefined)
        throw new DomainError('VALIDATION_FAILED', 'A reply needs a body or a canned response');
      const ticket = await s.tickets.agentReply(
        request.params.id,
        {
          body,
          ...(b.status === undefined ? {} : { status: b.status }),
          ...(b.attachments === undefined ? {} : { attachments: b.attachments }),
        },
        actor(request),
      );
      return agentTicketView(ticket, s.tickets.nowMs());
    },
  );

  app.post(
    '/api/v1/admin/support/tickets/:id/notes',
    {
      config: agent,
      schema: {
        summary: 'An internal note (agents only; never shown or mailed to the user)',
        tags: adminTags,
        params: idParams,
        body: z.object({ body: text }),
        response: { 200: agentTicketSchema, ...errorResponses },
      },
    },
    async (request) =>
      agentTicketView(
        await s.tickets.addNote(request.params.id, request.body.body, actor(request)),
        s.tickets.nowMs(),
      ),
  );

  app.post(
    '/api/v1/admin/support/tickets/:id/status',
    {
      config: agent,
      schema: {
        summary: 'Set the status',
        tags: adminTags,
        params: idParams,
        body: z.object({ status: z.enum(TICKET_STATUSES) }),
        response: { 200: agentTicketSchema, ...errorResponses },
      },
    },
    async (request) =>
      agentTicketView(
        await s.tickets.setStatus(request.params.id, request.body.status, actor(request)),
        s.tickets.nowMs(),
      ),
  );

  const cannedBody = z.object({ title: z.string().trim().min(1).max(120), body: text });
  app.get(
    '/api/v1/admin/support/canned-responses',
    {
      config: agent,
      schema: {
        summary: 'Canned responses',
        tags: adminTags,
        response: { 200: z.object({ cannedResponses: z.array(cannedSchema) }), ...errorResponses },
      },
    },
    async () => ({ cannedResponses: (await s.canned.list()).map(cannedView) }),
  );
  app.post(
    '/api/v1/admin/support/canned-responses',
    {
      config: agent,
      schema: {
        summary: 'Add a canned response',
        tags: adminTags,
        body: cannedBody,
        response: { 201: cannedSchema, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(cannedView(await s.canned.create(request.body, actor(request)))),
  );
  app.put(
    '/api/v1/admin/support/canned-responses/:id',
    {
      config: agent,
      schema: {
        summary: 'Change a canned response',
        tags: adminTags,
        params: idParams,
        body: cannedBody,
        response: { 200: cannedSchema, ...errorResponses },
      },
    },
    async (request) => cannedView(await s.canned.update(request.params.id, request.body, actor(request))),
  );
  app.delete(
    '/api/v1/admin/support/canned-responses/:id',
    {
      config: agent,
      schema: {
        summary: 'Delete a canned response',
        tags: adminTags,
        params: idParams,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await s.canned.remove(request.params.id, actor(request));
      return reply.status(204).send(null);
    },
  );
}
