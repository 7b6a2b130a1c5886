// Our engine behind its journal (EngineHost from apps/engine): every command is encoded, executed,
// appended, and acknowledged only after a group commit's fdatasync. Throughput counts until the
// last command is durable; latency is submit to acknowledgement, which includes waiting for the disk.
// Results are read as the engine's outcome and event records (no result object per command), as a
// binary publisher would; `onDurable` reports each group commit.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EngineHost } from '@tradeloom/engine-app';
import type { ImplFactory } from '../impl.js';
import { mustAccept, setupCommands, TradeloomDriver } from '../tradeloom-driver.js';
import type { Workload } from '../workload.js';

const createImpl: ImplFactory = () => {
  let host: EngineHost | null = null;
  let driver: TradeloomDriver | null = null;
  let workload: Workload | null = null;
  let dir = '';
  let seqBase = 0;
  let submittedAt = new Float64Array(0);
  let latencies = new Float64Array(0);
  let timed = false;
  return {
    name: 'tradeloom-journal',
    // Yield often enough that group commits run while commands stream in, as a socket server would;
    // 500 measured best here (2,000: 295k cmd/s, ack p50 21 ms; 500: 339k, 4.7 ms; 100: 262k, 1.2 ms).
    yieldEvery: 500,
    init(w: Workload) {
      workload = w;
      driver = new TradeloomDriver(w);
      submittedAt = new Float64Array(w.count);
      latencies = new Float64Array(w.count);
    },
    async open() {
      dir = mkdtempSync(join(tmpdir(), 'tl-bench-journal-'));
      const opened = await EngineHost.open({ dataDir: dir, fsync: true, snapshotEvery: 0 });
      host = opened;
      for (const command of setupCommands(workload!.users)) mustAccept(await opened.submit(command), command);
      seqBase = opened.engine.commandSeq + 1;
      // Acknowledged = durable: every command up to durableSeq, timed when its group commit completes.
      let acked = 0;
      opened.onDurable((durableSeq) => {
        if (!timed) return;
        const now = performance.now();
        const upTo = Math.min(durableSeq - seqBase + 1, submittedAt.length);
        for (let i = Math.max(acked, 0); i < upTo; i++) latencies[i] = now - submittedAt[i]!;
        acked = Math.max(acked, upTo);
      });
    },
    timeCommands(on) {
      timed = on;
    },
    apply(w, i) {
      if (timed) submittedAt[i] = performance.now();
      const outcome = host!.submitWith(driver!.command(w, i), null);
      if (outcome === null) throw new Error('journal backlog full: the benchmark yields too rarely');
      driver!.record(w, i, outcome, host!.engine.events);
    },
    async settle() {
      await host!.flush();
    },
    latenciesMs() {
      return latencies;
    },
    stats() {
      return driver!.stats();
    },
    async close() {
      await host?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

export default createImpl;
