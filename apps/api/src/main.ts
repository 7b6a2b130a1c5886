// The API process: load the configuration, open the database (migrated) and the engine, serve HTTP,
// and shut down cleanly on SIGTERM/SIGINT.
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@tradeloom/config';
import { migrate, openDatabase } from '@tradeloom/db';
import { EngineHost } from '@tradeloom/engine-app';
import { buildApp } from './build-app.js';

const shutdownGraceMs = 10_000;

function loadConfigOrExit() {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\nSee docs/configuration.md.\n`);
    process.exit(1);
  }
}

const config = loadConfigOrExit();

// Embedded: PGlite under DATA_DIR/db. Server: the PostgreSQL server at DATABASE_URL.
const database = await openDatabase(
  config.mode === 'server' ? { url: config.databaseUrl } : { dataDir: join(config.dataDir, 'db') },
);
await migrate(database);

// The engine runs in this process in both modes for now. In server mode it is meant to become its own
// process (apps/engine) reached over its socket protocol; REDIS_URL is validated but not used yet.
const engine = await EngineHost.open({ dataDir: config.dataDir });

const app = await buildApp({ config, database, engine });
const address = await app.listen({ port: config.port, host: config.host });
const shown =
  config.host === '0.0.0.0' || config.host === '::'
    ? address.replace(/\/\/[^:/]+|\/\/\[[^\]]+\]/, '//localhost')
    : address;
app.log.info(
  { mode: config.mode, address, engineSeq: engine.durableSeq, recovery: engine.recovery },
  'tradeloom api listening',
);
process.stdout.write(
  `Tradeloom API (${config.mode} mode) on ${shown}\n  docs:    ${shown}/api/v1/docs\n  health:  ${shown}/healthz\n`,
);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  // A stuck close must not keep the process alive forever; a supervisor restarts it anyway.
  const force = setTimeout(() => {
    app.log.error('shutdown timed out; exiting');
    process.exit(1);
  }, shutdownGraceMs);
  force.unref();
  try {
    // Stop accepting, let in-flight requests finish; then the engine (acknowledges what is pending),
    // then the database the requests used.
    await app.close();
    await engine.close();
    await database.close();
    process.exit(0);
  } catch (error) {
    app.log.error({ err: error }, 'shutdown failed');
    process.exit(1);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
