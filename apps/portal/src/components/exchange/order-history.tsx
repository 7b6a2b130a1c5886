'use client';
import { StatusLine } from '@tradeloom/ui';
import { useLocale, useTranslations } from 'next-intl';
import { useMemo } from 'react';
import { formatDecimal } from '../../lib/format';
import { useSession } from '../../lib/session';
import type { Market, Order } from '../../lib/types';
import { usePolled } from '../../lib/use-polled';
import { PolledStatus } from '../polled-status';

/** The user's orders of the market that are no longer open, newest first. */
export function OrderHistory({ market, userId }: { market: Market; userId: string }) {
  const t = useTranslations('orderHistory');
  const sides = useTranslations('openOrders');
  const locale = useLocale();
  const { request } = useSession();
  const time = useMemo(
    () => new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' }),
    [locale],
  );
  const orders = usePolled(
    `order-history:${market.symbol}:${userId}`,
    async (signal) =>
      (
        await request<{ orders: Order[] }>(
          `/api/v1/spot/orders?symbol=${encodeURIComponent(market.symbol)}&open=false&limit=100`,
          { signal },
        )
      ).orders
        .filter((order) => order.status !== 'NEW' && order.status !== 'PARTIALLY_FILLED')
        .reverse(),
    5_000,
  );
  const columns = ['time', 'side', 'type', 'price', 'amount', 'filled', 'status'] as const;
  return (
    <div data-testid="order-history">
      <div className="max-h-[360px] overflow-auto">
        <table className="w-full min-w-[560px] text-xs">
          <thead className="text-left text-muted">
            <tr>
              {columns.map((column) => (
                <th
                  key={column}
                  scope="col"
                  className={`px-3 py-1.5 font-medium ${['price', 'amount', 'filled'].includes(column) ? 'text-right' : ''}`}
                >
                  {t(column)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(orders.data ?? []).map((order) => (
              <tr key={order.orderId} className="border-t border-line">
                <td className="num px-3 py-1.5 text-muted">{time.format(order.time)}</td>
                <td className={`px-3 py-1.5 font-semibold ${order.side === 'BUY' ? 'text-up' : 'text-down'}`}>
                  {order.side === 'BUY' ? sides('BUY') : sides('SELL')}
                </td>
                <td className="px-3 py-1.5">{order.type}</td>
                <td className="num px-3 py-1.5 text-right">
                  {order.type === 'MARKET' ? sides('marketPrice') : formatDecimal(order.price, locale)}
                </td>
                <td className="num px-3 py-1.5 text-right">{formatDecimal(order.origQty, locale)}</td>
                <td className="num px-3 py-1.5 text-right">{formatDecimal(order.executedQty, locale)}</td>
                <td className="px-3 py-1.5">{order.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {orders.data?.length === 0 ? <StatusLine>{t('empty')}</StatusLine> : null}
      <PolledStatus polled={orders} />
    </div>
  );
}
