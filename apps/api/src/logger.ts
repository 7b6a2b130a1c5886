import pino, { type DestinationStream, type Logger } from 'pino';

/** Field names whose values never reach a log line, at any depth up to `redactDepthMax`. */
export const redactedKeys = [
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'currentPassword',
  'newPassword',
  'secret',
  'apiSecret',
  'clientSecret',
  'token',
  'accessToken',
  'refreshToken',
  'apiKey',
  'x-mbx-apikey',
  'x-csrf-token',
  'csrfToken',
  'pendingToken',
  'twoFactorCode',
  'recoveryCodes',
  'signature',
] as const;

const redactDepthMax = 5;
const sensitiveQueryKey = /password|secret|token|apikey|signature/i;

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const key of redactedKeys) {
    const plain = /^[A-Za-z_$][\w$]*$/.test(key);
    for (let depth = 0; depth <= redactDepthMax; depth++) {
      const parents = Array.from({ length: depth }, () => '*').join('.');
      if (plain) paths.push(depth === 0 ? key : `${parents}.${key}`);
      else paths.push(`${parents}["${key}"]`);
    }
  }
  return paths;
}

/** A URL with the values of sensitive query parameters (`?token=…`) replaced. */
export function maskUrl(url: string): string {
  const queryAt = url.indexOf('?');
  if (queryAt === -1) return url;
  const params = new URLSearchParams(url.slice(queryAt + 1));
  let masked = false;
  for (const key of new Set(params.keys())) {
    if (sensitiveQueryKey.test(key)) {
      params.set(key, '[REDACTED]');
      masked = true;
    }
  }
  return masked ? `${url.slice(0, queryAt)}?${params.toString()}` : url;
}

interface LoggedRequest {
  method?: string;
  url?: string;
  ip?: string;
}

/** The API's pino logger: JSON lines, secrets redacted by key, request URLs masked. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: { paths: redactPaths(), censor: '[REDACTED]' },
    serializers: {
      // Replaces Fastify's request serializer: the same fields, with sensitive query values masked.
      req: (request: LoggedRequest) => ({
        method: request.method,
        url: request.url === undefined ? undefined : maskUrl(request.url),
        remoteAddress: request.ip,
      }),
    },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
