import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { nextBin, PORTAL_DIR } from './portal-dir';

export interface PortalServerOptions {
  /** Where the API answers, e.g. http://127.0.0.1:8080: the portal forwards /api/* there. */
  apiOrigin: string;
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** The build to serve (relative to apps/portal), default .next. */
  distDir?: string;
  /** Lines the server prints (default: dropped). */
  log?: (line: string) => void;
  startTimeoutMs?: number;
}

export interface PortalServer {
  /** http://<host>:<port> */
  url: string;
  port: number;
  stop(): Promise<void>;
}

async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(),
      );
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Serves a production build of the portal with `next start` in a child process (Next's own server,
 * kept out of the API process) and resolves once it answers HTTP.
 */
export async function startPortal(options: PortalServerOptions): Promise<PortalServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port === 0 ? await freePort(host) : options.port;
  const child = spawn(process.execPath, [nextBin(), 'start', '--port', String(port), '--hostname', host], {
    cwd: PORTAL_DIR,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      // A wildcard listen address is no place to connect to.
      TRADELOOM_API_ORIGIN: options.apiOrigin.replace(/\/\/(0\.0\.0\.0|\[::\])(?=[:/]|$)/, '//127.0.0.1'),
      ...(options.distDir === undefined ? {} : { PORTAL_DIST_DIR: options.distDir }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const onData = (chunk: Buffer) => {
    const text = chunk.toString();
    if (output.length < 20_000) output += text;
    for (const line of text.split('\n')) if (line.trim() !== '') options.log?.(line);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const shownHost =
    host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  const probeHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : shownHost;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the portal server exited (${child.exitCode ?? child.signalCode}):\n${output}`);
    }
    try {
      const answer = await fetch(`http://${probeHost}:${port}/robots.txt`, {
        signal: AbortSignal.timeout(2_000),
      });
      await answer.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) {
        await stopChild(child);
        throw new Error(`the portal server did not answer within the timeout:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
  return { url, port, stop: () => stopChild(child) };
}
