'use client';
import { cx, StatusLine } from '@tradeloom/ui';
import { useTranslations } from 'next-intl';
import { type KeyboardEvent, useId, useRef, useState } from 'react';
import { useSession } from '../../lib/session';
import type { Market, Order } from '../../lib/types';
import type { Polled } from '../../lib/use-polled';
import { OpenOrders } from './open-orders';
import { OrderHistory } from './order-history';
import { TradeHistory } from './trade-history';

const TABS = ['open', 'history', 'trades'] as const;
type Tab = (typeof TABS)[number];

/** Open orders, order history and trade history of the market, as tabs (arrow keys move between them). */
export function OrdersPanel({
  market,
  orders,
  onCancelled,
}: {
  market: Market;
  orders: Polled<Order[]>;
  onCancelled(): void;
}) {
  const t = useTranslations('ordersPanel');
  const common = useTranslations('common');
  const { session } = useSession();
  const [tab, setTab] = useState<Tab>('open');
  const id = useId();
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  const labels: Record<Tab, string> = {
    open: t('open', { count: orders.data?.length ?? 0 }),
    history: t('history'),
    trades: t('trades'),
  };

  function onKeyDown(event: KeyboardEvent) {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    const next = TABS[(TABS.indexOf(tab) + step + TABS.length) % TABS.length] ?? 'open';
    setTab(next);
    buttons.current[TABS.indexOf(next)]?.focus();
  }

  return (
    <section
      aria-label={t('title')}
      className="flex min-w-0 flex-col rounded-lg border border-line bg-surface"
    >
      <div role="tablist" aria-label={t('title')} className="flex gap-1 border-b border-line px-2 pt-2">
        {TABS.map((name, index) => (
          <button
            key={name}
            ref={(element) => {
              buttons.current[index] = element;
            }}
            type="button"
            role="tab"
            id={`${id}-${name}-tab`}
            aria-selected={tab === name}
            aria-controls={`${id}-${name}-panel`}
            tabIndex={tab === name ? 0 : -1}
            onClick={() => setTab(name)}
            onKeyDown={onKeyDown}
            className={cx(
              '-mb-px border-b-2 px-3 py-1.5 text-sm',
              tab === name
                ? 'border-accent font-semibold text-fg'
                : 'border-transparent text-muted hover:text-fg',
            )}
          >
            {labels[name]}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${id}-${tab}-panel`} aria-labelledby={`${id}-${tab}-tab`}>
        {tab === 'open' ? (
          <OpenOrders market={market} orders={orders} onCancelled={onCancelled} />
        ) : session.status !== 'signed_in' ? (
          <StatusLine>{common('signInToSee')}</StatusLine>
        ) : tab === 'history' ? (
          <OrderHistory market={market} userId={session.user.id} />
        ) : (
          <TradeHistory market={market} userId={session.user.id} />
        )}
      </div>
    </section>
  );
}
