import type { ApiApp } from '@tradeloom/kernel';
import { z } from 'zod';
import { PERMISSION_FINANCE_LEDGER } from '../permissions.js';
import { actorOf, errorResponses, ipOf, isoTime } from '../route-support.js';
import type { ReconciliationService } from './reconciliation-service.js';

const balancePair = z.object({ available: z.string(), held: z.string() });

const runSchema = z.object({
  id: z.string(),
  startedAt: isoTime,
  finishedAt: isoTime,
  commandSeq: z.number().int(),
  accounts: z.number().int(),
  ok: z.boolean(),
  mismatches: z.array(
    z.object({ account: z.string(), asset: z.string(), engine: balancePair, projected: balancePair }),
  ),
  unbalancedAssets: z.array(z.object({ asset: z.string(), total: z.string() })),
  triggeredBy: z.string().describe("'job' or the admin's user id"),
});

const alertSchema = z.object({
  id: z.string(),
  kind: z.string(),
  severity: z.enum(['info', 'warning', 'critical']),
  message: z.string(),
  details: z.unknown(),
  occurrences: z.number().int(),
  createdAt: isoTime,
  lastSeenAt: isoTime,
  acknowledgedBy: z.string().nullable(),
  acknowledgedAt: isoTime.nullable(),
});

const tags = ['admin: wallet'];
const config = { permission: PERMISSION_FINANCE_LEDGER };

export function registerReconciliationRoutes(app: ApiApp, service: ReconciliationService): void {
  app.get(
    '/api/v1/admin/wallet/reconciliation/runs',
    {
      config,
      schema: {
        summary: 'Ledger reconciliation runs, newest first',
        tags,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ runs: z.array(runSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ runs: await service.listRuns(request.query.limit) }),
  );

  app.post(
    '/api/v1/admin/wallet/reconciliation/runs',
    {
      config,
      schema: {
        summary: 'Reconcile the ledger now',
        description:
          "Compares the engine's balances with the projected postings at the engine's current command sequence; a mismatch raises an alert. Audited.",
        tags,
        response: { 201: runSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const run = await service.reconcile(actorOf(request), ipOf(request));
      return reply.status(201).send(run);
    },
  );

  app.get(
    '/api/v1/admin/wallet/alerts',
    {
      config,
      schema: {
        summary: 'Wallet alerts (reconciliation mismatches), newest first',
        tags,
        querystring: z.object({
          status: z.enum(['open', 'acknowledged', 'all']).default('open'),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.object({ alerts: z.array(alertSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const { status, limit } = request.query;
      const open = status === 'all' ? undefined : status === 'open';
      return { alerts: await service.listAlerts({ ...(open === undefined ? {} : { open }), limit }) };
    },
  );

  app.post(
    '/api/v1/admin/wallet/alerts/:id/acknowledge',
    {
      config,
      schema: {
        summary: 'Acknowledge an alert (audited)',
        tags,
        params: z.object({ id: z.string().max(64) }),
        response: { 200: alertSchema, ...errorResponses },
      },
    },
    async (request) => service.acknowledgeAlert(request.params.id, actorOf(request), ipOf(request)),
  );
}
