import type { Config } from '@tradeloom/config';
import { DomainError, defineErrorCodes } from '@tradeloom/kernel';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

defineErrorCodes({ WS_ORIGIN_NOT_ALLOWED: 403 });

/** Where the live channel is served. */
export const websocketPath = '/api/v1/ws';

/** Frames larger than this are refused (the protocol's messages are small JSON objects). */
export const websocketPayloadMaxBytes = 64 * 1024;

const heartbeatMs = 30_000;

const clientMessageSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('ping'), id: z.string().max(64).optional() }),
]);

/**
 * The live channel of the portal (later issues add market data, orders, balances and notifications
 * as topics): hello with who is connected, ping/pong, heartbeats. A cookie-authenticated upgrade must
 * come from an allowed origin, or any web page could open a socket as its visitor (CSWSH).
 */
export function registerWebsocketRoute(app: FastifyInstance, config: Config): void {
  const allowedOrigins = new Set([new URL(config.publicUrl).origin, ...config.corsOrigins]);
  app.get(
    websocketPath,
    {
      websocket: true,
      config: { permission: 'public' },
      schema: { summary: 'Live channel (WebSocket upgrade)', tags: ['system'], hide: true },
      preHandler: async (request) => {
        const origin = request.headers.origin;
        if (request.principal?.method === 'session' && origin !== undefined && !allowedOrigins.has(origin)) {
          throw new DomainError('WS_ORIGIN_NOT_ALLOWED', 'This origin may not open a signed-in socket');
        }
      },
    },
    (socket, request) => {
      const send = (message: object) => socket.send(JSON.stringify(message));
      send({
        type: 'hello',
        serverTime: Date.now(),
        userId: request.principal?.userId ?? null,
      });
      let alive = true;
      socket.on('pong', () => {
        alive = true;
      });
      const heartbeat = setInterval(() => {
        if (!alive) {
          socket.terminate();
          return;
        }
        alive = false;
        socket.ping();
      }, heartbeatMs);
      socket.on('close', () => clearInterval(heartbeat));
      socket.on('message', (data, isBinary) => {
        let parsed: unknown;
        try {
          parsed = isBinary ? undefined : JSON.parse(String(data));
        } catch {
          parsed = undefined;
        }
        const message = clientMessageSchema.safeParse(parsed);
        if (!message.success) {
          send({
            type: 'error',
            code: 'WS_BAD_MESSAGE',
            message: 'Expected a JSON message such as {"op":"ping"}',
          });
          return;
        }
        send({ type: 'pong', id: message.data.id ?? null, serverTime: Date.now() });
      });
    },
  );
}
