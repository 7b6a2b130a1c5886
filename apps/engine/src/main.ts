// The engine as a process: recover, then serve commands on ENGINE_SOCKET (a path) or ENGINE_PORT.
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EngineHost } from './engine-host.js';
import { serveEngine } from './server.js';

const dataDir = resolve(process.env.DATA_DIR ?? './data');
const port = process.env.ENGINE_PORT ? Number(process.env.ENGINE_PORT) : undefined;
const socketPath = process.env.ENGINE_SOCKET ?? join(dataDir, 'engine.sock');
const fsync = process.env.ENGINE_FSYNC !== 'off';
const snapshotEvery = Number(process.env.ENGINE_SNAPSHOT_EVERY ?? 100_000);

const host = await EngineHost.open({ dataDir, fsync, snapshotEvery });
if (port === undefined) rmSync(socketPath, { force: true });
const server = await serveEngine(host, port ?? socketPath);
// One line on stdout that supervisors and tests wait for.
process.stdout.write(
  `${JSON.stringify({ ready: true, address: port ?? socketPath, recovery: host.recovery, pid: process.pid })}\n`,
);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  server.close();
  await host.close();
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
