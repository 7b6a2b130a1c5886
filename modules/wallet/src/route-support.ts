import { DomainError, errorBodySchema, type Principal } from '@tradeloom/kernel';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';

/** The signed-in caller; the access pipeline answers 401 before a non-public handler runs without one. */
export function principalOf(request: FastifyRequest): Principal {
  const principal = request.principal;
  if (principal === null) throw new DomainError('UNAUTHENTICATED', 'Authentication required');
  return principal;
}

/** The caller's user id. */
export function actorOf(request: FastifyRequest): string {
  return principalOf(request).userId;
}

/** The client address recorded with audited actions. */
export function ipOf(request: FastifyRequest): string {
  return request.ip;
}

export const errorResponses = {
  400: errorBodySchema,
  401: errorBodySchema,
  403: errorBodySchema,
  404: errorBodySchema,
  409: errorBodySchema,
};

/** A decimal amount in a request: validated against the asset's precision by the service. */
export const amountSchema = z
  .string()
  .max(100)
  .regex(/^\d+(\.\d+)?$/, 'a plain decimal string, e.g. "0.015"')
  .describe('Decimal string at the asset precision, e.g. "0.015"');

/** A decimal amount in a response. */
export const amountOut = z.string().describe('Decimal string at the asset precision');

export const isoTime = z.string().describe('ISO 8601 time');
