// A fixed, load-independent workload for instruction counting (valgrind), where wall-clock figures on a
// shared machine are too noisy to compare small changes:
//   bash bench/engine/count-instructions.sh tradeloom-memory 200000
// Runs `warmup` commands on a throwaway instance, then `count` commands of the same seeded stream on a
// fresh one, exactly as child.ts's throughput phase does, without timing anything. With --skip the
// fresh instance is still set up (init, open: for the journal that is 2,000 fsynced setup commands) and
// closed but runs no command, so that (total - total with --skip) is the measured run's own cost.
import { parseArgs } from 'node:util';
import type { EngineImpl, ImplFactory } from './impl.js';
import journal from './impls/tradeloom-journal.js';
import memory from './impls/tradeloom-memory.js';
import { generateWorkload } from './workload.js';

const impls: Record<string, ImplFactory> = { 'tradeloom-memory': memory, 'tradeloom-journal': journal };
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    count: { type: 'string', default: '100000' },
    warmup: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '42' },
    skip: { type: 'boolean', default: false },
  },
});
const name = positionals[0] ?? 'tradeloom-memory';
const create = impls[name];
if (create === undefined) throw new Error(`unknown impl ${name}`);
const count = Number(values.count);
const warmup = Number(values.warmup);
const w = generateWorkload({ seed: Number(values.seed), count: Math.max(count, warmup) });

async function run(impl: EngineImpl, n: number): Promise<void> {
  impl.init(w);
  await impl.open?.();
  const every = impl.yieldEvery ?? 0;
  for (let i = 0; i < n; ) {
    const end = every === 0 ? n : Math.min(n, i + every);
    for (; i < end; i++) impl.apply(w, i);
    if (every !== 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await impl.settle?.();
  await impl.close?.();
}

async function main(): Promise<void> {
  await run(create!(), warmup);
  const impl = create!();
  await run(impl, values.skip ? 0 : count);
  if (values.skip) return;
  process.stderr.write(`${name}: ${count} commands, ${JSON.stringify(impl.stats())}\n`);
}
await main();
