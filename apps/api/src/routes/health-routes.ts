import type { Database } from '@tradeloom/db';
import type { EngineHost } from '@tradeloom/engine-app';
import type { ApiApp } from '@tradeloom/kernel';
import { DomainError, errorBodySchema } from '@tradeloom/kernel';
import { z } from 'zod';

/** What readiness needs of the engine: that it answers (a flush of the journal completes in time). */
export type EngineProbe = Pick<EngineHost, 'flush'>;

type CheckResult = 'ok' | 'failed' | 'timeout' | 'absent';

const checkSchema = z.enum(['ok', 'failed', 'timeout', 'absent']);

async function check(probe: () => Promise<unknown>, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    return await Promise.race([
      probe().then(
        (): CheckResult => 'ok',
        (): CheckResult => 'failed',
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Options of the health routes. */
export interface HealthRoutesOptions {
  database: Database;
  engine: EngineProbe | null;
  readyTimeoutMs: number;
}

/** /healthz (the process is alive) and /readyz (its database and engine answer). */
export function registerHealthRoutes(app: ApiApp, options: HealthRoutesOptions): void {
  app.get(
    '/healthz',
    {
      config: { permission: 'public' },
      schema: {
        summary: 'Liveness: the process is up and serving',
        tags: ['operations'],
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { permission: 'public' },
      schema: {
        summary: 'Readiness: the database and the engine answer',
        description:
          'A process with no engine of its own reports the engine as absent and is judged on the database alone.',
        tags: ['operations'],
        response: {
          200: z.object({
            status: z.literal('ready'),
            checks: z.object({ database: checkSchema, engine: checkSchema }),
          }),
          503: errorBodySchema,
        },
      },
    },
    async () => {
      const { database, engine, readyTimeoutMs } = options;
      const [databaseCheck, engineCheck] = await Promise.all([
        check(() => database.query('select 1'), readyTimeoutMs),
        engine === null
          ? Promise.resolve<CheckResult>('absent')
          : check(() => engine.flush(), readyTimeoutMs),
      ]);
      const checks = { database: databaseCheck, engine: engineCheck };
      const failing = Object.entries(checks)
        .filter(([, result]) => result === 'failed' || result === 'timeout')
        .map(([part]) => part);
      if (failing.length > 0) {
        throw new DomainError('NOT_READY', `Not ready: ${failing.join(', ')}`, { checks });
      }
      return { status: 'ready' as const, checks };
    },
  );
}
