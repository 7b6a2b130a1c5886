import type { FastifyRequest } from 'fastify';
import { z } from 'zod';

export { actorOf, errorResponses, isoTime, principalOf } from '@tradeloom/kernel';

/** The client address recorded with audited actions. */
export function ipOf(request: FastifyRequest): string {
  return request.ip;
}

/** A decimal amount in a request: validated against the asset's precision by the service. */
export const amountSchema = z
  .string()
  .max(100)
  .regex(/^\d+(\.\d+)?$/, 'a plain decimal string, e.g. "0.015"')
  .describe('Decimal string at the asset precision, e.g. "0.015"');

/** A decimal amount in a response. */
export const amountOut = z.string().describe('Decimal string at the asset precision');
