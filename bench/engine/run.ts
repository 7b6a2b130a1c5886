// `npm run bench:engine [-- --impls a,b --rounds N --count N --seed N --users N --warmup N]`
// Runs each impl in a child process of its own, one after another (never side by side: on two
// cores they would compete for the CPU and for memory bandwidth), then prints one Markdown table,
// the workload summary, and our engine's throughput relative to the best npm peer.
// With --rounds N every impl runs N times, the impls taking turns, and the table shows each impl's
// fastest round: other work on the machine can only slow a round down, so the fastest is the one
// it disturbed least, and taking turns spreads that disturbance evenly over the impls.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchOptionSpecs, benchOptionsToArgs, toBenchOptions } from './bench-options.js';
import { type BenchResult, childExitNotReady, parseBenchResult } from './bench-result.js';
import { formatResultTable } from './format-result-table.js';
import { formatReferenceCheck, formatRounds, formatWorkloadSummary } from './format-summary.js';
import { listImpls } from './load-impl.js';

// Our engine's impls are named tradeloom or tradeloom-<variant>; every other impl is a peer. The
// headline ratio uses the in-memory variant.
const oursPrefix = 'tradeloom';
const oursHeadline = ['tradeloom', 'tradeloom-memory'];
const isOurs = (name: string): boolean => name === oursPrefix || name.startsWith(`${oursPrefix}-`);

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const childPath = fileURLToPath(new URL('./child.ts', import.meta.url));
// A child's stdout is one JSON line; anything bigger is a bug worth failing on.
const childStdoutBytesMax = 1024 * 1024;

const { values } = parseArgs({
  options: { ...benchOptionSpecs, impls: { type: 'string' }, rounds: { type: 'string', default: '1' } },
  strict: true,
});
const options = toBenchOptions(values);
const rounds = Number(values.rounds);
if (!Number.isSafeInteger(rounds) || rounds < 1) {
  process.stderr.write('--rounds must be a positive integer\n');
  process.exit(2);
}
const available = await listImpls();
const names =
  values.impls === undefined
    ? available
    : values.impls
        .split(',')
        .map((n) => n.trim())
        .filter((n) => n !== '');
const unknown = names.filter((n) => !available.includes(n));
if (unknown.length > 0) {
  process.stderr.write(`unknown impls: ${unknown.join(', ')}; present: ${available.join(', ')}\n`);
  process.exit(2);
}

const roundsByImpl = new Map<string, BenchResult[]>();
const failed = new Set<string>();
const skipped = new Set<string>();
for (let round = 1; round <= rounds; round++) {
  for (const name of names) {
    if (failed.has(name) || skipped.has(name)) continue;
    if (rounds > 1) process.stderr.write(`round ${round}/${rounds}: ${name}\n`);
    const child = spawnSync(
      process.execPath,
      // --expose-gc lets the child collect between its phases (see child.ts).
      ['--expose-gc', '--import', 'tsx', childPath, name, ...benchOptionsToArgs(options)],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'inherit'],
        encoding: 'utf8',
        maxBuffer: childStdoutBytesMax,
      },
    );
    const lastLine = child.stdout?.trim().split('\n').at(-1) ?? '';
    // An unfinished impl is skipped when it was picked by default, and fails when it was asked for.
    if (child.status === childExitNotReady && values.impls === undefined) {
      skipped.add(name);
      continue;
    }
    if (child.status !== 0 || lastLine === '') {
      process.stderr.write(`${name}: child failed (exit ${child.status ?? child.signal})\n`);
      failed.add(name);
      continue;
    }
    const done = roundsByImpl.get(name) ?? [];
    done.push(parseBenchResult(lastLine));
    roundsByImpl.set(name, done);
  }
}
const results = [...roundsByImpl.values()].map((all) =>
  all.reduce((best, r) => (r.commandsPerSec > best.commandsPerSec ? r : best)),
);

if (results.length > 0) {
  process.stdout.write(`\n${formatResultTable(results)}\n\n${formatWorkloadSummary(results)}\n`);
  if (rounds > 1) process.stdout.write(`${formatRounds(roundsByImpl)}\n`);
  // Expected to differ: an engine with rules the reference lacks (balance checks, self-trade
  // prevention, filters). For a peer a difference means its adapter miscounts.
  process.stdout.write(`\nreference check:\n${formatReferenceCheck(results)}\n\n`);
  const peers = results.filter((r) => !isOurs(r.name));
  const bestPeer = peers.reduce<BenchResult | undefined>(
    (best, r) => (best === undefined || r.commandsPerSec > best.commandsPerSec ? r : best),
    undefined,
  );
  for (const r of results.filter((x) => isOurs(x.name))) {
    if (bestPeer === undefined) break;
    const ratio = (r.commandsPerSec / bestPeer.commandsPerSec).toFixed(2);
    const label = oursHeadline.includes(r.name) ? 'ratio vs best peer' : `ratio vs best peer (${r.name})`;
    process.stdout.write(`${label}: ${ratio} (best peer: ${bestPeer.name})\n`);
  }
}
if (skipped.size > 0) process.stdout.write(`skipped (not ready): ${[...skipped].join(', ')}\n`);
if (failed.size > 0) {
  process.stderr.write(`failed: ${[...failed].join(', ')}\n`);
  process.exitCode = 1;
}
