import { timingSafeEqual } from 'node:crypto';
import {
  type Authentication,
  type Authenticator,
  DomainError,
  type Principal,
  type RateLimiter,
  type RateRule,
} from '@tradeloom/kernel';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { registerRawBodyParsers } from './raw-body.js';

/** The permissions a user's roles grant (the access module answers it). */
export type PermissionResolver = (userId: string) => Promise<ReadonlySet<string>>;

/** What the access pipeline needs. */
export interface AccessPipelineOptions {
  authenticators: readonly Authenticator[];
  resolvePermissions: PermissionResolver;
  rateLimiter: RateLimiter | null;
  /** Requests per minute per IP across the API, and per user or API key. */
  ipRule: RateRule;
  principalRule: RateRule;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Per request, in order: the per-IP rate limit (before the body is read), then, once the body is
 * parsed: who is calling (authenticators), the other rate limits, the route's permission, the
 * API-key scope and, for cookie sessions, the CSRF token. Everything fails closed.
 */
export function registerAccessPipeline(app: FastifyInstance, options: AccessPipelineOptions): void {
  app.decorateRequest('principal', null);
  registerRawBodyParsers(app);
  const limiter = options.rateLimiter;
  if (limiter !== null) {
    app.addHook('onRequest', async (request) => {
      if (request.is404) return;
      const decision = await limiter.consume('ip', request.ip, options.ipRule);
      if (!decision.allowed) throw rateLimited(decision.retryAfterMs);
    });
  }
  // preValidation, not onRequest: signed API-key requests are verified over their body, which
  // Fastify reads between the two. Body parsing errors (bad JSON, 413, 415) thus answer first.
  app.addHook('preValidation', async (request, reply) => {
    if (request.is404) return;
    const config = request.routeOptions.config;
    const permission = config.permission;

    const authentication = await authenticate(request, options.authenticators, permission === 'public');
    if (authentication !== null) {
      const permissions = await options.resolvePermissions(authentication.userId);
      const principal: Principal = { ...authentication, permissions };
      request.principal = principal;
      if (limiter !== null) {
        const key = principal.apiKeyId ?? principal.userId;
        const decision = await limiter.consume('principal', key, options.principalRule);
        if (!decision.allowed) throw rateLimited(decision.retryAfterMs);
      }
    }
    if (limiter !== null && config.rateLimit !== undefined) {
      const rule = config.rateLimit;
      const bucket = `route:${rule.name ?? `${request.method} ${request.routeOptions.url}`}`;
      const byIp = await limiter.consume(bucket, request.ip, rule);
      if (!byIp.allowed) throw rateLimited(byIp.retryAfterMs);
      if (request.principal !== null) {
        const byUser = await limiter.consume(bucket, request.principal.userId, rule);
        if (!byUser.allowed) throw rateLimited(byUser.retryAfterMs);
      }
    }
    reply.header('cache-control', 'no-store');

    if (permission === 'public') return;
    const principal = request.principal;
    if (principal === null) throw new DomainError('UNAUTHENTICATED', 'Authentication required');
    if (principal.method === 'apiKey') {
      const scope = config.apiKeyScope;
      if (scope === undefined) {
        throw new DomainError('API_KEY_SCOPE_MISSING', 'This endpoint cannot be called with an API key');
      }
      if (!principal.scopes?.includes(scope)) {
        throw new DomainError('API_KEY_SCOPE_MISSING', `The API key lacks the '${scope}' scope`, { scope });
      }
    }
    if (principal.method === 'session' && !SAFE_METHODS.has(request.method)) {
      checkCsrf(request, principal);
    }
    if (
      permission !== 'authenticated' &&
      permission !== undefined &&
      !principal.permissions.has(permission)
    ) {
      throw new DomainError('FORBIDDEN', 'You do not have permission to do this', { permission });
    }
  });
}

async function authenticate(
  request: FastifyRequest,
  authenticators: readonly Authenticator[],
  isPublic: boolean,
): Promise<Authentication | null> {
  for (const authenticator of authenticators) {
    try {
      const found = await authenticator(request);
      if (found !== null) return found;
    } catch (error) {
      // A stale cookie must not lock anyone out of the login page: public routes go on anonymously.
      if (isPublic && error instanceof DomainError && error.status === 401) return null;
      throw error;
    }
  }
  return null;
}

function checkCsrf(request: FastifyRequest, principal: Principal): void {
  const sent = request.headers['x-csrf-token'];
  const expected = principal.csrfToken;
  if (typeof sent !== 'string' || expected === undefined || !equalStrings(sent, expected)) {
    throw new DomainError(
      'CSRF_TOKEN_INVALID',
      'Missing or wrong X-CSRF-Token header (read it from GET /api/v1/auth/session)',
    );
  }
}

function equalStrings(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function rateLimited(retryAfterMs: number): DomainError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new DomainError(
    'RATE_LIMITED',
    `Too many requests; retry in ${seconds} s`,
    { retryAfterS: seconds },
    {
      'retry-after': String(seconds),
    },
  );
}
