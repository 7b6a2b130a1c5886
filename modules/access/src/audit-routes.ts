import { type ApiApp, errorBodySchema } from '@tradeloom/kernel';
import { z } from 'zod';
import { PERMISSION_ADMIN_AUDIT } from './access-permissions.js';
import type { AccessService } from './access-service.js';
import { AUDIT_PAGE_SIZE_MAX } from './list-audit-entries.js';

const entrySchema = z.object({
  id: z.string(),
  at: z.string().describe('ISO-8601 UTC'),
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  ip: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  prevHash: z.string(),
  hash: z.string(),
});

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };
const tags = ['admin: access'];
const config = { permission: PERMISSION_ADMIN_AUDIT };

/** Routes to read and verify the audit log (permission admin:audit). */
export function registerAuditRoutes(app: ApiApp, service: AccessService): void {
  app.get(
    '/api/v1/admin/audit',
    {
      config,
      schema: {
        summary: 'List audit entries, newest first',
        tags,
        querystring: z.object({
          actor: z.string().min(1).max(200).optional(),
          action: z.string().min(1).max(100).optional().describe("Exact, or a prefix ending in '.*'"),
          target: z.string().min(1).max(300).optional(),
          from: z.iso.datetime({ offset: true }).optional().describe('Inclusive'),
          to: z.iso.datetime({ offset: true }).optional().describe('Exclusive'),
          cursor: z.string().max(40).optional().describe('nextCursor of the previous page'),
          limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_SIZE_MAX).optional(),
        }),
        response: {
          200: z.object({ entries: z.array(entrySchema), nextCursor: z.string().optional() }),
          ...errors,
        },
      },
    },
    async (request) => service.listAudit(request.query),
  );

  app.get(
    '/api/v1/admin/audit/verify',
    {
      config,
      schema: {
        summary: 'Verify the audit chain',
        description:
          'Recomputes every hash and link. Compare headHash with one recorded earlier to detect a removed tail.',
        tags,
        response: {
          200: z.object({
            ok: z.boolean(),
            entries: z.number().int(),
            firstBadId: z.string().optional(),
            fault: z.enum(['prev-hash-mismatch', 'hash-mismatch']).optional(),
            headId: z.string().optional(),
            headHash: z.string().optional(),
          }),
          ...errors,
        },
      },
    },
    async () => service.verifyAuditChain(),
  );
}
