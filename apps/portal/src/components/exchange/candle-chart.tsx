'use client';
import { cx, Panel } from '@tradeloom/ui';
import {
  CandlestickSeries,
  ColorType,
  createChart,
  HistogramSeries,
  type IChartApi,
  type ISeriesApi,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useTranslations } from 'next-intl';
import { useEffect, useRef, useState } from 'react';
import { api } from '../../lib/api';
import { usePolled } from '../../lib/use-polled';
import { PolledStatus } from '../polled-status';

export const CHART_INTERVALS = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;
type ChartInterval = (typeof CHART_INTERVALS)[number];

interface Candle {
  openTime: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

function cssColor(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

function themeOptions() {
  return {
    layout: {
      background: { type: ColorType.Solid, color: cssColor('--surface') },
      textColor: cssColor('--muted'),
      attributionLogo: false,
    },
    grid: { vertLines: { color: cssColor('--line') }, horzLines: { color: cssColor('--line') } },
    rightPriceScale: { borderColor: cssColor('--line') },
    timeScale: { borderColor: cssColor('--line'), timeVisible: true, secondsVisible: false, rightOffset: 6 },
  };
}

/**
 * Candles and volume of the market (lightweight-charts). The chart draws with floating-point
 * numbers: that is only its pixels, the figures shown elsewhere stay exact decimals.
 */
export function CandleChart({ symbol }: { symbol: string }) {
  const t = useTranslations('chart');
  const [interval, setChartInterval] = useState<ChartInterval>('1m');
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<{
    api: IChartApi;
    candles: ISeriesApi<'Candlestick'>;
    volume: ISeriesApi<'Histogram'>;
  } | null>(null);
  const candles = usePolled(
    `candles:${symbol}:${interval}`,
    async (signal) =>
      (
        await api<{ candles: Candle[] }>(
          `/api/v1/spot/markets/${encodeURIComponent(symbol)}/candles?interval=${interval}&limit=300`,
          { signal },
        )
      ).candles,
    2_000,
  );

  useEffect(() => {
    const element = container.current;
    if (element === null) return;
    const created = createChart(element, { autoSize: true, ...themeOptions() });
    const up = cssColor('--up');
    const down = cssColor('--down');
    const candleSeries = created.addSeries(CandlestickSeries, {
      upColor: up,
      downColor: down,
      wickUpColor: up,
      wickDownColor: down,
      borderVisible: false,
    });
    const volumeSeries = created.addSeries(HistogramSeries, {
      priceFormat: { type: 'volume' },
      priceScaleId: '',
    });
    volumeSeries.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    chart.current = { api: created, candles: candleSeries, volume: volumeSeries };
    // The theme switch changes the CSS variables: follow them.
    const observer = new MutationObserver(() => {
      created.applyOptions(themeOptions());
      const nextUp = cssColor('--up');
      const nextDown = cssColor('--down');
      candleSeries.applyOptions({
        upColor: nextUp,
        downColor: nextDown,
        wickUpColor: nextUp,
        wickDownColor: nextDown,
      });
    });
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class'] });
    return () => {
      observer.disconnect();
      chart.current = null;
      created.remove();
    };
  }, []);

  useEffect(() => {
    const current = chart.current;
    if (current === null || candles.data === undefined) return;
    const upVolume = cssColor('--up-bg');
    const downVolume = cssColor('--down-bg');
    current.candles.setData(
      candles.data.map((candle) => ({
        time: (candle.openTime / 1000) as UTCTimestamp,
        open: Number(candle.open),
        high: Number(candle.high),
        low: Number(candle.low),
        close: Number(candle.close),
      })),
    );
    current.volume.setData(
      candles.data.map((candle) => ({
        time: (candle.openTime / 1000) as UTCTimestamp,
        value: Number(candle.volume),
        color: Number(candle.close) >= Number(candle.open) ? upVolume : downVolume,
      })),
    );
  }, [candles.data]);

  return (
    <Panel
      title={t('title')}
      data-testid="candle-chart"
      actions={
        <fieldset className="flex gap-1">
          <legend className="sr-only">{t('interval')}</legend>
          {CHART_INTERVALS.map((option) => (
            <button
              key={option}
              type="button"
              aria-pressed={interval === option}
              onClick={() => setChartInterval(option)}
              className={cx(
                'rounded px-2 py-0.5 text-xs',
                interval === option ? 'bg-surface-2 font-semibold text-fg' : 'text-muted hover:text-fg',
              )}
            >
              {option}
            </button>
          ))}
        </fieldset>
      }
    >
      <div className="relative h-[320px] md:h-[420px]">
        <div
          ref={container}
          className="absolute inset-0"
          aria-label={t('label', { symbol, interval })}
          role="img"
        />
        {candles.data?.length === 0 ? (
          <p className="absolute inset-x-0 top-1/2 text-center text-sm text-muted">{t('empty')}</p>
        ) : null}
      </div>
      <PolledStatus polled={candles} />
    </Panel>
  );
}
