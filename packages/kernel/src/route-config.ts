import type { ApiKeyScope } from './principal.js';

/**
 * What a caller needs to reach a route: `'public'` (anyone), `'authenticated'` (any signed-in user:
 * routes on one's own objects, which the service scopes to the caller) or a permission name
 * (`'admin:users'`) that a role must grant.
 */
export type Permission = 'public' | 'authenticated' | (string & Record<never, never>);

/** Per-route rate limit: at most `points` requests per `durationS` seconds, per IP and per user/key. */
export interface RouteRateLimit {
  /** Bucket name; routes sharing a name share the budget (default: method + url). */
  name?: string;
  points: number;
  durationS: number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required on every route; registration fails without it. */
    permission?: Permission;
    /** The API-key scope that lets a key call this route; without it keys are refused here. */
    apiKeyScope?: ApiKeyScope;
    /** A stricter limit than the default for this route (login, registration, reset). */
    rateLimit?: RouteRateLimit;
  }
}
