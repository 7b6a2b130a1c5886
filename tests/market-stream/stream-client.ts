// A WebSocket client of the market streams for tests and the benchmark: collects what it receives.
import WebSocket from 'ws';

export class StreamClient {
  readonly messages: unknown[] = [];
  private waiters: { test: () => boolean; resolve: () => void }[] = [];
  closed = false;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)));
      this.check();
    });
    ws.on('close', () => {
      this.closed = true;
      this.check();
    });
  }

  static async open(url: string): Promise<StreamClient> {
    const ws = new WebSocket(url);
    const client = new StreamClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Resolves once `test` holds (checked on every message), or rejects after `timeoutMs`. */
  waitFor(test: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      this.waiters.push({
        test,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /** The next message matching `pick` from `from` on. */
  async next<T>(pick: (message: unknown) => boolean, from = 0, timeoutMs = 10_000): Promise<T> {
    let found: unknown;
    await this.waitFor(
      () => {
        found = this.messages.slice(from).find(pick);
        return found !== undefined;
      },
      timeoutMs,
      'a matching message',
    );
    return found as T;
  }

  close(): void {
    this.ws.terminate();
  }

  private check(): void {
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.test()) return true;
      waiter.resolve();
      return false;
    });
  }
}

export function wsUrl(httpUrl: string, path: string): string {
  return httpUrl.replace(/^http/, 'ws') + path;
}
