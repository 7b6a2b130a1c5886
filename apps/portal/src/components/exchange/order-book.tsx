'use client';
import { Panel } from '@tradeloom/ui';
import { useLocale, useTranslations } from 'next-intl';
import { useId, useMemo } from 'react';
import { groupingSteps, groupLevels } from '../../lib/book-grouping';
import { addDec, type Dec, decToText, parseDec, ratioForDisplay } from '../../lib/decimal';
import { formatDecimal } from '../../lib/format';
import type { Book, BookLevel, Market } from '../../lib/types';
import type { Polled } from '../../lib/use-polled';
import { PolledStatus } from '../polled-status';

interface Row {
  price: string;
  qty: string;
  cumulative: Dec;
}

/** Levels best first with their running sums (the depth drawn behind each row). */
function withSums(levels: BookLevel[]): Row[] {
  let sum: Dec = { units: 0n, scale: 0 };
  return levels.map(([price, qty]) => {
    sum = addDec(sum, parseDec(qty) ?? { units: 0n, scale: 0 });
    return { price, qty, cumulative: sum };
  });
}

/** Levels shown per side. */
export const BOOK_ROWS = 16;

export function OrderBook({
  market,
  book,
  lastPrice,
  step,
  onStep,
  onPickPrice,
}: {
  market: Market;
  book: Polled<Book>;
  lastPrice: string | undefined;
  /** The price step levels are grouped by (the tick: none). */
  step: string;
  onStep(step: string): void;
  onPickPrice(price: string): void;
}) {
  const groupId = useId();
  const t = useTranslations('book');
  const locale = useLocale();
  const { asks, bids, deepest } = useMemo(() => {
    const askRows = withSums(groupLevels(book.data?.asks ?? [], step, 'ask', BOOK_ROWS));
    const bidRows = withSums(groupLevels(book.data?.bids ?? [], step, 'bid', BOOK_ROWS));
    const last = (rows: Row[]) => rows[rows.length - 1]?.cumulative ?? { units: 0n, scale: 0 };
    const a = last(askRows);
    const b = last(bidRows);
    const scale = Math.max(a.scale, b.scale);
    const deepestDec =
      a.units * 10n ** BigInt(scale - a.scale) > b.units * 10n ** BigInt(scale - b.scale) ? a : b;
    return { asks: askRows.reverse(), bids: bidRows, deepest: deepestDec };
  }, [book.data, step]);

  // Rows are grids (a table row cannot hold the depth bar otherwise); the bar sits in the first cell,
  // positioned against the row.
  const cols = 'grid grid-cols-2 sm:grid-cols-3';
  const row = (level: Row, side: 'ask' | 'bid') => {
    const depth = `${(ratioForDisplay(level.cumulative, deepest) * 100).toFixed(1)}%`;
    return (
      <tr key={`${side}-${level.price}`} data-side={side} className={`relative ${cols}`}>
        <td className="px-3 py-0.5">
          <span
            aria-hidden="true"
            className={`absolute inset-y-0 right-0 ${side === 'ask' ? 'bg-down-bg' : 'bg-up-bg'}`}
            style={{ width: depth }}
          />
          <button
            type="button"
            onClick={() => onPickPrice(level.price)}
            title={t('usePrice', { price: level.price })}
            className={`num relative hover:underline ${side === 'ask' ? 'text-down' : 'text-up'}`}
          >
            {formatDecimal(level.price, locale)}
          </button>
        </td>
        <td className="num relative px-3 py-0.5 text-right">{formatDecimal(level.qty, locale)}</td>
        <td className="num relative hidden px-3 py-0.5 text-right sm:block">
          {formatDecimal(decToText(level.cumulative), locale)}
        </td>
      </tr>
    );
  };

  const empty = book.data !== undefined && asks.length === 0 && bids.length === 0;
  return (
    <Panel
      title={t('title')}
      data-testid="order-book"
      actions={
        <span className="flex items-center gap-1 text-xs text-muted">
          <label htmlFor={groupId}>{t('group')}</label>
          <select
            id={groupId}
            value={step}
            onChange={(event) => onStep(event.target.value)}
            className="num rounded border border-line bg-surface-2 px-1 py-0.5 text-xs text-fg"
          >
            {groupingSteps(market.tickSize).map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        </span>
      }
    >
      <table className="block text-xs">
        <thead className="block text-muted">
          <tr className={cols}>
            <th scope="col" className="px-3 py-1 text-left font-medium">
              {t('price', { asset: market.quote })}
            </th>
            <th scope="col" className="px-3 py-1 text-right font-medium">
              {t('amount', { asset: market.base })}
            </th>
            <th scope="col" className="hidden px-3 py-1 text-right font-medium sm:block">
              {t('total')}
            </th>
          </tr>
        </thead>
        <tbody className="block" aria-label={t('asks')} data-testid="book-asks">
          {asks.map((level) => row(level, 'ask'))}
        </tbody>
        <tbody className="block" aria-label={t('last')}>
          <tr className="block border-y border-line">
            <td className="num block px-3 py-1.5 text-sm font-semibold">
              {lastPrice === undefined ? '—' : formatDecimal(lastPrice, locale)}
            </td>
          </tr>
        </tbody>
        <tbody className="block" aria-label={t('bids')} data-testid="book-bids">
          {bids.map((level) => row(level, 'bid'))}
        </tbody>
      </table>
      {empty ? <p className="px-3 py-3 text-center text-xs text-muted">{t('empty')}</p> : null}
      <PolledStatus polled={book} />
    </Panel>
  );
}
