import type { ApiApp } from '@tradeloom/kernel';
import type { Registry } from 'prom-client';

/** /metrics in the Prometheus text format. Public for now: keep it off the internet at the proxy. */
export function registerMetricsRoute(app: ApiApp, registry: Registry): void {
  app.get(
    '/metrics',
    {
      config: { permission: 'public' },
      schema: { summary: 'Prometheus metrics', tags: ['operations'], produces: ['text/plain'] },
    },
    async (_request, reply) => {
      const text = await registry.metrics();
      return reply.type(registry.contentType).send(text);
    },
  );
}
