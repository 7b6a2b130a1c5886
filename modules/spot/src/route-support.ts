import { DomainError, errorBodySchema } from '@tradeloom/kernel';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';

export function actorOf(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal === null) throw new DomainError('UNAUTHENTICATED', 'Authentication required');
  return principal.userId;
}

export const errorResponses = {
  400: errorBodySchema,
  401: errorBodySchema,
  403: errorBodySchema,
  404: errorBodySchema,
  409: errorBodySchema,
};

export const decimalIn = z
  .string()
  .max(60)
  .regex(/^\d+(\.\d+)?$/, 'a plain decimal string, e.g. "0.015"');

export const symbolSchema = z
  .string()
  .regex(/^[A-Z0-9]{2,32}$/, 'upper-case letters and digits')
  .describe('e.g. BTCUSDT');
