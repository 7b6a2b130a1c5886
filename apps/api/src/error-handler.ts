import { DomainError, type ErrorBody, errorStatusOf, type PlatformErrorCode } from '@tradeloom/kernel';
import type { FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

/** Fastify's own request errors that a client caused, and what we answer for each. */
const fastifyErrors: Readonly<Record<string, { code: PlatformErrorCode; message: string }>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'INVALID_JSON', message: 'The request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'INVALID_JSON',
    message: 'The request body is empty but content-type is application/json',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'The request content-type is not supported',
  },
};

/** A validation issue as answered: where, which field, what is wrong (never the value sent). */
export interface ValidationIssue {
  location: string;
  path: string;
  code: string;
  message: string;
}

function fieldOf(error: unknown, name: string): unknown {
  return typeof error === 'object' && error !== null && name in error
    ? (error as Record<string, unknown>)[name]
    : undefined;
}

/** The response for any thrown value: its status and `{ code, message, details? }` body. */
export function errorResponseOf(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof DomainError) return { status: error.status, body: error.toBody() };
  if (hasZodFastifySchemaValidationErrors(error)) {
    const location = String(fieldOf(error, 'validationContext') ?? 'request');
    const issues: ValidationIssue[] = error.validation.map((issue) => ({
      location,
      path: issue.instancePath.replace(/^\//, '').replaceAll('/', '.'),
      code: issue.keyword,
      message: issue.message ?? 'invalid',
    }));
    return {
      status: 400,
      body: { code: 'VALIDATION_FAILED', message: `Invalid request ${location}`, details: { issues } },
    };
  }
  const fastifyCode = fieldOf(error, 'code');
  const known = typeof fastifyCode === 'string' ? fastifyErrors[fastifyCode] : undefined;
  if (known !== undefined) return { status: errorStatusOf(known.code) ?? 400, body: { ...known } };
  // Any other client error Fastify raises (4xx): answered generically, its text may echo input.
  const statusCode = fieldOf(error, 'statusCode');
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return { status: statusCode, body: { code: 'BAD_REQUEST', message: 'The request is not valid' } };
  }
  return { status: 500, body: { code: 'INTERNAL', message: 'Internal server error' } };
}

/** One error shape everywhere: thrown errors, validation failures, unknown routes. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    const { status, body } = errorResponseOf(error);
    if (error instanceof DomainError && error.headers !== undefined) reply.headers(error.headers);
    // Unexpected errors are logged in full and answered without their text, which may hold internals.
    if (status >= 500) request.log.error({ err: error }, 'request failed unexpectedly');
    else request.log.info({ code: body.code }, 'request rejected');
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = {
      code: 'NOT_FOUND',
      message: `No route ${request.method} ${request.url.split('?')[0]}`,
    };
    return reply.status(404).send(body);
  });
}
