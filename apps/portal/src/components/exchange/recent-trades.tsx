'use client';
import { Panel } from '@tradeloom/ui';
import { useLocale, useTranslations } from 'next-intl';
import { useMemo } from 'react';
import { formatDecimal } from '../../lib/format';
import type { Market, PublicTrade } from '../../lib/types';
import type { Polled } from '../../lib/use-polled';
import { PolledStatus } from '../polled-status';

export function RecentTrades({ market, trades }: { market: Market; trades: Polled<PublicTrade[]> }) {
  const t = useTranslations('trades');
  const locale = useLocale();
  const time = useMemo(() => new Intl.DateTimeFormat(locale, { timeStyle: 'medium' }), [locale]);
  return (
    <Panel title={t('title')} data-testid="recent-trades">
      <table className="w-full text-xs">
        <thead className="text-muted">
          <tr>
            <th scope="col" className="px-3 py-1 text-left font-medium">
              {t('price', { asset: market.quote })}
            </th>
            <th scope="col" className="px-3 py-1 text-right font-medium">
              {t('amount', { asset: market.base })}
            </th>
            <th scope="col" className="px-3 py-1 text-right font-medium">
              {t('time')}
            </th>
          </tr>
        </thead>
        <tbody>
          {(trades.data ?? []).map((trade) => (
            <tr key={trade.id}>
              {/* The buyer made the book: a seller took it, shown as a down move. */}
              <td className={`num px-3 py-0.5 ${trade.isBuyerMaker ? 'text-down' : 'text-up'}`}>
                {formatDecimal(trade.price, locale)}
              </td>
              <td className="num px-3 py-0.5 text-right">{formatDecimal(trade.qty, locale)}</td>
              <td className="num px-3 py-0.5 text-right text-muted">{time.format(trade.time)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {trades.data?.length === 0 ? (
        <p className="px-3 py-3 text-center text-xs text-muted">{t('empty')}</p>
      ) : null}
      <PolledStatus polled={trades} />
    </Panel>
  );
}
