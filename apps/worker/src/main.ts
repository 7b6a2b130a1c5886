// The worker process of server mode (`npm run start:worker`): background delivery and jobs.
import { ConfigError, loadConfig } from '@tradeloom/config';
import { runWorker } from './run-worker.js';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\nSee docs/configuration.md.\n`);
  process.exit(1);
}
if (config.mode !== 'server') {
  process.stderr.write(
    'The worker runs in server mode only (set DATABASE_URL and REDIS_URL); embedded mode runs its jobs inside the API process.\n',
  );
  process.exit(1);
}
const worker = await runWorker(config);
process.stdout.write(`${JSON.stringify({ ready: true, role: 'worker', pid: process.pid })}\n`);
const stop = async () => {
  await worker.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
