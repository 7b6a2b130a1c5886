// The results as a Markdown table, so what run.ts prints can be pasted into RESULTS.md unchanged.

import type { BenchResult } from './bench-result.js';

interface Column {
  title: string;
  cell(r: BenchResult): string;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** A stats counter, or a dash when the impl does not report it. */
const counter = (r: BenchResult, key: string): string => {
  const value = r.stats[key];
  return value === undefined ? '–' : integer.format(value);
};

const columns: readonly Column[] = [
  { title: 'impl', cell: (r) => r.name },
  { title: 'commands/s', cell: (r) => integer.format(r.commandsPerSec) },
  { title: 'seconds', cell: (r) => r.seconds.toFixed(3) },
  { title: 'trades', cell: (r) => integer.format(r.trades) },
  {
    // Share of limit orders that traded on arrival: the workload is tuned to put this at 30-40%.
    title: 'limits crossed',
    cell: (r) => {
      const crossed = r.stats.limitsCrossed;
      return crossed === undefined ? '–' : `${oneDecimal.format((100 * crossed) / r.workload.limits)}%`;
    },
  },
  { title: 'rejected', cell: (r) => counter(r, 'rejected') },
  { title: 'p50 µs', cell: (r) => r.p50us.toFixed(2) },
  { title: 'p99 µs', cell: (r) => r.p99us.toFixed(2) },
  { title: 'p99.9 µs', cell: (r) => r.p999us.toFixed(2) },
  { title: 'max µs', cell: (r) => integer.format(r.maxUs) },
  { title: 'peak RSS MB', cell: (r) => integer.format(r.peakRssMB) },
  { title: 'GCs', cell: (r) => integer.format(r.gcCount) },
  { title: 'GC max ms', cell: (r) => r.gcMaxMs.toFixed(1) },
];

/** One row per result, in the order given. */
export function formatResultTable(results: readonly BenchResult[]): string {
  const rows = results.map((r) => columns.map((c) => c.cell(r)));
  const widths = columns.map((c, j) => Math.max(c.title.length, ...rows.map((row) => row[j]!.length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]!) : cell.padStart(widths[j]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, j) => (j === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(columns.map((c) => c.title)), rule, ...rows.map(line)].join('\n');
}
