// A child process as embedded mode runs the engine: PGlite under DATA_DIR/db, the engine with its
// projector in the same process. It pumps the wallet command stream and prints each acknowledged
// command's seq, until it is killed.
import { join } from 'node:path';
import { defaultMigrationsDir, migrate, openDatabase } from '@tradeloom/db';
import { openProjectedEngine } from '@tradeloom/engine-app';
import { projectionMigrationsDir } from '@tradeloom/projection';
import { walletStream } from './wallet-command-stream.js';

const dataDir = process.env.DATA_DIR ?? '';
const round = Number(process.env.ROUND ?? '0');
const database = await openDatabase({ dataDir: join(dataDir, 'db') });
await migrate(database, {
  sources: [{ dir: defaultMigrationsDir }, { module: 'projection', dir: projectionMigrationsDir }],
});
const projected = await openProjectedEngine(database, { dataDir, snapshotEvery: 300 });
process.stdout.write('ready\n');
const stream = walletStream(900 + round, round * 1_000_000);
let inFlight = 0;
const pump = () => {
  while (inFlight < 32) {
    const command = stream.next().value;
    if (command === undefined) return;
    inFlight++;
    void projected.host.submit(command).then((result) => {
      inFlight--;
      process.stdout.write(`ack ${result.commandSeq}\n`);
      pump();
    });
  }
};
pump();
