import type { FastifyInstance, RouteOptions } from 'fastify';
import { DomainError } from './domain-error.js';

/**
 * What a caller needs to reach a route: `'public'` (anyone) or the name of a permission
 * (`'wallet:read'`, `'admin:users'`) that access control checks.
 */
export type Permission = 'public' | (string & Record<never, never>);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required on every route; registration fails without it. */
    permission?: Permission;
  }
}

/** One registered route, as the catalog lists it. */
export interface RouteEntry {
  method: string;
  url: string;
  permission: Permission;
}

const catalogs = new WeakMap<FastifyInstance, RouteEntry[]>();

/** Every route registered on an app built by `buildApp`, with its declared permission. */
export function listRoutes(app: FastifyInstance): readonly RouteEntry[] {
  const catalog = catalogs.get(app);
  if (catalog === undefined) throw new Error('listRoutes: not an app built by buildApp');
  return catalog;
}

/**
 * Records every route and refuses one that does not declare `config.permission`, so a route cannot
 * ship unguarded by omission. Until access control exists, non-public routes answer 401: fail closed.
 */
export function registerRoutePermissions(app: FastifyInstance): void {
  const catalog: RouteEntry[] = [];
  catalogs.set(app, catalog);
  app.addHook('onRoute', (route: RouteOptions) => {
    const permission: unknown = route.config?.permission;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (typeof permission !== 'string' || permission === '') {
      throw new Error(
        `route ${methods.join(',')} ${route.url} declares no config.permission ('public' or a permission name)`,
      );
    }
    for (const method of methods) catalog.push({ method, url: route.url, permission });
  });
  app.addHook('onRequest', async (request) => {
    if (request.is404) return;
    if (request.routeOptions.config.permission !== 'public') {
      throw new DomainError('UNAUTHENTICATED', 'Authentication required');
    }
  });
}
