import { z } from 'zod';
import { OUTBOX_STATUSES } from './repository.js';

/** `mail_…` outbox ids. */
export const outboxIdSchema = z
  .string()
  .regex(/^mail_[0-9a-z]{1,40}$/)
  .describe('Outbox id, mail_…');

/** Path parameters of the routes on one mail. */
export const outboxParamsSchema = z.object({ id: outboxIdSchema });

/** Query of the outbox listing. */
export const outboxQuerySchema = z.object({
  status: z.enum(OUTBOX_STATUSES).optional(),
  to: z.string().min(3).max(254).optional().describe('Recipient address, exact (case-insensitive)'),
  template: z.string().min(1).max(100).optional().describe('Template name, e.g. identity.verify-email'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(500).optional().describe('nextCursor of the previous page'),
});

const isoTime = z.string().describe('ISO 8601 time');

/** One outbox row as admins see it. */
export const outboxItemSchema = z.object({
  id: outboxIdSchema,
  userId: z.string().nullable(),
  to: z.string(),
  template: z.string(),
  vars: z
    .record(z.string(), z.string())
    .describe('Template variables; links, tokens and codes read "[redacted]"'),
  status: z.enum(OUTBOX_STATUSES),
  attempts: z.number().int(),
  nextAttemptAt: isoTime,
  lastError: z.string().nullable(),
  createdAt: isoTime,
  sentAt: isoTime.nullable(),
  messageId: z.string().nullable(),
});

/** One page of the listing. */
export const outboxPageSchema = z.object({
  items: z.array(outboxItemSchema),
  nextCursor: z.string().nullable(),
});

/** A mail's rendered content. */
export const outboxContentSchema = z.object({
  id: outboxIdSchema,
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
});
