import fastifyCookie from '@fastify/cookie';
import fastifyCors from '@fastify/cors';
import fastifySwagger from '@fastify/swagger';
import fastifyWebsocket from '@fastify/websocket';
import type { Config } from '@tradeloom/config';
import type { Database } from '@tradeloom/db';
import type { ApiApp, PlatformModule, RateLimiter } from '@tradeloom/kernel';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { DestinationStream } from 'pino';
import { type PermissionResolver, registerAccessPipeline } from './access-pipeline.js';
import { registerErrorHandling } from './error-handler.js';
import { createLogger } from './logger.js';
import { createMetrics, registerRequestTiming } from './metrics.js';
import { requestIdHeader, requestIdOf } from './request-id.js';
import { registerRouteCatalog } from './route-permissions.js';
import { type EngineProbe, registerHealthRoutes } from './routes/health-routes.js';
import { registerMetricsRoute } from './routes/metrics-route.js';
import { registerOpenApiRoutes } from './routes/openapi-routes.js';
import { registerTimeRoute } from './routes/time-route.js';
import { registerSecurityHeaders } from './security-headers.js';
import { registerWebsocketRoute, websocketPayloadMaxBytes } from './websocket/websocket-route.js';

/** What the API is built from. */
export interface BuildAppOptions {
  config: Config;
  database: Database;
  /** The in-process engine host (`EngineHost`), or null in a process that runs none. */
  engine: EngineProbe | null;
  /** Where log lines go (default: stdout). */
  logDestination?: DestinationStream;
  /** How long /readyz waits for each part before reporting it (default 2,000 ms). */
  readyTimeoutMs?: number;
  /** Business modules, in dependency order: their authenticators and routes. */
  modules?: readonly PlatformModule[];
  /** What a user's roles grant (the access module); without it, users hold no permissions. */
  resolvePermissions?: PermissionResolver;
  /** Shared counters for rate limits; null turns rate limiting off (some tests). */
  rateLimiter?: RateLimiter | null;
  /** Registers more routes (modules; tests) in their own plugin scope, before the app is sealed. */
  mount?: (app: ApiApp) => void | Promise<void>;
}

/** Builds the HTTP API, ready to `listen`: hooks, error handling, OpenAPI and the routes. */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config, database, engine } = options;
  const logger: FastifyBaseLogger = createLogger(config.logLevel, options.logDestination);
  const app: ApiApp = Fastify({
    loggerInstance: logger,
    // Fastify would adopt any incoming id verbatim; ours validates it first (ids end up in logs).
    requestIdHeader: false,
    // Behind N proxies the client IP (rate limits, audit, allow-lists) is N hops back in X-Forwarded-For.
    trustProxy: (_address: string, hop: number) => hop < config.trustProxyHops,
    genReqId: requestIdOf,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
  }).withTypeProvider();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Hooks run in the order added: the id first, so even a refused request carries it.
  app.addHook('onRequest', async (request, reply) => {
    reply.header(requestIdHeader, request.id);
  });
  registerRouteCatalog(app);
  await app.register(fastifyCookie);
  // Only the listed origins may call with credentials; any other origin gets no CORS headers at all,
  // so browsers refuse to hand it the response.
  await app.register(fastifyCors, {
    origin: [...config.corsOrigins],
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['content-type', 'x-csrf-token', 'x-mbx-apikey', 'x-request-id'],
    exposedHeaders: ['x-request-id', 'retry-after', 'x-mbx-used-weight-1m'],
    maxAge: 600,
  });
  const modules = options.modules ?? [];
  registerAccessPipeline(app, {
    authenticators: modules.flatMap((module) => module.authenticators ?? []),
    resolvePermissions: options.resolvePermissions ?? (async () => new Set<string>()),
    rateLimiter: options.rateLimiter ?? null,
    ipRule: { points: config.rateLimitIpPerMinute, durationS: 60 },
    principalRule: { points: config.rateLimitIpPerMinute, durationS: 60 },
  });
  registerSecurityHeaders(app);
  const metrics = createMetrics();
  registerRequestTiming(app, metrics.httpDuration);
  registerErrorHandling(app);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Tradeloom API',
        version: '1',
        description: 'Platform API. Errors are always `{ code, message, details? }`.',
      },
    },
    transform: jsonSchemaTransform,
  });

  registerHealthRoutes(app, { database, engine, readyTimeoutMs: options.readyTimeoutMs ?? 2000 });
  registerMetricsRoute(app, metrics.registry);
  registerOpenApiRoutes(app);
  registerTimeRoute(app);
  await app.register(fastifyWebsocket, { options: { maxPayload: websocketPayloadMaxBytes } });
  registerWebsocketRoute(app, config);
  for (const module of modules) {
    const routes = module.routes;
    if (routes !== undefined) {
      await app.register(async (scope) => {
        await routes(scope);
      });
    }
  }
  const mount = options.mount;
  if (mount !== undefined) {
    await app.register(async (scope) => {
      await mount(scope);
    });
  }
  await app.ready();
  return app;
}
