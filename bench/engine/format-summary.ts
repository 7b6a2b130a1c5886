// What run.ts prints under the results table: the workload, the figures every impl should agree
// on, and which impls did not.

import type { BenchResult } from './bench-result.js';

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const percent = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(1)}%`;

/** The workload and its reference figures (the same for every impl of one run). */
export function formatWorkloadSummary(results: readonly BenchResult[]): string {
  const r = results[0];
  if (r === undefined) return 'no results';
  const { workload: w, reference: ref } = r;
  const lines = [
    `workload: seed ${w.seed}, ${int(r.commands)} commands, ${int(w.users)} users: ` +
      `${percent(w.limits, r.commands)} limit, ${percent(w.cancels, r.commands)} cancel, ` +
      `${percent(w.markets, r.commands)} market`,
  ];
  if (ref.limitsCrossed !== undefined) {
    // The generator's own book predicts it; a replay through a real book measures it.
    const replay = results.find((x) => x.stats.limitsCrossed !== undefined);
    const measured =
      replay?.stats.limitsCrossed === undefined
        ? ''
        : `; replayed through ${replay.name}: ${percent(replay.stats.limitsCrossed, w.limits)}`;
    lines.push(
      `crossing fraction: ${percent(ref.limitsCrossed, w.limits)} of limit orders traded on arrival ` +
        `(generator's reference book${measured})`,
    );
  }
  if (ref.cancelsHit !== undefined) {
    lines.push(`cancels that found their order: ${percent(ref.cancelsHit, w.cancels)}`);
  }
  if (ref.restingOrders !== undefined && ref.priceLevels !== undefined) {
    lines.push(
      `book at the end: ${int(ref.restingOrders)} resting orders on ${int(ref.priceLevels)} price levels`,
    );
  }
  // Two cores: anything else running skews the figures, so say how busy the machine was.
  const loads = results.map((x) => `${x.name} ${x.loadAvg1m.toFixed(2)}`).join(', ');
  lines.push(`1-min load average before each throughput run: ${loads}`);
  return lines.join('\n');
}

/** Stats keys of the impl that differ from the reference (only keys both report are compared). */
export function referenceMismatches(r: BenchResult): string[] {
  return Object.keys(r.reference).filter((key) => {
    const value = r.stats[key];
    return value !== undefined && value !== r.reference[key];
  });
}

/** One line per impl: whether its counters equal the reference, and if not, which and by how much. */
export function formatReferenceCheck(results: readonly BenchResult[]): string {
  return results
    .map((r) => {
      const compared = Object.keys(r.reference).filter((key) => r.stats[key] !== undefined);
      if (compared.length === 0) return `${r.name}: reports no counter the reference has`;
      const differing = referenceMismatches(r);
      if (differing.length === 0) return `${r.name}: matches the reference (${compared.join(', ')})`;
      const detail = differing.map((k) => `${k} ${r.stats[k]} vs ${r.reference[k]}`).join(', ');
      return `${r.name}: DIFFERS from the reference: ${detail}`;
    })
    .join('\n');
}

/** Every round's throughput per impl, to show how much the figures moved between rounds. */
export function formatRounds(roundsByImpl: ReadonlyMap<string, readonly BenchResult[]>): string {
  const lines = [...roundsByImpl].map(
    ([name, all]) => `  ${name}: ${all.map((r) => int(r.commandsPerSec)).join(', ')}`,
  );
  return ['commands/s in each round (the table shows the fastest):', ...lines].join('\n');
}
