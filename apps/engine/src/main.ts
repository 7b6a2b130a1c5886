// The engine as a process: recover, then serve commands on ENGINE_SOCKET (a path) or ENGINE_PORT.
// With DATABASE_URL it also runs the projector into that database (the platform's server mode).
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultMigrationsDir, migrate, openDatabase } from '@tradeloom/db';
import { projectionMigrationsDir } from '@tradeloom/projection';
import { openProjectedEngine } from './attach-projector.js';
import { EngineHost } from './engine-host.js';
import { startMarketDataPublisher } from './market-data-publisher.js';
import { serveEngine } from './server.js';

const dataDir = resolve(process.env.DATA_DIR ?? './data');
const port = process.env.ENGINE_PORT ? Number(process.env.ENGINE_PORT) : undefined;
const socketPath = process.env.ENGINE_SOCKET ?? join(dataDir, 'engine.sock');
const fsync = process.env.ENGINE_FSYNC !== 'off';
const snapshotEvery = Number(process.env.ENGINE_SNAPSHOT_EVERY ?? 100_000);
const databaseUrl = process.env.DATABASE_URL;

const hostOptions = { dataDir, fsync, snapshotEvery };
let host: EngineHost;
let close: () => Promise<void>;
let closeDatabase = async () => {};
if (databaseUrl === undefined || databaseUrl === '') {
  host = await EngineHost.open(hostOptions);
  close = () => host.close();
} else {
  const database = await openDatabase({ url: databaseUrl });
  closeDatabase = () => database.close();
  // The projection's own tables; the API migrates the rest (both take the same lock).
  await migrate(database, {
    sources: [{ dir: defaultMigrationsDir }, { module: 'projection', dir: projectionMigrationsDir }],
  });
  const projected = await openProjectedEngine(database, hostOptions, {
    onError: (error) => process.stderr.write(`projector: ${String(error)}\n`),
  });
  host = projected.host;
  close = () => projected.close();
}
// Live market data for the API processes' WebSocket streams (with REDIS_URL).
const stopPublisher = await startMarketDataPublisher(host);
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
  await close();
  await stopPublisher?.();
  await closeDatabase();
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
