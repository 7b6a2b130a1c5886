'use client';
import { Alert } from '@tradeloom/ui';
import { useTranslations } from 'next-intl';
import { useCallback, useState } from 'react';
import { groupingSteps } from '../../lib/book-grouping';
import { tradedPrice } from '../../lib/format';
import { useBook, useMarkets, useTickers, useTrades } from '../../lib/market-data';
import { useSession } from '../../lib/session';
import type { Balances, Order } from '../../lib/types';
import { usePolled } from '../../lib/use-polled';
import { PolledStatus } from '../polled-status';
import { CandleChart } from './candle-chart';
import { MarketHeader } from './market-header';
import { BOOK_ROWS, OrderBook } from './order-book';
import { OrderForm } from './order-form';
import { OrdersPanel } from './orders-panel';
import { RecentTrades } from './recent-trades';

export function ExchangeScreen({ symbol }: { symbol: string }) {
  const t = useTranslations('exchange');
  const markets = useMarkets();
  const market = markets.data?.find((candidate) => candidate.symbol === symbol);
  if (markets.data === undefined) return <PolledStatus polled={markets} />;
  if (market === undefined) {
    return (
      <Alert tone="error" className="max-w-lg">
        {t('unknownMarket', { symbol })}
      </Alert>
    );
  }
  return <Trading key={market.symbol} market={market} />;
}

function Trading({ market }: { market: NonNullable<ReturnType<typeof useMarkets>['data']>[number] }) {
  const { session, request } = useSession();
  const signedIn = session.status === 'signed_in';
  const tickers = useTickers(1_000);
  const [step, setStep] = useState(() => groupingSteps(market.tickSize)[0] ?? market.tickSize);
  // Grouped levels need more of the book than the rows they fill.
  const book = useBook(market.symbol, step === groupingSteps(market.tickSize)[0] ? BOOK_ROWS : 500);
  const trades = useTrades(market.symbol);
  const orders = usePolled(
    signedIn ? `open-orders:${market.symbol}:${session.user.id}` : null,
    async (signal) =>
      (
        await request<{ orders: Order[] }>(
          `/api/v1/spot/orders?symbol=${encodeURIComponent(market.symbol)}&open=true`,
          { signal },
        )
      ).orders
        .slice()
        .reverse(),
    2_000,
  );
  const balances = usePolled(
    signedIn ? `balances:${session.user.id}` : null,
    (signal) => request<Balances>('/api/v1/wallet/balances', { signal }),
    5_000,
  );
  const [pickedPrice, setPickedPrice] = useState<{ price: string } | null>(null);
  const found = tickers.data?.find((candidate) => candidate.symbol === market.symbol);
  // No trade yet: nothing to show rather than zeros.
  const ticker = tradedPrice(found?.lastPrice) === undefined ? undefined : found;

  const { refresh: refreshBook } = book;
  const { refresh: refreshTrades } = trades;
  const { refresh: refreshOrders } = orders;
  const { refresh: refreshBalances } = balances;
  const changed = useCallback(() => {
    refreshBook();
    refreshTrades();
    refreshOrders();
    refreshBalances();
  }, [refreshBook, refreshTrades, refreshOrders, refreshBalances]);

  return (
    <div className="flex flex-col gap-3">
      <MarketHeader market={market} ticker={ticker} />
      <div className="exchange-grid">
        <div style={{ gridArea: 'chart' }}>
          <CandleChart symbol={market.symbol} />
        </div>
        <div style={{ gridArea: 'book' }}>
          <OrderBook
            market={market}
            book={book}
            lastPrice={ticker?.lastPrice}
            step={step}
            onStep={setStep}
            onPickPrice={(price) => setPickedPrice({ price })}
          />
        </div>
        <div style={{ gridArea: 'form' }}>
          <OrderForm market={market} pickedPrice={pickedPrice} balances={balances.data} onPlaced={changed} />
        </div>
        <div style={{ gridArea: 'trades' }}>
          <RecentTrades market={market} trades={trades} />
        </div>
      </div>
      <OrdersPanel market={market} orders={orders} onCancelled={changed} />
    </div>
  );
}
