import { type Authenticator, DomainError } from '@tradeloom/kernel';
import './errors.js';
import type { ApiKeysService } from './service.js';

const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Recognises Binance-style signed requests (X-MBX-APIKEY). Public routes ignore the header (client
 * libraries send it everywhere, and Binance answers public endpoints anonymously); elsewhere the
 * request must be signed, and a bad signature is refused, never treated as anonymous.
 */
export function createSignedRequestAuthenticator(service: ApiKeysService): Authenticator {
  return async (request) => {
    const header = request.headers['x-mbx-apikey'];
    if (header === undefined || request.routeOptions.config.permission === 'public') return null;
    if (typeof header !== 'string') {
      throw new DomainError('API_KEY_INVALID', 'Send exactly one X-MBX-APIKEY header');
    }
    const queryAt = request.url.indexOf('?');
    const queryString = queryAt === -1 ? '' : request.url.slice(queryAt + 1);
    // Fastify does not read GET/HEAD bodies: the handler never sees one, so it is not signed either.
    const bodyless = BODYLESS.has(request.method);
    const body = bodyless ? '' : request.rawBody;
    if (body === null && hasBody(request.headers)) {
      throw new DomainError(
        'API_KEY_SIGNATURE_INVALID',
        'The body of a signed request must be application/x-www-form-urlencoded or application/json',
      );
    }
    const contentType = request.headers['content-type'] ?? '';
    const found = await service.authenticateSignedRequest({
      apiKey: header,
      ip: request.ip,
      target: `${request.method} ${queryAt === -1 ? request.url : request.url.slice(0, queryAt)}`,
      queryString,
      body: body ?? '',
      bodyIsForm: !bodyless && /^application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType),
    });
    return { userId: found.userId, method: 'apiKey', apiKeyId: found.apiKeyId, scopes: found.scopes };
  };
}

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
