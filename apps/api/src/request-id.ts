import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The header a request id arrives in and is echoed back in. */
export const requestIdHeader = 'x-request-id';

const requestIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

/** Whether a client-supplied request id is safe to adopt (and to write into logs and headers). */
export function isValidRequestId(value: string): boolean {
  return requestIdPattern.test(value);
}

/**
 * The id of a request: the caller's `x-request-id` when it is well-formed (so one id follows a call
 * through a load balancer and several services), otherwise a fresh UUID.
 */
export function requestIdOf(request: IncomingMessage): string {
  const incoming = request.headers[requestIdHeader];
  return typeof incoming === 'string' && isValidRequestId(incoming) ? incoming : randomUUID();
}
