// POST/PUT/DELETE /api/v3/userDataStream. Binance's USER_STREAM security: the X-MBX-APIKEY header
// alone, no signature (client libraries send none), so the key is looked up here.
import type { Database } from '@tradeloom/db';
import type { Clock } from '@tradeloom/kernel';
import type { FastifyRequest } from 'fastify';
import { BinanceError, msg } from '../support/binance-error.js';
import type { BinanceRoute } from '../support/binance-routes.js';
import type { ListenKeyService } from './listen-keys.js';

const tag = 'binance: user data stream';
const LISTEN_KEY = /^[A-Za-z0-9]{60}$/;

/**
 * The user of the request's API key: a key that works (not revoked, not expired) from this IP. An
 * allow-list is matched by exact address here (CIDR entries refuse): only signed requests get the
 * api-keys module's full check.
 */
async function keyOwner(database: Database, clock: Clock, request: FastifyRequest): Promise<string> {
  if (request.principal !== null) return request.principal.userId;
  const header = request.headers['x-mbx-apikey'];
  if (typeof header !== 'string' || !/^[A-Za-z0-9]{64}$/.test(header)) {
    throw new BinanceError(-2014, msg.keyFormat, 401);
  }
  const { rows } = await database.query(
    `SELECT user_id, ip_allow_list FROM api_keys
     WHERE api_key = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)`,
    [header, new Date(clock.nowMs()).toISOString()],
  );
  const row = rows[0];
  const allowList = (row?.ip_allow_list ?? []) as string[];
  if (row === undefined || (allowList.length > 0 && !allowList.includes(request.ip))) {
    throw new BinanceError(-2015, msg.keyRejected, 401);
  }
  return String(row.user_id);
}

export function userDataStreamRoutes(
  database: Database,
  clock: Clock,
  listenKeys: ListenKeyService,
): BinanceRoute[] {
  const listenKeyOf = (value: string | undefined): string => {
    if (value === undefined) throw new BinanceError(-1102, msg.mandatory('listenKey'));
    if (!LISTEN_KEY.test(value)) throw new BinanceError(-1125, 'This listenKey does not exist.');
    return value;
  };
  return [
    {
      method: 'POST',
      url: '/userDataStream',
      security: 'USER_STREAM',
      weight: 2,
      tag,
      summary: 'Start a user data stream',
      description:
        "Answers { listenKey }: the user's live key (extended by 60 minutes) or a new one. X-MBX-APIKEY only.",
      handler: async (_params, request) => ({
        listenKey: await listenKeys.create(await keyOwner(database, clock, request)),
      }),
    },
    {
      method: 'PUT',
      url: '/userDataStream',
      security: 'USER_STREAM',
      weight: 2,
      tag,
      summary: 'Keep a user data stream alive (60 more minutes)',
      description: 'Parameters: listenKey.',
      handler: async (params, request) => {
        const key = listenKeyOf(params.string('listenKey'));
        await listenKeys.keepAlive(await keyOwner(database, clock, request), key);
        return {};
      },
    },
    {
      method: 'DELETE',
      url: '/userDataStream',
      security: 'USER_STREAM',
      weight: 2,
      tag,
      summary: 'Close a user data stream',
      description: 'Parameters: listenKey.',
      handler: async (params, request) => {
        const key = listenKeyOf(params.string('listenKey'));
        await listenKeys.close(await keyOwner(database, clock, request), key);
        return {};
      },
    },
  ];
}
