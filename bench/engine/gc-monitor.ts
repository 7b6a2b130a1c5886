// GC pauses are the usual cause of latency outliers in a JS engine; counting them during the timed
// run tells a slow p99.9 caused by the collector apart from one caused by the matching code.

import { PerformanceObserver } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface GcSummary {
  count: number;
  maxMs: number;
  totalMs: number;
}

export interface GcMonitor {
  /** Stop observing; waits for the GC entries of the work just done to be delivered first. */
  stop(): Promise<GcSummary>;
}

// Node creates GC entries after the collection, in a later turn of the event loop, and delivers
// them to observers later still, so entries from a synchronous loop arrive only once it yields.
const gcEntryDelayMs = 50;

/** Wait until GC entries of work done so far have been delivered, so they land before a monitor. */
export async function settleGcEntries(): Promise<void> {
  await sleep(gcEntryDelayMs);
}

/** Start counting GC events (count, longest and total pause in ms). */
export function startGcMonitor(): GcMonitor {
  const summary: GcSummary = { count: 0, maxMs: 0, totalMs: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      summary.count++;
      summary.totalMs += entry.duration;
      if (entry.duration > summary.maxMs) summary.maxMs = entry.duration;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    async stop() {
      await settleGcEntries();
      observer.disconnect();
      return summary;
    },
  };
}

/** Run a full collection when node was started with --expose-gc; otherwise do nothing. */
export function collectGarbage(): void {
  const gc: unknown = Reflect.get(globalThis, 'gc');
  if (typeof gc === 'function') gc();
}
