'use client';
import { StatusLine } from '@tradeloom/ui';
import { useLocale, useTranslations } from 'next-intl';
import { useMemo } from 'react';
import { formatDecimal } from '../../lib/format';
import { useSession } from '../../lib/session';
import type { Market } from '../../lib/types';
import { usePolled } from '../../lib/use-polled';
import { PolledStatus } from '../polled-status';

interface MyTrade {
  id: number;
  orderId: number;
  price: string;
  qty: string;
  quoteQty: string;
  commission: string;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
}

/** The user's fills in the market, newest first, with their fees. */
export function TradeHistory({ market, userId }: { market: Market; userId: string }) {
  const t = useTranslations('tradeHistory');
  const sides = useTranslations('openOrders');
  const locale = useLocale();
  const { request } = useSession();
  const time = useMemo(
    () => new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' }),
    [locale],
  );
  const trades = usePolled(
    `my-trades:${market.symbol}:${userId}`,
    async (signal) =>
      (
        await request<{ trades: MyTrade[] }>(
          `/api/v1/spot/my-trades?symbol=${encodeURIComponent(market.symbol)}&limit=100`,
          { signal },
        )
      ).trades
        .slice()
        .reverse(),
    5_000,
  );
  return (
    <div data-testid="trade-history">
      <div className="max-h-[360px] overflow-auto">
        <table className="w-full min-w-[560px] text-xs">
          <thead className="text-left text-muted">
            <tr>
              <th scope="col" className="px-3 py-1.5 font-medium">
                {t('time')}
              </th>
              <th scope="col" className="px-3 py-1.5 font-medium">
                {t('side')}
              </th>
              <th scope="col" className="px-3 py-1.5 text-right font-medium">
                {t('price')}
              </th>
              <th scope="col" className="px-3 py-1.5 text-right font-medium">
                {t('amount')}
              </th>
              <th scope="col" className="px-3 py-1.5 text-right font-medium">
                {t('total', { asset: market.quote })}
              </th>
              <th scope="col" className="px-3 py-1.5 text-right font-medium">
                {t('fee')}
              </th>
              <th scope="col" className="px-3 py-1.5 font-medium">
                {t('role')}
              </th>
            </tr>
          </thead>
          <tbody>
            {(trades.data ?? []).map((trade) => (
              <tr key={trade.id} className="border-t border-line">
                <td className="num px-3 py-1.5 text-muted">{time.format(trade.time)}</td>
                <td className={`px-3 py-1.5 font-semibold ${trade.isBuyer ? 'text-up' : 'text-down'}`}>
                  {trade.isBuyer ? sides('BUY') : sides('SELL')}
                </td>
                <td className="num px-3 py-1.5 text-right">{formatDecimal(trade.price, locale)}</td>
                <td className="num px-3 py-1.5 text-right">{formatDecimal(trade.qty, locale)}</td>
                <td className="num px-3 py-1.5 text-right">{formatDecimal(trade.quoteQty, locale)}</td>
                <td className="num px-3 py-1.5 text-right">
                  {formatDecimal(trade.commission, locale)} {trade.commissionAsset}
                </td>
                <td className="px-3 py-1.5">{trade.isMaker ? t('maker') : t('taker')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {trades.data?.length === 0 ? <StatusLine>{t('empty')}</StatusLine> : null}
      <PolledStatus polled={trades} />
    </div>
  );
}
