'use client';
import { cx } from '@tradeloom/ui';
import Link from 'next/link';
import { useLocale, useTranslations } from 'next-intl';
import { api } from '../../lib/api';
import { direction, formatDecimal, formatPercent, tradedPrice } from '../../lib/format';
import { useMarkets, useTickers } from '../../lib/market-data';
import type { Market, Ticker } from '../../lib/types';
import { usePolled } from '../../lib/use-polled';
import { PolledStatus } from '../polled-status';
import { Sparkline } from './sparkline';

const CARDS = 8;

/** The home page's cards: the first markets with price, 24 h change, volume and a 24 h sparkline. */
export function MarketOverview() {
  const t = useTranslations('home');
  const markets = useMarkets();
  const tickers = useTickers(5_000);
  const shown = (markets.data ?? []).slice(0, CARDS);
  return (
    <section aria-labelledby="overview-heading" className="flex flex-col gap-3">
      <div className="flex items-baseline justify-between">
        <h2 id="overview-heading" className="text-lg font-semibold">
          {t('overview')}
        </h2>
        <Link href="/markets" className="text-sm underline">
          {t('allMarkets')}
        </Link>
      </div>
      <PolledStatus polled={markets} />
      <ul className="grid gap-3 sm:grid-cols-2 xl:grid-cols-4">
        {shown.map((market) => (
          <MarketCard
            key={market.symbol}
            market={market}
            ticker={tickers.data?.find((ticker) => ticker.symbol === market.symbol)}
          />
        ))}
      </ul>
    </section>
  );
}

function MarketCard({ market, ticker }: { market: Market; ticker: Ticker | undefined }) {
  const t = useTranslations('home');
  const locale = useLocale();
  const candles = usePolled(
    `spark:${market.symbol}`,
    async (signal) =>
      (
        await api<{ candles: { close: string }[] }>(
          `/api/v1/spot/markets/${encodeURIComponent(market.symbol)}/candles?interval=1h&limit=24`,
          { signal },
        )
      ).candles.map((candle) => candle.close),
    60_000,
  );
  const traded = tradedPrice(ticker?.lastPrice) !== undefined ? ticker : undefined;
  const move = traded === undefined ? 'flat' : direction(traded.priceChangePercent);
  const pair = `${market.base}/${market.quote}`;
  return (
    <li className="rounded-lg border border-line bg-surface p-3">
      <Link
        href={`/exchange/${market.symbol}`}
        className="flex items-center justify-between gap-3 hover:underline"
      >
        <span className="font-semibold">
          {market.base}
          <span className="text-muted">/{market.quote}</span>
        </span>
        <span className={cx('num text-sm', move === 'up' && 'text-up', move === 'down' && 'text-down')}>
          {traded ? formatPercent(traded.priceChangePercent, locale) : '—'}
        </span>
      </Link>
      <p className="num mt-1 text-xl font-semibold">
        {traded ? formatDecimal(traded.lastPrice, locale) : '—'}
      </p>
      <div className="mt-1 flex items-end justify-between gap-2">
        <p className="num text-xs text-muted">
          {t('volume', {
            amount: traded ? formatDecimal(traded.quoteVolume, locale, 0) : '0',
            asset: market.quote,
          })}
        </p>
        <Sparkline closes={candles.data ?? []} label={t('sparkline', { pair })} tone={move} />
      </div>
    </li>
  );
}
