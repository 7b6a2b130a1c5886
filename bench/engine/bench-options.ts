// One parser for the options that run.ts passes through to every child, so both agree on names,
// defaults and validation.

import { parseArgs } from 'node:util';

export interface BenchOptions {
  seed: number;
  count: number;
  users: number;
  /** Commands replayed on a throwaway instance first, so the JIT has settled before timing. */
  warmup: number;
}

export const benchOptionDefaults: BenchOptions = {
  seed: 42,
  count: 1_000_000,
  users: 1_000,
  warmup: 200_000,
};

/** parseArgs option specs for the pass-through options (all given as integers). */
export const benchOptionSpecs = {
  seed: { type: 'string' },
  count: { type: 'string' },
  users: { type: 'string' },
  warmup: { type: 'string' },
} as const;

type RawBenchOptions = Partial<Record<keyof BenchOptions, string>>;

/** Turn parsed string values into BenchOptions, applying defaults; throws on a non-integer. */
export function toBenchOptions(raw: RawBenchOptions): BenchOptions {
  const out = { ...benchOptionDefaults };
  for (const key of Object.keys(benchOptionDefaults) as (keyof BenchOptions)[]) {
    const text = raw[key];
    if (text === undefined) continue;
    const value = Number(text.replaceAll('_', ''));
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${key} must be a non-negative integer`);
    out[key] = value;
  }
  return out;
}

/** Parse `--seed N --count N --users N --warmup N` (anything else is an error). */
export function parseBenchOptions(args: readonly string[]): BenchOptions {
  const { values } = parseArgs({ args: [...args], options: benchOptionSpecs, strict: true });
  return toBenchOptions(values);
}

/** The argv form of options, to hand to a child process. */
export function benchOptionsToArgs(options: BenchOptions): string[] {
  return Object.entries(options).flatMap(([key, value]) => [`--${key}`, String(value)]);
}
