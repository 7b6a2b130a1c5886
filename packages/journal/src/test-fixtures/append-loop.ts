// Crash-test child: appends payloadFor(seq) forever and prints each durable seq once it is fsynced.
import { Journal } from '../journal.js';
import { payloadFor } from './records.js';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: append-loop.ts <dir> [segmentBytesMax]');
const segmentBytesMax = Number(process.argv[3] ?? 1024 * 1024);
const RECORDS_PER_TURN = 500;

const journal = await Journal.open({ dir, segmentBytesMax });
// stdout to a pipe is synchronous on Linux: once the parent reads a seq, it was durable before it was printed.
journal.onDurable((seq) => process.stdout.write(`${seq}\n`));

function appendTurn(): void {
  // Honour backpressure like the engine must: skip the turn while the backlog is at batchBytesMax.
  for (let i = 0; i < RECORDS_PER_TURN && journal.writable; i++)
    journal.append(payloadFor(journal.lastSeq + 1));
  setImmediate(appendTurn);
}
appendTurn();
