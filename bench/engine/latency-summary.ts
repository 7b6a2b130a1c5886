// Per-command latencies summarised by nearest-rank percentiles: no interpolation, so every figure
// is a latency that some command actually had.

export interface LatencySummary {
  p50us: number;
  p99us: number;
  p999us: number;
  maxUs: number;
}

/** Summarise durations given in milliseconds (as performance.now() gives them) in microseconds. */
export function summariseLatency(durationsMs: Float64Array): LatencySummary {
  if (durationsMs.length === 0) throw new Error('no durations to summarise');
  // A typed array sorts numerically, unlike Array.prototype.sort.
  const sorted = durationsMs.slice().sort();
  const at = (p: number): number => {
    const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
    return sorted[rank - 1]! * 1000;
  };
  return { p50us: at(0.5), p99us: at(0.99), p999us: at(0.999), maxUs: sorted[sorted.length - 1]! * 1000 };
}
