'use client';
import { Alert, cx, TextField } from '@tradeloom/ui';
import Link from 'next/link';
import { useLocale, useTranslations } from 'next-intl';
import { useState } from 'react';
import { useErrorMessage } from '../../lib/error-message';
import { direction, formatDecimal, formatPercent, tradedPrice } from '../../lib/format';
import { useMarkets, useTickers } from '../../lib/market-data';
import { useSession } from '../../lib/session';
import { usePolled } from '../../lib/use-polled';
import { PolledStatus } from '../polled-status';

export function MarketsTable() {
  const t = useTranslations('markets');
  const locale = useLocale();
  const markets = useMarkets();
  const tickers = useTickers();
  const { session, request } = useSession();
  const errorMessage = useErrorMessage();
  const [query, setQuery] = useState('');
  const [onlyFavorites, setOnlyFavorites] = useState(false);
  const [favoriteError, setFavoriteError] = useState<string | null>(null);
  const signedIn = session.status === 'signed_in';
  const favorites = usePolled(
    signedIn ? `favorites:${session.user.id}` : null,
    async (signal) => (await request<{ symbols: string[] }>('/api/v1/spot/favorites', { signal })).symbols,
    60_000,
  );
  // The answer of the last toggle is newer than the last poll.
  const [toggled, setToggled] = useState<string[] | null>(null);
  const favoriteSymbols = new Set(toggled ?? favorites.data ?? []);

  async function toggleFavorite(symbol: string) {
    setFavoriteError(null);
    try {
      const answer = await request<{ symbols: string[] }>(
        `/api/v1/spot/favorites/${encodeURIComponent(symbol)}`,
        {
          method: favoriteSymbols.has(symbol) ? 'DELETE' : 'PUT',
        },
      );
      setToggled(answer.symbols);
    } catch (error) {
      setFavoriteError(errorMessage(error));
    }
  }

  // A market without a trade yet shows dashes rather than zeros.
  const bySymbol = new Map(
    (tickers.data ?? [])
      .filter((ticker) => tradedPrice(ticker.lastPrice) !== undefined)
      .map((ticker) => [ticker.symbol, ticker]),
  );
  const needle = query.trim().toUpperCase();
  const rows = (markets.data ?? [])
    .filter((market) => needle === '' || `${market.symbol} ${market.base}/${market.quote}`.includes(needle))
    .filter((market) => !onlyFavorites || favoriteSymbols.has(market.symbol))
    .map((market) => ({ market, ticker: bySymbol.get(market.symbol) }));

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-end gap-3">
        <TextField
          label={t('search')}
          type="search"
          placeholder={t('searchPlaceholder')}
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          className="w-full max-w-sm"
        />
        {signedIn ? (
          <label className="flex items-center gap-2 pb-2 text-sm">
            <input
              type="checkbox"
              checked={onlyFavorites}
              onChange={(event) => setOnlyFavorites(event.target.checked)}
              className="size-4 accent-[var(--accent)]"
            />
            {t('onlyFavorites')}
          </label>
        ) : null}
      </div>
      {favoriteError === null ? null : <Alert tone="error">{favoriteError}</Alert>}
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
              const move = ticker === undefined ? 'flat' : direction(ticker.priceChangePercent);
              const pair = `${market.base}/${market.quote}`;
              const favorite = favoriteSymbols.has(market.symbol);
              return (
                <tr key={market.symbol} className="border-b border-line last:border-0 hover:bg-surface-2">
                  <th scope="row" className="px-3 py-2 text-left font-semibold">
                    <span className="flex items-center gap-2">
                      {signedIn ? (
                        <button
                          type="button"
                          aria-pressed={favorite}
                          aria-label={t('favorite', { pair })}
                          onClick={() => void toggleFavorite(market.symbol)}
                          className={cx(
                            'text-base leading-none',
                            favorite ? 'text-brand' : 'text-muted hover:text-fg',
                          )}
                        >
                          {favorite ? '★' : '☆'}
                        </button>
                      ) : null}
                      <Link href={`/exchange/${market.symbol}`} className="hover:underline">
                        {market.base}
                        <span className="text-muted">/{market.quote}</span>
                      </Link>
                      {market.status === 'TRADING' ? null : (
                        <span className="rounded bg-surface-2 px-1.5 py-0.5 text-xs text-muted">
                          {t('halted')}
                        </span>
                      )}
                    </span>
                  </th>
                  <td className="num px-3 py-2 text-right">
                    {ticker ? formatDecimal(ticker.lastPrice, locale) : '—'}
                  </td>
                  <td
                    className={cx(
                      'num px-3 py-2 text-right',
                      move === 'up' && 'text-up',
                      move === 'down' && 'text-down',
                    )}
                  >
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
                      aria-label={t('tradeMarket', { symbol: pair })}
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
            {query.trim() !== '' ? t('none', { query }) : onlyFavorites ? t('noFavorites') : t('empty')}
          </p>
        ) : null}
      </div>
    </div>
  );
}
