import { describe, expect, it } from 'vitest';
import { CANDLE_INTERVALS, nextPeriodStart, periodStart } from './candle-intervals.js';

const at = (iso: string) => Date.parse(iso);

describe('candle periods', () => {
  it('start where Binance starts them (UTC; weeks on Monday; months on the 1st)', () => {
    const t = at('2026-11-25T15:37:42.123Z'); // a Wednesday
    expect(periodStart('1m', t)).toBe(at('2026-11-25T15:37:00Z'));
    expect(periodStart('15m', t)).toBe(at('2026-11-25T15:30:00Z'));
    expect(periodStart('4h', t)).toBe(at('2026-11-25T12:00:00Z'));
    expect(periodStart('1d', t)).toBe(at('2026-11-25T00:00:00Z'));
    expect(periodStart('1w', t)).toBe(at('2026-11-23T00:00:00Z'));
    expect(periodStart('1M', t)).toBe(at('2026-11-01T00:00:00Z'));
    expect(nextPeriodStart('1M', at('2026-12-01T00:00:00Z'))).toBe(at('2027-01-01T00:00:00Z'));
    expect(nextPeriodStart('1w', at('2026-11-23T00:00:00Z'))).toBe(at('2026-11-30T00:00:00Z'));
  });

  it('contain the time and are contiguous for every interval', () => {
    for (const interval of CANDLE_INTERVALS) {
      for (const t of [0, 1, at('2024-02-29T23:59:59.999Z'), at('2026-11-25T15:37:42Z')]) {
        const start = periodStart(interval, t);
        expect(start).toBeLessThanOrEqual(t);
        expect(nextPeriodStart(interval, start)).toBeGreaterThan(t);
        expect(periodStart(interval, nextPeriodStart(interval, start))).toBe(
          nextPeriodStart(interval, start),
        );
      }
    }
  });
});
