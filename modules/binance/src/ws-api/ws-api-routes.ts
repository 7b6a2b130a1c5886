// GET /ws-api/v3 (WebSocket upgrade): Binance's WebSocket API. Public at the upgrade: requests
// authenticate themselves (signature or session.logon), never with the caller's cookies, so no
// origin check is needed. `returnRateLimits=false` in the URL drops rateLimits from the answers.
import type { ApiApp } from '@tradeloom/kernel';
import { z } from 'zod';
import { WsApiSession, type WsApiSessionDeps } from './ws-api-session.js';

export const WS_API_PATH = '/ws-api/v3';

const connectQuery = z.object({ returnRateLimits: z.enum(['true', 'false']).optional() });

const HEARTBEAT_MS = 20_000;

export function registerWsApiRoute(app: ApiApp, deps: WsApiSessionDeps): void {
  app.get(
    WS_API_PATH,
    {
      websocket: true,
      config: { permission: 'public' },
      schema: {
        summary: "Binance's WebSocket API (requests {id, method, params})",
        tags: ['binance: websocket api'],
        hide: true,
      },
    },
    (socket, request) => {
      const query = connectQuery.safeParse(request.query);
      const returnRateLimits = !(query.success && query.data.returnRateLimits === 'false');
      const session = new WsApiSession(deps, socket, request.ip, returnRateLimits);
      let alive = true;
      socket.on('pong', () => {
        alive = true;
      });
      // Binance pings every 20 s and drops a connection that does not answer.
      const heartbeat = setInterval(() => {
        if (!alive) {
          session.close();
          socket.terminate();
          return;
        }
        alive = false;
        if (socket.readyState === 1) socket.ping();
      }, HEARTBEAT_MS);
      heartbeat.unref();
      socket.on('message', (data, isBinary) => {
        session.receive(isBinary ? '' : String(data));
      });
      const end = () => {
        clearInterval(heartbeat);
        session.close();
      };
      socket.on('close', end);
      socket.on('error', end);
    },
  );
}
