// Appends 2,000,000 records of 48 bytes with fsync on and reports throughput and group-commit figures.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Journal } from '../src/index.js';

const RECORD_COUNT = 2_000_000;
const PAYLOAD_BYTES = 48;
/** Records appended per event-loop turn, like an engine draining its input queue between I/O callbacks. */
const RECORDS_PER_TURN = Number(process.env.RECORDS_PER_TURN ?? 2_000);
const GROUP_COMMIT_MAX_DELAY_MS = Number(process.env.GROUP_COMMIT_MAX_DELAY_MS ?? 1);
const BATCH_BYTES_MAX = Number(process.env.BATCH_BYTES_MAX ?? 64 * 1024 * 1024);

async function main(): Promise<void> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'tl-journal-bench-'));
  try {
    const journal = await Journal.open({
      dir,
      fsync: true,
      groupCommitMaxDelayMs: GROUP_COMMIT_MAX_DELAY_MS,
      batchBytesMax: BATCH_BYTES_MAX,
    });
    const payload = new Uint8Array(PAYLOAD_BYTES);
    let pendingMax = 0;
    let backpressureWaits = 0;
    const started = performance.now();
    let appended = 0;
    while (appended < RECORD_COUNT) {
      const turnEnd = Math.min(RECORD_COUNT, appended + RECORDS_PER_TURN);
      for (; appended < turnEnd && journal.writable; appended++) {
        payload[0] = appended & 0xff;
        journal.append(payload);
      }
      pendingMax = Math.max(pendingMax, journal.lastSeq - journal.durableSeq);
      await new Promise<void>((resolve) => setImmediate(resolve));
      // Backpressure as an engine would apply it: stop taking input until a group commit drains the backlog.
      while (!journal.writable) {
        backpressureWaits++;
        await new Promise<void>((resolve) => {
          const off = journal.onDrain(() => {
            off();
            resolve();
          });
        });
      }
    }
    const appendDoneMs = performance.now() - started;
    await journal.flush();
    const elapsedMs = performance.now() - started;
    const stats = journal.stats;
    await journal.close();

    const seconds = elapsedMs / 1000;
    const recordBytes = PAYLOAD_BYTES + 16;
    console.log(
      `records:            ${RECORD_COUNT} x ${PAYLOAD_BYTES} B payload (${recordBytes} B on disk)`,
    );
    console.log(`dir:                ${dir} (fsync on)`);
    console.log(
      `settings:           ${RECORDS_PER_TURN} appends/turn, groupCommitMaxDelayMs ${GROUP_COMMIT_MAX_DELAY_MS}, batchBytesMax ${BATCH_BYTES_MAX}`,
    );
    console.log(
      `elapsed:            ${elapsedMs.toFixed(0)} ms (appends done at ${appendDoneMs.toFixed(0)} ms)`,
    );
    console.log(`records/s durable:  ${Math.round(RECORD_COUNT / seconds).toLocaleString('en-US')}`);
    console.log(`MB/s written:       ${(stats.bytesWritten / 1e6 / seconds).toFixed(1)}`);
    console.log(`group commits:      ${stats.flushCount}`);
    console.log(`fsync count:        ${stats.fsyncCount}`);
    console.log(`mean batch size:    ${Math.round(RECORD_COUNT / stats.flushCount)} records`);
    console.log(`max non-durable:    ${pendingMax} records`);
    console.log(`backpressure waits: ${backpressureWaits}`);
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

await main();
