'use client';
import { cx, TextField } from '@tradeloom/ui';
import Link from 'next/link';
import { useLocale, useTranslations } from 'next-intl';
import { useMemo, useState } from 'react';
import { formatDecimal, formatPercent } from '../../lib/format';
import { useMarkets, useTickers } from '../../lib/market-data';
import { PolledStatus } from '../polled-status';

export function MarketsTable() {
  const t = useTranslations('markets');
  const locale = useLocale();
  const markets = useMarkets();
  const tickers = useTickers();
  const [query, setQuery] = useState('');

  const rows = useMemo(() => {
    const bySymbol = new Map((tickers.data ?? []).map((ticker) => [ticker.symbol, ticker]));
    const needle = query.trim().toUpperCase();
    return (markets.data ?? [])
      .filter((market) => needle === '' || `${market.symbol} ${market.base}/${market.quote}`.includes(needle))
      .map((market) => ({ market, ticker: bySymbol.get(market.symbol) }));
  }, [markets.data, tickers.data, query]);

  return (
    <div className="flex flex-col gap-3">
      <TextField
        label={t('search')}
        type="search"
        placeholder={t('searchPlaceholder')}
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        className="max-w-sm"
      />
      <div className="overflow-x-auto rounded-lg border border-line bg-surface">
        <table className="w-full min-w-[640px] text-sm">
          <thead className="text-left text-xs text-muted">
            <tr className="border-b border-line">
              <th scope="col" className="px-3 py-2 font-medium">
                {t('pair')}
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                {t('lastPrice')}
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                {t('change')}
              </th>
              <th scope="col" className="hidden px-3 py-2 text-right font-medium md:table-cell">
                {t('high')}
              </th>
              <th scope="col" className="hidden px-3 py-2 text-right font-medium md:table-cell">
                {t('low')}
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                {t('volume')}
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                <span className="sr-only">{t('trade')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ market, ticker }) => {
              const down = ticker?.priceChangePercent.startsWith('-') ?? false;
              return (
                <tr key={market.symbol} className="border-b border-line last:border-0 hover:bg-surface-2">
                  <th scope="row" className="px-3 py-2 text-left font-semibold">
                    <Link href={`/exchange/${market.symbol}`} className="hover:underline">
                      {market.base}
                      <span className="text-muted">/{market.quote}</span>
                    </Link>
                    {market.status === 'TRADING' ? null : (
                      <span className="ml-2 rounded bg-surface-2 px-1.5 py-0.5 text-xs text-muted">
                        {t('halted')}
                      </span>
                    )}
                  </th>
                  <td className="num px-3 py-2 text-right">
                    {ticker ? formatDecimal(ticker.lastPrice, locale) : '—'}
                  </td>
                  <td className={cx('num px-3 py-2 text-right', ticker && (down ? 'text-down' : 'text-up'))}>
                    {ticker ? formatPercent(ticker.priceChangePercent, locale) : '—'}
                  </td>
                  <td className="num hidden px-3 py-2 text-right md:table-cell">
                    {ticker ? formatDecimal(ticker.highPrice, locale) : '—'}
                  </td>
                  <td className="num hidden px-3 py-2 text-right md:table-cell">
                    {ticker ? formatDecimal(ticker.lowPrice, locale) : '—'}
                  </td>
                  <td className="num px-3 py-2 text-right">
                    {ticker ? `${formatDecimal(ticker.quoteVolume, locale, 2)} ${market.quote}` : '—'}
                  </td>
                  <td className="px-3 py-2 text-right">
                    <Link
                      href={`/exchange/${market.symbol}`}
                      aria-label={t('tradeMarket', { symbol: `${market.base}/${market.quote}` })}
                      className="rounded-md border border-line px-2 py-1 text-xs hover:bg-surface-2"
                    >
                      {t('trade')}
                    </Link>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <PolledStatus polled={markets} />
        {markets.data !== undefined && rows.length === 0 ? (
          <p role="status" className="px-3 py-4 text-center text-sm text-muted">
            {query.trim() === '' ? t('empty') : t('none', { query })}
          </p>
        ) : null}
      </div>
    </div>
  );
}
