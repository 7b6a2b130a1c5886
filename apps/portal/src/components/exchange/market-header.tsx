'use client';
import { cx } from '@tradeloom/ui';
import Link from 'next/link';
import { useLocale, useTranslations } from 'next-intl';
import { direction, formatDecimal, formatPercent } from '../../lib/format';
import type { Market, Ticker } from '../../lib/types';

export function MarketHeader({ market, ticker }: { market: Market; ticker: Ticker | undefined }) {
  const t = useTranslations('exchange');
  const locale = useLocale();
  const move = ticker === undefined ? 'flat' : direction(ticker.priceChangePercent);
  const tone = move === 'up' ? 'text-up' : move === 'down' ? 'text-down' : undefined;
  const stat = (label: string, value: string | undefined, className?: string) => (
    <div className="flex flex-col">
      <dt className="text-xs text-muted">{label}</dt>
      <dd className={cx('num text-sm', className)}>{value ?? '—'}</dd>
    </div>
  );
  return (
    <div className="flex flex-wrap items-center gap-x-6 gap-y-2 rounded-lg border border-line bg-surface px-3 py-2">
      <div className="flex flex-col">
        <h1 className="text-lg font-bold">
          {market.base}
          <span className="text-muted">/{market.quote}</span>
        </h1>
        <Link href="/markets" className="text-xs text-muted underline hover:text-fg">
          {t('allMarkets')}
        </Link>
      </div>
      <dl className="flex flex-wrap gap-x-6 gap-y-2">
        {stat(
          t('lastPrice'),
          ticker && formatDecimal(ticker.lastPrice, locale),
          cx('text-base font-semibold', tone),
        )}
        {stat(t('change'), ticker && formatPercent(ticker.priceChangePercent, locale), tone)}
        {stat(t('high'), ticker && formatDecimal(ticker.highPrice, locale))}
        {stat(t('low'), ticker && formatDecimal(ticker.lowPrice, locale))}
        {stat(t('volume', { asset: market.quote }), ticker && formatDecimal(ticker.quoteVolume, locale, 2))}
      </dl>
    </div>
  );
}
