import type { JobQueue } from '@tradeloom/jobs';
import {
  type AuditSink,
  DomainError,
  defineErrorCodes,
  errorBodySchema,
  type PlatformModule,
} from '@tradeloom/kernel';
import { z } from 'zod';

/** Who may see and retry background jobs. */
export const ADMIN_JOBS_PERMISSION = 'admin:jobs';

defineErrorCodes({ OPERATIONS_JOB_NOT_FOUND: 404, OPERATIONS_UNKNOWN_JOB: 404 });

const countsSchema = z.object({
  waiting: z.number().int(),
  active: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  delayed: z.number().int(),
});

const nameParams = z.object({ name: z.string().max(100) });

/** Operator routes over the job queue: counts per job, failed jobs, retry (audited). */
export function createOperationsModule(deps: { jobs: JobQueue; audit: AuditSink }): PlatformModule {
  const { jobs, audit } = deps;
  const knownName = async (name: string): Promise<void> => {
    if (!(name in (await jobs.stats())))
      throw new DomainError('OPERATIONS_UNKNOWN_JOB', `No job named ${name}`);
  };
  return {
    name: 'operations',
    permissions: [{ name: ADMIN_JOBS_PERMISSION, description: 'See background jobs and retry failed ones' }],
    routes: (app) => {
      app.get(
        '/api/v1/admin/jobs',
        {
          config: { permission: ADMIN_JOBS_PERMISSION },
          schema: {
            summary: 'Background jobs: counts per job name',
            tags: ['operations'],
            response: {
              200: z.object({ mode: z.enum(['memory', 'redis']), jobs: z.record(z.string(), countsSchema) }),
            },
          },
        },
        async () => ({ mode: jobs.mode, jobs: await jobs.stats() }),
      );
      app.get(
        '/api/v1/admin/jobs/:name/failed',
        {
          config: { permission: ADMIN_JOBS_PERMISSION },
          schema: {
            summary: 'Failed jobs of a name, most recent first',
            tags: ['operations'],
            params: nameParams,
            querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) }),
            response: {
              200: z.object({
                failed: z.array(
                  z.object({
                    jobId: z.string(),
                    attemptsMade: z.number().int(),
                    failedReason: z.string(),
                    failedAt: z.string(),
                  }),
                ),
              }),
              404: errorBodySchema,
            },
          },
        },
        async (request) => {
          await knownName(request.params.name);
          const failed = await jobs.listFailed(request.params.name, request.query.limit);
          return {
            failed: failed.map((job) => ({
              jobId: job.jobId,
              attemptsMade: job.attemptsMade,
              failedReason: job.failedReason,
              failedAt: new Date(job.failedAtMs).toISOString(),
            })),
          };
        },
      );
      app.post(
        '/api/v1/admin/jobs/:name/:jobId/retry',
        {
          config: { permission: ADMIN_JOBS_PERMISSION },
          schema: {
            summary: 'Queue a failed job again (audited)',
            tags: ['operations'],
            params: z.object({ name: z.string().max(100), jobId: z.string().max(200) }),
            response: { 200: z.object({ status: z.literal('queued') }), 404: errorBodySchema },
          },
        },
        async (request) => {
          const { name, jobId } = request.params;
          await knownName(name);
          if (!(await jobs.retry(name, jobId))) {
            throw new DomainError('OPERATIONS_JOB_NOT_FOUND', `No failed job ${jobId} of ${name}`);
          }
          await audit.record({
            actor: request.principal?.userId ?? 'unknown',
            action: 'operations.job.retry',
            target: `job:${name}/${jobId}`,
            ip: request.ip,
          });
          return { status: 'queued' as const };
        },
      );
    },
  };
}
