'use client';
import { Alert, Button, StatusLine } from '@tradeloom/ui';
import { useLocale, useTranslations } from 'next-intl';
import { useMemo, useState } from 'react';
import { useErrorMessage } from '../../lib/error-message';
import { formatDecimal } from '../../lib/format';
import { useSession } from '../../lib/session';
import type { Market, Order } from '../../lib/types';
import type { Polled } from '../../lib/use-polled';
import { PolledStatus } from '../polled-status';

export function OpenOrders({
  market,
  orders,
  onCancelled,
}: {
  market: Market;
  orders: Polled<Order[]>;
  onCancelled(): void;
}) {
  const t = useTranslations('openOrders');
  const common = useTranslations('common');
  const locale = useLocale();
  const errorMessage = useErrorMessage();
  const { session, request } = useSession();
  const [cancelling, setCancelling] = useState<number | null>(null);
  const [outcome, setOutcome] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const time = useMemo(
    () => new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' }),
    [locale],
  );

  async function cancelAll() {
    setCancelling(-1);
    setOutcome(null);
    try {
      const answer = await request<{ orders: Order[] }>('/api/v1/spot/orders/cancel-all', {
        method: 'POST',
        body: { symbol: market.symbol },
      });
      setOutcome({ tone: 'success', text: t('cancelledAll', { count: answer.orders.length }) });
      onCancelled();
    } catch (error) {
      setOutcome({ tone: 'error', text: errorMessage(error) });
    } finally {
      setCancelling(null);
    }
  }

  async function cancel(order: Order) {
    setCancelling(order.orderId);
    setOutcome(null);
    try {
      await request('/api/v1/spot/orders/cancel', {
        method: 'POST',
        body: { symbol: market.symbol, orderId: order.orderId },
      });
      setOutcome({ tone: 'success', text: t('cancelled', { orderId: order.orderId }) });
      onCancelled();
    } catch (error) {
      setOutcome({ tone: 'error', text: errorMessage(error) });
    } finally {
      setCancelling(null);
    }
  }

  const columns = ['time', 'side', 'type', 'price', 'amount', 'filled'] as const;
  return (
    <div data-testid="open-orders">
      {session.status !== 'signed_in' ? (
        <StatusLine>{common('signInToSee')}</StatusLine>
      ) : (
        <>
          <div className="max-h-[360px] overflow-auto">
            <table className="w-full min-w-[560px] text-xs">
              <thead className="text-left text-muted">
                <tr>
                  {columns.map((column) => (
                    <th
                      key={column}
                      scope="col"
                      className={`px-3 py-1.5 font-medium ${column === 'time' || column === 'side' || column === 'type' ? '' : 'text-right'}`}
                    >
                      {t(column)}
                    </th>
                  ))}
                  <th scope="col" className="px-3 py-1 text-right font-medium">
                    {(orders.data?.length ?? 0) > 0 ? (
                      <Button
                        variant="ghost"
                        className="px-2 py-0.5 text-xs"
                        busy={cancelling === -1}
                        onClick={() => void cancelAll()}
                      >
                        {t('cancelAll')}
                      </Button>
                    ) : (
                      <span className="sr-only">{t('actions')}</span>
                    )}
                  </th>
                </tr>
              </thead>
              <tbody>
                {(orders.data ?? []).map((order) => (
                  <tr key={order.orderId} className="border-t border-line" data-order-id={order.orderId}>
                    <td className="num px-3 py-1.5 text-muted">{time.format(order.time)}</td>
                    <td
                      className={`px-3 py-1.5 font-semibold ${order.side === 'BUY' ? 'text-up' : 'text-down'}`}
                    >
                      {order.side === 'BUY' ? t('BUY') : t('SELL')}
                    </td>
                    <td className="px-3 py-1.5">{order.type}</td>
                    <td className="num px-3 py-1.5 text-right">
                      {order.type === 'MARKET' ? t('marketPrice') : formatDecimal(order.price, locale)}
                    </td>
                    <td className="num px-3 py-1.5 text-right">{formatDecimal(order.origQty, locale)}</td>
                    <td className="num px-3 py-1.5 text-right">{formatDecimal(order.executedQty, locale)}</td>
                    <td className="px-3 py-1 text-right">
                      <Button
                        variant="ghost"
                        className="px-2 py-1 text-xs"
                        busy={cancelling === order.orderId}
                        aria-label={t('cancelOrder', { orderId: order.orderId })}
                        onClick={() => void cancel(order)}
                      >
                        {t('cancel')}
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {orders.data?.length === 0 ? <StatusLine>{t('empty')}</StatusLine> : null}
          <PolledStatus polled={orders} />
          {outcome === null ? null : (
            <div className="p-3">
              <Alert tone={outcome.tone}>{outcome.text}</Alert>
            </div>
          )}
        </>
      )}
    </div>
  );
}
