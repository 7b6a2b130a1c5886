// The one JSON line a child prints and run.ts reads back: the contract between the two processes.

/** Exit code of a child whose impl reported that it cannot run yet (see ImplNotReadyError). */
export const childExitNotReady = 3;

/** Figures for one impl on one workload. */
export interface BenchResult {
  name: string;
  commands: number;
  /** Wall time of the untimed-per-command run (one timer around the whole loop). */
  seconds: number;
  commandsPerSec: number;
  trades: number;
  /** Per-command latency from the second, separately initialised run. */
  p50us: number;
  p99us: number;
  p999us: number;
  maxUs: number;
  /** Process-wide peak resident set, all phases included. */
  peakRssMB: number;
  /** GC events during the throughput run, and the longest and total pause. */
  gcCount: number;
  gcMaxMs: number;
  gcTotalMs: number;
  /** 1-minute load average just before the throughput run: above ~0 on an idle machine, other work shared the cores. */
  loadAvg1m: number;
  /** Everything the impl's stats() returned (trades included). */
  stats: Record<string, number>;
  /** What a correct engine reports for this workload (the generator's ShadowBook). */
  reference: Record<string, number>;
  workload: { seed: number; users: number; limits: number; cancels: number; markets: number };
}

const numberFields = [
  'commands',
  'seconds',
  'commandsPerSec',
  'trades',
  'p50us',
  'p99us',
  'p999us',
  'maxUs',
  'peakRssMB',
  'gcCount',
  'gcMaxMs',
  'gcTotalMs',
  'loadAvg1m',
] as const;

const workloadFields = ['seed', 'users', 'limits', 'cancels', 'markets'] as const;

/** Parse a child's JSON line; throws when it is not a BenchResult. */
export function parseBenchResult(line: string): BenchResult {
  const value: unknown = JSON.parse(line);
  if (!isRecord(value) || typeof value.name !== 'string') throw new Error('result has no name');
  for (const field of numberFields) {
    if (typeof value[field] !== 'number') throw new Error(`result field ${field} is not a number`);
  }
  if (!isNumberRecord(value.stats)) throw new Error('result stats are not numbers');
  if (!isNumberRecord(value.reference)) throw new Error('result reference is not numbers');
  const workload = value.workload;
  if (!isNumberRecord(workload) || !workloadFields.every((f) => f in workload)) {
    throw new Error('result workload is incomplete');
  }
  // Checked field by field above; the cast only restates it.
  return value as unknown as BenchResult;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNumberRecord(value: unknown): value is Record<string, number> {
  return isRecord(value) && Object.values(value).every((v) => typeof v === 'number');
}
