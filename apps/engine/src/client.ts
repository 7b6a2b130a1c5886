// Client of the engine process: pipelines commands over one socket and resolves each when the
// engine acknowledges it (that is, once it is durable).
import { connect, type Socket } from 'node:net';
import type { Command, CommandResult } from '@tradeloom/engine';
import { encodeCommand } from '@tradeloom/engine';
import { FrameKind, FrameReader, frame, type Query } from './protocol.js';

interface Waiter {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export class EngineClient {
  private nextId = 1;
  private readonly waiting = new Map<number, Waiter>();
  private readonly reader = new FrameReader();
  private closedError: Error | null = null;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      for (const f of this.reader.push(chunk)) {
        const waiter = this.waiting.get(f.requestId);
        if (waiter === undefined) continue;
        this.waiting.delete(f.requestId);
        const body = JSON.parse(f.payload.toString('utf8')) as { message?: string };
        if (f.kind === FrameKind.ERROR) waiter.reject(new Error(body.message ?? 'engine error'));
        else waiter.resolve(body);
      }
    });
    const fail = (error: Error) => {
      this.closedError = error;
      for (const w of this.waiting.values()) w.reject(error);
      this.waiting.clear();
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('engine connection closed')));
  }

  /** Connect to an engine at a socket path or a loopback TCP port. */
  static connect(address: string | number): Promise<EngineClient> {
    return new Promise((resolve, reject) => {
      const socket = typeof address === 'number' ? connect(address, '127.0.0.1') : connect(address);
      socket.once('connect', () => resolve(new EngineClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Send a command; resolves with its result once the engine has it on disk. */
  submit(command: Command): Promise<CommandResult> {
    return this.request(FrameKind.COMMAND, encodeCommand(command)) as Promise<CommandResult>;
  }

  query<T = unknown>(query: Query): Promise<T> {
    return this.request(FrameKind.QUERY, Buffer.from(JSON.stringify(query), 'utf8')) as Promise<T>;
  }

  private request(kind: number, payload: Uint8Array): Promise<unknown> {
    if (this.closedError !== null) return Promise.reject(this.closedError);
    const id = this.nextId;
    this.nextId = id === 0xffffffff ? 1 : id + 1;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.socket.write(frame(kind, id, payload));
    });
  }

  close(): void {
    this.socket.end();
  }
}
