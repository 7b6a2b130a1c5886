// Measures ONE impl in a process of its own, so no engine inherits another's JIT state, heap or GC
// debt. run.ts starts one per impl; it can also be run by hand:
//   node --expose-gc --import tsx bench/engine/child.ts <impl> [--count N] [--seed N] [--users N] [--warmup N]
// Progress goes to stderr; stdout carries only the one JSON result line.
//
// Phases, each on a freshly initialised instance:
// 1. warm-up: the first `warmup` commands, thrown away, so the JIT has settled before timing;
// 2. throughput: the whole stream under one timer, with GC events counted. Timing each command
//    here would add two performance.now() calls per command (tens of ns each) to the figure;
// 3. latency: the whole stream again with performance.now() around every command, durations kept
//    in a preallocated Float64Array. Its trade count must equal run 2's, or the impl is not
//    deterministic and the comparison is void.
// With --expose-gc (run.ts passes it) a full collection runs between phases so that one phase's
// garbage is not collected on the next one's clock.

import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { type BenchOptions, parseBenchOptions } from './bench-options.js';
import { type BenchResult, childExitNotReady } from './bench-result.js';
import { collectGarbage, settleGcEntries, startGcMonitor } from './gc-monitor.js';
import { type EngineImpl, type ImplFactory, type ImplStats, isImplNotReady } from './impl.js';
import { summariseLatency } from './latency-summary.js';
import { loadImpl } from './load-impl.js';
import { generateWorkload, OP_CANCEL, OP_LIMIT, OP_MARKET, type Workload } from './workload.js';

const [name, ...rest] = process.argv.slice(2);
if (name === undefined || name.startsWith('-')) {
  process.stderr.write('usage: child.ts <impl> [--count N] [--seed N] [--users N] [--warmup N]\n');
  process.exit(2);
}
const implName = name;
const log = (message: string): void => {
  process.stderr.write(`[${implName}] ${message}\n`);
};

try {
  const result = await measure(implName, parseBenchOptions(rest));
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (err) {
  if (!isImplNotReady(err, implName)) throw err;
  log(`skipped: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = childExitNotReady;
}

async function measure(name: string, options: BenchOptions): Promise<BenchResult> {
  const createImpl = await loadImpl(name);

  log(`generating ${options.count} commands, seed ${options.seed}, ${options.users} users`);
  const w = generateWorkload(options);

  const warmupCount = Math.min(options.warmup, w.count);
  log(`warm-up: ${warmupCount} commands`);
  await warmUp(createImpl, w, warmupCount);
  collectGarbage();
  await settleGcEntries();

  log('throughput run');
  const loadAvg1m = loadavg()[0] ?? 0;
  const gcMonitor = startGcMonitor();
  const throughput = await runThroughput(createImpl, w);
  const gc = await gcMonitor.stop();
  collectGarbage();

  log('latency run');
  const durationsMs = new Float64Array(w.count);
  const latencyStats = await runLatency(createImpl, w, durationsMs);
  if (latencyStats.trades !== throughput.stats.trades) {
    throw new Error(
      `${name} is not deterministic: ${throughput.stats.trades} then ${latencyStats.trades} trades`,
    );
  }

  return {
    name,
    commands: w.count,
    seconds: throughput.seconds,
    commandsPerSec: w.count / throughput.seconds,
    trades: throughput.stats.trades,
    ...summariseLatency(durationsMs),
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    gcCount: gc.count,
    gcMaxMs: gc.maxMs,
    gcTotalMs: gc.totalMs,
    loadAvg1m,
    stats: { ...throughput.stats },
    reference: { ...w.reference },
    workload: { seed: w.seed, users: w.users, ...countOps(w) },
  };
}

async function warmUp(create: ImplFactory, w: Workload, count: number): Promise<void> {
  const impl = create();
  impl.init(w);
  await impl.open?.();
  await runLoop(impl, w, count);
  await impl.settle?.();
  await impl.close?.();
}

/** Apply commands 0..count-1, yielding to the event loop as often as the impl asks. */
async function runLoop(impl: EngineImpl, w: Workload, count: number): Promise<void> {
  const every = impl.yieldEvery ?? 0;
  if (every === 0) {
    for (let i = 0; i < count; i++) impl.apply(w, i);
    return;
  }
  for (let i = 0; i < count; i += every) {
    const end = Math.min(count, i + every);
    for (let j = i; j < end; j++) impl.apply(w, j);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

async function runThroughput(
  create: ImplFactory,
  w: Workload,
): Promise<{ seconds: number; stats: ImplStats }> {
  const impl = create();
  impl.init(w);
  await impl.open?.();
  const start = performance.now();
  await runLoop(impl, w, w.count);
  await impl.settle?.();
  const seconds = (performance.now() - start) / 1000;
  const stats = impl.stats();
  await impl.close?.();
  return { seconds, stats };
}

async function runLatency(create: ImplFactory, w: Workload, durationsMs: Float64Array): Promise<ImplStats> {
  const impl = create();
  impl.init(w);
  await impl.open?.();
  if (impl.latenciesMs !== undefined) {
    // The impl times each command itself (submit to acknowledgement).
    impl.timeCommands?.(true);
    await runLoop(impl, w, w.count);
    await impl.settle?.();
    durationsMs.set(impl.latenciesMs().subarray(0, w.count));
  } else {
    const count = w.count;
    for (let i = 0; i < count; i++) {
      const start = performance.now();
      impl.apply(w, i);
      durationsMs[i] = performance.now() - start;
    }
  }
  const stats = impl.stats();
  await impl.close?.();
  return stats;
}

function countOps(w: Workload): { limits: number; cancels: number; markets: number } {
  const counts = { limits: 0, cancels: 0, markets: 0 };
  for (let i = 0; i < w.count; i++) {
    const op = w.op[i];
    if (op === OP_LIMIT) counts.limits++;
    else if (op === OP_CANCEL) counts.cancels++;
    else if (op === OP_MARKET) counts.markets++;
  }
  return counts;
}
