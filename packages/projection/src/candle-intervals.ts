// Binance's kline intervals and where each period starts (UTC): fixed lengths from the epoch,
// weeks from Monday, months from the 1st.
export const CANDLE_INTERVALS = [
  '1s',
  '1m',
  '3m',
  '5m',
  '15m',
  '30m',
  '1h',
  '2h',
  '4h',
  '6h',
  '8h',
  '12h',
  '1d',
  '3d',
  '1w',
  '1M',
] as const;
export type CandleInterval = (typeof CANDLE_INTERVALS)[number];

const MINUTE = 60_000;
const FIXED: Record<Exclude<CandleInterval, '1w' | '1M'>, number> = {
  '1s': 1_000,
  '1m': MINUTE,
  '3m': 3 * MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '30m': 30 * MINUTE,
  '1h': 60 * MINUTE,
  '2h': 120 * MINUTE,
  '4h': 240 * MINUTE,
  '6h': 360 * MINUTE,
  '8h': 480 * MINUTE,
  '12h': 720 * MINUTE,
  '1d': 1_440 * MINUTE,
  '3d': 3 * 1_440 * MINUTE,
};
/** 1970-01-05 was a Monday. */
const FIRST_MONDAY = 4 * 1_440 * MINUTE;
const WEEK = 7 * 1_440 * MINUTE;

export function isCandleInterval(value: string): value is CandleInterval {
  return (CANDLE_INTERVALS as readonly string[]).includes(value);
}

/** Start (ms) of the period of `interval` containing `ms`. */
export function periodStart(interval: CandleInterval, ms: number): number {
  if (interval === '1M') {
    const d = new Date(ms);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  if (interval === '1w') return ms - ((((ms - FIRST_MONDAY) % WEEK) + WEEK) % WEEK);
  const length = FIXED[interval];
  return ms - (((ms % length) + length) % length);
}

/** Start (ms) of the period after the one starting at `start`. */
export function nextPeriodStart(interval: CandleInterval, start: number): number {
  if (interval === '1M') {
    const d = new Date(start);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  return start + (interval === '1w' ? WEEK : FIXED[interval]);
}
