import { type ApiApp, DomainError, errorBodySchema } from '@tradeloom/kernel';
import type { FastifyRequest } from 'fastify';
import {
  outboxContentSchema,
  outboxItemSchema,
  outboxPageSchema,
  outboxParamsSchema,
  outboxQuerySchema,
} from './schema.js';
import type { MailService, OutboxActor } from './service.js';

/** Reads the outbox: list and retry. */
export const ADMIN_MAIL_PERMISSION = 'admin:mail';
/** Reads unsent mails in full, links and tokens included: a credential-level power, given apart. */
export const ADMIN_MAIL_CONTENT_PERMISSION = 'admin:mail:content';

function actorOf(request: FastifyRequest): OutboxActor {
  const principal = request.principal;
  // The access pipeline refuses these routes without a principal; reaching here without one is a bug.
  if (principal === null) throw new DomainError('UNAUTHENTICATED', 'Authentication required');
  return { actor: principal.userId, ip: request.ip };
}

/** The admin routes of the outbox. */
export function registerMailRoutes(app: ApiApp, service: MailService): void {
  app.get(
    '/api/v1/admin/mail/outbox',
    {
      config: { permission: ADMIN_MAIL_PERMISSION },
      schema: {
        summary: 'List the mail outbox',
        description:
          'Newest first. Variables that are links, tokens or codes are redacted; delivered mails keep them redacted in the database too.',
        tags: ['admin', 'mail'],
        querystring: outboxQuerySchema,
        response: { 200: outboxPageSchema, 400: errorBodySchema },
      },
    },
    async (request) => {
      const { status, to, template, limit, cursor } = request.query;
      return service.listOutbox({
        limit,
        ...(status === undefined ? {} : { status }),
        ...(to === undefined ? {} : { to }),
        ...(template === undefined ? {} : { template }),
        ...(cursor === undefined ? {} : { cursor }),
      });
    },
  );

  app.post(
    '/api/v1/admin/mail/outbox/:id/retry',
    {
      config: { permission: ADMIN_MAIL_PERMISSION },
      schema: {
        summary: 'Queue a held or failed mail again',
        description: 'Starts a fresh round of delivery attempts. Audited.',
        tags: ['admin', 'mail'],
        params: outboxParamsSchema,
        response: { 200: outboxItemSchema, 404: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request) => service.retry(request.params.id, actorOf(request)),
  );

  app.get(
    '/api/v1/admin/mail/outbox/:id/content',
    {
      config: { permission: ADMIN_MAIL_CONTENT_PERMISSION },
      schema: {
        summary: 'Read an unsent mail in full',
        description:
          'Subject, text and HTML with their links, without the anti-phishing code: for operators without SMTP who hand a user their link. Audited; delivered mails cannot be read.',
        tags: ['admin', 'mail'],
        params: outboxParamsSchema,
        response: { 200: outboxContentSchema, 404: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request) => service.readContent(request.params.id, actorOf(request)),
  );
}
