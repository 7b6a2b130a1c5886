// Binance's WebSocket market streams: /ws/<name>[/<name>...] (raw payloads), /stream?streams=a/b
// (combined: {"stream","data"}), and the SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS /
// SET_PROPERTY / GET_PROPERTY messages with Binance's replies and error objects.
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { StreamClient, StreamHub } from './stream-hub.js';
import { isAcceptableStreamName } from './stream-names.js';

/** Binance's limits: streams per connection, incoming messages per second. */
export const MAX_STREAMS_PER_CONNECTION = 1024;

export interface StreamRouteOptions {
  /** Incoming messages per second above which the connection is closed (Binance: 5). */
  maxMessagesPerSecond?: number;
}

const METHODS = ['SUBSCRIBE', 'UNSUBSCRIBE', 'LIST_SUBSCRIPTIONS', 'SET_PROPERTY', 'GET_PROPERTY'] as const;

type Reply = Record<string, unknown>;

const error = (code: number, msg: string, id?: unknown): Reply =>
  id === undefined ? { code, msg } : { code, msg, id };

function validId(id: unknown): boolean {
  return (
    id === null ||
    (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) ||
    (typeof id === 'string' && id.length <= 64)
  );
}

/** The answer to one control message (null: nothing to answer). */
export function answerControlMessage(hub: StreamHub, client: StreamClient, text: string): Reply {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return error(3, 'Invalid JSON: expected value at line 1 column 1');
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return error(3, 'Invalid JSON: expected an object');
  }
  const { method, params, id } = message as Record<string, unknown>;
  if (method === undefined) return error(2, 'Invalid request: missing field `method`');
  if (typeof method !== 'string' || !(METHODS as readonly string[]).includes(method)) {
    return error(
      2,
      `Invalid request: unknown variant \`${String(method)}\`, expected one of \`${METHODS.join('`, `')}\``,
    );
  }
  if (!validId(id)) return error(2, 'Invalid request: request ID must be an unsigned integer');
  if (Object.keys(message).some((key) => key !== 'method' && key !== 'params' && key !== 'id')) {
    return error(2, 'Invalid request: too many parameters', id);
  }
  const list = params === undefined ? [] : params;
  if (!Array.isArray(list)) return error(2, 'Invalid request: params must be an array', id);
  switch (method) {
    case 'SUBSCRIBE':
    case 'UNSUBSCRIBE': {
      if (!list.every(isAcceptableStreamName)) {
        return error(2, 'Invalid request: stream names must be non-empty strings without spaces', id);
      }
      const names = list as string[];
      if (method === 'SUBSCRIBE') {
        const added = names.filter((name) => !client.streams.has(name));
        if (client.streams.size + new Set(added).size > MAX_STREAMS_PER_CONNECTION) {
          return error(2, 'Invalid request: too many streams (at most 1024 per connection)', id);
        }
        hub.subscribe(client, names);
      } else hub.unsubscribe(client, names);
      return { result: null, id };
    }
    case 'LIST_SUBSCRIPTIONS':
      return { result: [...client.streams], id };
    case 'SET_PROPERTY': {
      const [name, value] = list;
      if (typeof name !== 'string') return error(2, 'Invalid request: property name must be a string', id);
      if (name !== 'combined') return error(0, 'Unknown property', id);
      if (typeof value !== 'boolean') return error(1, 'Invalid value type: expected Boolean', id);
      client.combined = value;
      return { result: null, id };
    }
    default: {
      const [name] = list;
      if (typeof name !== 'string') return error(2, 'Invalid request: property name must be a string', id);
      if (name !== 'combined') return error(0, 'Unknown property', id);
      return { result: client.combined, id };
    }
  }
}

const streamQuery = z.object({
  streams: z
    .string()
    .max(64 * 1024)
    .optional(),
});

export function registerStreamRoutes(
  app: FastifyInstance,
  hub: StreamHub,
  options: StreamRouteOptions,
): void {
  const maxPerSecond = options.maxMessagesPerSecond ?? 5;
  const open = (socket: WebSocket, names: string[], combined: boolean) => {
    const client: StreamClient = { socket, combined, streams: new Set(), alive: true };
    hub.addClient(client);
    hub.subscribe(
      client,
      names.filter((name) => isAcceptableStreamName(name)).slice(0, MAX_STREAMS_PER_CONNECTION),
    );
    socket.on('pong', () => {
      client.alive = true;
    });
    let windowStart = Date.now();
    let inWindow = 0;
    socket.on('message', (data, isBinary) => {
      const now = Date.now();
      if (now - windowStart >= 1_000) {
        windowStart = now;
        inWindow = 0;
      }
      if (++inWindow > maxPerSecond) {
        // Binance closes a connection that sends more than its limit of messages per second.
        hub.removeClient(client);
        socket.close(1008, 'Too many messages');
        return;
      }
      const reply = answerControlMessage(hub, client, isBinary ? '' : String(data));
      hub.sendTo(client, JSON.stringify(reply));
    });
    socket.on('close', () => hub.removeClient(client));
    socket.on('error', () => hub.removeClient(client));
  };
  const schema = { tags: ['market-streams'], hide: true };
  // Public market data: no session is read, so no origin check is needed (nothing private flows).
  app.get(
    '/ws',
    { websocket: true, config: { permission: 'public' }, schema: { ...schema, summary: 'Raw streams' } },
    (socket) => open(socket, [], false),
  );
  app.get(
    '/ws/*',
    {
      websocket: true,
      config: { permission: 'public' },
      schema: { ...schema, summary: 'Raw stream: /ws/<streamName>' },
    },
    (socket, request) => {
      const path = (request.params as { '*'?: string })['*'] ?? '';
      open(
        socket,
        path.split('/').filter((name) => name.length > 0),
        false,
      );
    },
  );
  app.get(
    '/stream',
    {
      websocket: true,
      config: { permission: 'public' },
      schema: { ...schema, summary: 'Combined streams: /stream?streams=a/b' },
    },
    (socket, request) => {
      const query = streamQuery.safeParse(request.query);
      const streams = query.success ? (query.data.streams ?? '') : '';
      open(
        socket,
        streams.split('/').filter((name) => name.length > 0),
        true,
      );
    },
  );
}
