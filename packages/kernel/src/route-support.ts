// What every module's routes need of a request and of their schemas.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError, errorBodySchema } from './domain-error.js';
import type { Principal } from './principal.js';

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

/** The error responses most routes document (modules add 413, 415, … where they answer them). */
export const errorResponses = {
  400: errorBodySchema,
  401: errorBodySchema,
  403: errorBodySchema,
  404: errorBodySchema,
  409: errorBodySchema,
};

export const isoTime = z.string().describe('ISO 8601 time');

/** The ISO-8601 UTC form of epoch milliseconds. */
export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

/** Epoch milliseconds of a timestamptz as either driver returns it. */
export function msOf(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new Error(`not a timestamp: ${String(value)}`);
  return ms;
}

/** The ISO form of a nullable timestamptz. */
export function isoOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : isoOf(msOf(value));
}
