// The API process (`npm start` runs it in embedded mode): load the configuration, start the platform
// (database, engine, modules, demo seed), print where everything is, and stop cleanly on SIGTERM/SIGINT.
import { mkdir } from 'node:fs/promises';
import { ConfigError, loadConfig } from '@tradeloom/config';
import { isPortalBuilt, startPortal } from '@tradeloom/portal';
import { acquireEmbeddedLock } from './platform/embedded-lock.js';
import type { DemoAccount } from './platform/seed-demo.js';
import { startPlatform } from './platform/start-platform.js';

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
await mkdir(config.dataDir, { recursive: true });
const releaseLock = config.mode === 'embedded' ? await acquireEmbeddedLock(config.dataDir, 'api') : null;
const running = await startPlatform({
  config,
  seedDemo: config.demoSeed,
  // Embedded: this is the only process, so it delivers mail too. Server: apps/worker does.
  runWorkers: config.mode === 'embedded',
});
const shown =
  config.host === '0.0.0.0' || config.host === '::'
    ? running.address.replace(/\/\/[^:/]+|\/\/\[[^\]]+\]/, '//localhost')
    : running.address;
running.app.log.info({ mode: config.mode, address: running.address }, 'tradeloom api listening');
// Embedded mode serves the portal too (a `next start` child process forwarding /api/* here); in
// server mode it runs as its own process (docs/portal.md).
const portal =
  config.mode === 'embedded' && isPortalBuilt()
    ? await startPortal({
        apiOrigin: running.address,
        port: config.portalPort,
        host: config.host,
        log: (line) => running.app.log.debug({ portal: line }, 'portal'),
      }).catch((error: unknown) => {
        running.app.log.error({ err: error }, 'the portal did not start');
        return null;
      })
    : null;
process.stdout.write(banner(shown, running.demo));

function banner(url: string, demo: DemoAccount[] | null): string {
  const lines = [
    '',
    `Tradeloom (${config.mode} mode) is running.`,
    `  API:          ${url}/api/v1`,
    `  API docs:     ${url}/api/v1/docs`,
    `  health:       ${url}/healthz`,
    `  portal:       ${portal?.url ?? `not started (${config.mode === 'embedded' ? 'npm run build first' : 'server mode: see docs/portal.md'})`}`,
    `  admin:        http://localhost:${config.adminPort}  (not built yet)`,
    `  data:         ${config.dataDir}`,
  ];
  if (running.platform.mail.holdsMail) {
    lines.push('  mail:         no SMTP_URL: mails are kept in the outbox (GET /api/v1/admin/mail/outbox)');
  }
  if (demo !== null) {
    lines.push('', 'Demo accounts (also in DATA_DIR/demo-credentials.json):');
    for (const account of demo)
      lines.push(`  ${account.role.padEnd(11)} ${account.email.padEnd(26)} ${account.password}`);
    lines.push('  markets BTCUSDT and ETHUSDT with a ladder of orders; both traders are funded.');
  }
  lines.push('', 'Ctrl-C to stop.', '');
  return lines.join('\n');
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  running.app.log.info({ signal }, 'shutting down');
  // A stuck close must not keep the process alive forever; a supervisor restarts it anyway.
  const force = setTimeout(() => {
    running.app.log.error('shutdown timed out; exiting');
    process.exit(1);
  }, shutdownGraceMs);
  force.unref();
  try {
    // The portal and the HTTP server first (in-flight requests finish), then the engine, the modules,
    // the database.
    await portal?.stop();
    await running.stop();
    await releaseLock?.();
    process.exit(0);
  } catch (error) {
    running.app.log.error({ err: error }, 'shutdown failed');
    process.exit(1);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
