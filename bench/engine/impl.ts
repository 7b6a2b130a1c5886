// The one seam between the harness and an engine. Every engine under test, ours and the npm peers,
// is driven through it on the same Workload, so their figures are comparable.

import type { Workload } from './workload.js';

/** Counters an impl reports after a run; `trades` is required so impls can be cross-checked. */
export interface ImplStats {
  /** Maker orders matched (fully or partly), i.e. one per fill. */
  trades: number;
  /**
   * Optional counters, compared with the workload's reference when present: volumeLots (lots
   * traded), limitsCrossed (limit orders that traded on arrival), cancelsHit, cancelsMissed and
   * restingOrders (at the end). Any other key is carried into the result as it is.
   */
  [counter: string]: number;
}

/** An engine under test, driven one command at a time. */
export interface EngineImpl {
  /** Must equal the file name in impls/ (without .ts): the registry loads by it. */
  name: string;
  /**
   * Build a fresh engine for this workload. Not timed: precompute here whatever the timed path
   * should not pay for (string ids for libraries that want them; funding all users for our engine).
   */
  init(w: Workload): void;
  /** Process command i of w. Timed. */
  apply(w: Workload, i: number): void;
  /** Counters since init. */
  stats(): ImplStats;
  /** Asynchronous set-up after init (opening files, seeding through I/O); awaited before timing. */
  open?(): Promise<void>;
  /** Awaited inside the timed region after the last command, e.g. until every command is durable. */
  settle?(): Promise<void>;
  /** Yield to the event loop every this many commands inside the timed loop, so I/O completions run. */
  yieldEvery?: number;
  /**
   * Latencies (ms, one per command) the impl measured itself, replacing the harness's per-call
   * timing: for a durable engine, submit to acknowledgement.
   */
  latenciesMs?(): Float64Array;
  /**
   * With latenciesMs: child.ts calls this with true before the latency run only, so that the
   * throughput run pays for no per-command clock reads (as for every other impl).
   */
  timeCommands?(on: boolean): void;
  /** Release files and handles after a run. */
  close?(): Promise<void>;
}

/** What a file in impls/ default-exports: each call returns an independent instance. */
export type ImplFactory = () => EngineImpl;

/**
 * Thrown by an impl that cannot run yet (say, the engine it wraps is unfinished). A default run
 * skips such an impl instead of failing; naming it in --impls still fails. An Error whose message
 * starts with "<impl name>: not ready" counts as well.
 */
export class ImplNotReadyError extends Error {
  override name = 'ImplNotReadyError';
}

/** Whether err says its impl cannot run yet (see ImplNotReadyError). */
export function isImplNotReady(err: unknown, implName: string): boolean {
  return (
    err instanceof ImplNotReadyError ||
    (err instanceof Error && err.message.startsWith(`${implName}: not ready`))
  );
}
