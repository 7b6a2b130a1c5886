import type { Permission } from '@tradeloom/kernel';
import type { FastifyInstance, RouteOptions } from 'fastify';

/** One registered route, as the catalog lists it. */
export interface RouteEntry {
  method: string;
  url: string;
  permission: Permission;
  apiKeyScope: string | null;
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
 * ship unguarded by omission (the access pipeline then enforces what each route declares).
 */
export function registerRouteCatalog(app: FastifyInstance): void {
  const catalog: RouteEntry[] = [];
  catalogs.set(app, catalog);
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    // The one route we do not declare: @fastify/cors answers preflights on OPTIONS *, and a preflight
    // carries no credentials by definition.
    const permission: unknown =
      route.url === '*' && methods.length === 1 && methods[0] === 'OPTIONS'
        ? 'public'
        : route.config?.permission;
    if (typeof permission !== 'string' || permission === '') {
      throw new Error(
        `route ${methods.join(',')} ${route.url} declares no config.permission ('public' or a permission name)`,
      );
    }
    const apiKeyScope = route.config?.apiKeyScope ?? null;
    for (const method of methods) catalog.push({ method, url: route.url, permission, apiKeyScope });
  });
}
