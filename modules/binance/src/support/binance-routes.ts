// How the /api/v3 routes are declared: Binance's security type (which sets the platform's permission
// and API-key scope), Binance's request weight, and a handler that gets the request's parameters.
import type { ApiApp } from '@tradeloom/kernel';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Params } from './params.js';

/** Binance's endpoint security types. USER_STREAM checks the key itself (no signature). */
export type Security = 'NONE' | 'TRADE' | 'USER_DATA' | 'USER_STREAM';

/** A fixed weight, or one that depends on the query string (read before the body arrives). */
export type Weight = number | ((query: URLSearchParams) => number);

export interface BinanceRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Below /api/v3. */
  url: string;
  security: Security;
  weight: Weight;
  summary: string;
  /** Parameters and behaviour, shown in the OpenAPI document. */
  description: string;
  tag: string;
  handler: (params: Params, request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

const CONFIG = {
  NONE: { permission: 'public' },
  USER_STREAM: { permission: 'public' },
  USER_DATA: { permission: 'authenticated', apiKeyScope: 'read' },
  TRADE: { permission: 'authenticated', apiKeyScope: 'spot_trade' },
} as const;

/** Registers the routes on `scope` (prefixed /api/v3) and returns their weights by method and url. */
export function registerBinanceRoutes(scope: ApiApp, routes: readonly BinanceRoute[]): Map<string, Weight> {
  const weights = new Map<string, Weight>();
  for (const route of routes) {
    weights.set(`${route.method} /api/v3${route.url}`, route.weight);
    const weightText = typeof route.weight === 'number' ? String(route.weight) : 'depends on parameters';
    const options = {
      config: CONFIG[route.security],
      schema: {
        summary: route.summary,
        description: `${route.description}\n\nSecurity: ${route.security}. Weight: ${weightText}. Parameters go in the query string or an application/x-www-form-urlencoded body.`,
        tags: [route.tag],
      },
    };
    const handler = async (request: FastifyRequest, reply: FastifyReply) =>
      route.handler(Params.of(request), request, reply);
    if (route.method === 'GET') scope.get(route.url, options, handler);
    else if (route.method === 'POST') scope.post(route.url, options, handler);
    else if (route.method === 'PUT') scope.put(route.url, options, handler);
    else scope.delete(route.url, options, handler);
  }
  return weights;
}
