import type { FastifyInstance } from 'fastify';

/**
 * Parses JSON (Fastify's own parser, prototype poisoning refused) and form bodies, keeping each
 * body's text as received in `request.rawBody`: a signed request is verified over the exact bytes
 * sent, which a re-serialized parsed body would not reproduce.
 */
export function registerRawBodyParsers(app: FastifyInstance): void {
  app.decorateRequest('rawBody', null);
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    request.rawBody = String(body);
    parseJson(request, String(body), done);
  });
  // Binance-style clients send parameters as application/x-www-form-urlencoded.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (request, body, done) => {
      request.rawBody = String(body);
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    },
  );
}
