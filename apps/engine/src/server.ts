// Serves an EngineHost over a local socket (unix path or TCP port on loopback) with the framed
// protocol in protocol.ts. Results go back when durable, in sequence order per connection.
import { createServer, type Server, type Socket } from 'node:net';
import type { CommandResult } from '@tradeloom/engine';
import { decodeCommand, stateHash } from '@tradeloom/engine';
import type { EngineHost } from './engine-host.js';
import { type Frame, FrameKind, FrameReader, frame, type Query } from './protocol.js';
import { runQuery } from './queries.js';

/** Start serving; resolves once listening. `address` is a socket path or a TCP port. */
export async function serveEngine(host: EngineHost, address: string | number): Promise<Server> {
  const server = createServer((socket) => handleConnection(host, socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (typeof address === 'number') server.listen(address, '127.0.0.1', resolve);
    else server.listen(address, resolve);
  });
  return server;
}

function handleConnection(host: EngineHost, socket: Socket): void {
  socket.setNoDelay(true);
  const reader = new FrameReader();
  socket.on('data', (chunk: Buffer) => {
    let frames: Frame[];
    try {
      frames = reader.push(chunk);
    } catch (error) {
      socket.destroy(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    for (const f of frames) handleFrame(host, socket, f);
  });
  socket.on('error', () => socket.destroy());
}

function handleFrame(host: EngineHost, socket: Socket, f: Frame): void {
  const reply = (kind: number, body: unknown) => {
    if (!socket.destroyed) socket.write(frame(kind, f.requestId, Buffer.from(JSON.stringify(body), 'utf8')));
  };
  if (f.kind === FrameKind.COMMAND) {
    let command: ReturnType<typeof decodeCommand>;
    try {
      command = decodeCommand(f.payload);
    } catch (error) {
      reply(FrameKind.ERROR, { message: `undecodable command: ${String(error)}` });
      return;
    }
    host.submitWith(command, (result: CommandResult) => reply(FrameKind.RESULT, result));
    return;
  }
  if (f.kind === FrameKind.QUERY) {
    try {
      const query = JSON.parse(f.payload.toString('utf8')) as Query;
      reply(
        FrameKind.QUERY_RESULT,
        query.query === 'stateHash' ? { hash: stateHash(host.engine) } : runQuery(host, query),
      );
    } catch (error) {
      reply(FrameKind.ERROR, { message: String(error) });
    }
    return;
  }
  reply(FrameKind.ERROR, { message: `unknown frame kind ${f.kind}` });
}
