// Throughput of one of our impls with the CPU it used, for comparing changes on a shared machine where
// wall-clock rates swing with other jobs (instruction counts cannot see the journal's threads apart):
//   node --import tsx bench/engine/cpu-rate.ts tradeloom-journal [rounds]
// Each round is child.ts's throughput phase (fresh instance after one warm-up, 1,000,000 commands, seed
// 42). It prints commands per wall second, per CPU second of the whole process (every thread), and per
// CPU second of the main thread alone (from /proc, 10 ms resolution: Linux only), with the main
// thread's event-loop utilisation.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { EngineImpl, ImplFactory } from './impl.js';
import journal from './impls/tradeloom-journal.js';
import memory from './impls/tradeloom-memory.js';
import { generateWorkload } from './workload.js';

const impls: Record<string, ImplFactory> = { 'tradeloom-memory': memory, 'tradeloom-journal': journal };
const name = process.argv[2] ?? 'tradeloom-memory';
const create = impls[name];
if (create === undefined) throw new Error(`unknown impl ${name}`);
const rounds = Number(process.argv[3] ?? 3);
const count = 1_000_000;
const w = generateWorkload({ seed: 42, count, users: 1_000 });

/** CPU seconds of the main thread (its tid is the pid): utime + stime in clock ticks of 10 ms. */
function mainThreadCpu(): number {
  const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function run(impl: EngineImpl, n: number): Promise<void> {
  const every = impl.yieldEvery ?? 0;
  for (let i = 0; i < n; ) {
    const end = every === 0 ? n : Math.min(n, i + every);
    for (; i < end; i++) impl.apply(w, i);
    if (every !== 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

const warm = create();
warm.init(w);
await warm.open?.();
await run(warm, 200_000);
await warm.settle?.();
await warm.close?.();
for (let r = 0; r < rounds; r++) {
  const impl = create();
  impl.init(w);
  await impl.open?.();
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadCpu();
  const t0 = performance.now();
  await run(impl, count);
  await impl.settle?.();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const main = mainThreadCpu() - main0;
  const elu = performance.eventLoopUtilization(elu0);
  await impl.close?.();
  const rate = (s: number) => Math.round(count / s).toLocaleString('en-US');
  console.log(
    `${name}: ${rate(seconds)} cmd/s, ${rate((cpu.user + cpu.system) / 1e6)} per process CPU-s, ` +
      `${rate(main)} per main-thread CPU-s, event loop utilisation ${elu.utilization.toFixed(2)}`,
  );
}
