// Proves the live channel: anonymous and signed-in hellos, ping/pong, bad messages answered, and a
// signed-in upgrade from a foreign origin refused (cross-site WebSocket hijacking).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningPlatform, startPlatform } from '@tradeloom/api';
import { loadConfig } from '@tradeloom/config';
import { createSignedInUser, type SignedInUser } from '@tradeloom/identity/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

interface Opened {
  socket: WebSocket;
  next(): Promise<Record<string, unknown>>;
}

function open(url: string, headers: Record<string, string> = {}): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    const queue: Record<string, unknown>[] = [];
    const waiting: ((message: Record<string, unknown>) => void)[] = [];
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as Record<string, unknown>;
      const waiter = waiting.shift();
      if (waiter === undefined) queue.push(message);
      else waiter(message);
    });
    socket.once('open', () =>
      resolve({
        socket,
        next: () => {
          const queued = queue.shift();
          return queued !== undefined ? Promise.resolve(queued) : new Promise((r) => waiting.push(r));
        },
      }),
    );
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`status ${response.statusCode}`)),
    );
    socket.once('error', reject);
  });
}

describe('WebSocket live channel', () => {
  let dir: string;
  let running: RunningPlatform;
  let user: SignedInUser;
  let wsUrl: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tl-ws-'));
    running = await startPlatform({
      config: loadConfig({
        DATA_DIR: dir,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        PUBLIC_URL: 'https://exchange.example.com',
      }),
    });
    user = await createSignedInUser({ url: running.address }, running.platform.identity);
    wsUrl = `${running.address.replace('http', 'ws')}/api/v1/ws`;
  });
  afterAll(async () => {
    await running?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('greets an anonymous client and answers pings and bad messages', async () => {
    const client = await open(wsUrl);
    expect(await client.next()).toMatchObject({
      type: 'hello',
      userId: null,
      serverTime: expect.any(Number),
    });
    client.socket.send(JSON.stringify({ op: 'ping', id: 'a1' }));
    expect(await client.next()).toMatchObject({ type: 'pong', id: 'a1' });
    client.socket.send('not json');
    expect(await client.next()).toMatchObject({ type: 'error', code: 'WS_BAD_MESSAGE' });
    client.socket.close();
  });

  it('knows a signed-in user connecting from the platform origin', async () => {
    const client = await open(wsUrl, { cookie: user.cookie, origin: 'https://exchange.example.com' });
    expect(await client.next()).toMatchObject({ type: 'hello', userId: user.userId });
    client.socket.close();
  });

  it('refuses a signed-in upgrade from another origin', async () => {
    await expect(open(wsUrl, { cookie: user.cookie, origin: 'https://evil.example' })).rejects.toThrow(
      'status 403',
    );
  });
});
