// Proves that after SIGKILL at a random moment every seq the child reported durable is present and intact on reopen.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Journal } from './journal.js';
import { makeTempDir, payloadFor, removeTempDir } from './test-fixtures/records.js';

const FIXTURE = fileURLToPath(new URL('./test-fixtures/append-loop.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CRASH_COUNT = 5;
// Random 50..300 ms per run; printed in failure messages so a failing run can be replayed.
const KILL_DELAYS_MS = Array.from({ length: CRASH_COUNT }, () => 50 + Math.floor(Math.random() * 251));
const SEGMENT_BYTES_MAX = 256 * 1024;

let dir = '';
beforeAll(async () => {
  dir = await makeTempDir();
});
afterAll(async () => {
  await removeTempDir(dir);
});

// Runs the child until `killAfterMs` past its first durable report, then SIGKILLs it; returns the reported seqs.
function runAndKill(killAfterMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dir, String(SEGMENT_BYTES_MAX)], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const reported: number[] = [];
    let partial = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) reported.push(Number(line));
      if (timer === undefined && reported.length > 0) {
        timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (timer !== undefined) clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`child exited on its own (signal ${signal}): ${stderr}`));
      else resolve(reported);
    });
  });
}

describe('crash safety', () => {
  it('keeps every reported durable seq across 5 SIGKILLs', async () => {
    let previousLast = 0;
    for (const delayMs of KILL_DELAYS_MS) {
      const context = `kill delays ${KILL_DELAYS_MS.join(',')} ms, this run ${delayMs} ms`;
      const reported = await runAndKill(delayMs);
      expect(reported.length, context).toBeGreaterThan(0);
      for (let i = 1; i < reported.length; i++) expect(reported[i]!).toBeGreaterThan(reported[i - 1]!);
      expect(reported[0]!).toBeGreaterThan(previousLast);

      const journal = await Journal.open({ dir, segmentBytesMax: SEGMENT_BYTES_MAX });
      const maxReported = reported.at(-1)!;
      expect(journal.lastSeq, context).toBeGreaterThanOrEqual(maxReported);
      const wanted = new Set(reported);
      let seq = 0;
      let found = 0;
      for (const record of journal.readFrom(1)) {
        seq++;
        if (record.seq !== seq) throw new Error(`expected seq ${seq}, read ${record.seq} (${context})`);
        if (!Buffer.from(payloadFor(seq)).equals(record.payload)) {
          throw new Error(`record ${seq} payload differs after crash (${context})`);
        }
        if (wanted.has(seq)) found++;
      }
      expect(seq).toBe(journal.lastSeq);
      expect(found, context).toBe(wanted.size);
      previousLast = journal.lastSeq;
      await journal.close();
    }
  });
});
