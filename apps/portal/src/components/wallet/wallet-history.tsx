'use client';
import { Button, cx, Panel, StatusLine } from '@tradeloom/ui';
import { useLocale, useTranslations } from 'next-intl';
import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import { useErrorMessage } from '../../lib/error-message';
import { formatDecimal } from '../../lib/format';
import { useSession } from '../../lib/session';
import { WALLET_TYPES } from './wallet-types';

const KINDS = [
  'deposit',
  'withdrawal',
  'internal',
  'wallet',
  'trade',
  'fee',
  'order',
  'hold',
  'release',
] as const;

interface Entry {
  id: string;
  at: string;
  kind: string;
  asset: string;
  wallet: string | null;
  amount: string;
  reference: string;
}

interface Filters {
  asset: string;
  kind: string;
  wallet: string;
  from: string;
  to: string;
}

function queryOf(filters: Filters): URLSearchParams {
  const query = new URLSearchParams();
  if (filters.asset.trim() !== '') query.set('asset', filters.asset.trim().toUpperCase());
  if (filters.kind !== '') query.set('kind', filters.kind);
  if (filters.wallet !== '') query.set('wallet', filters.wallet);
  // Dates are the user's local days: from the start of `from` to the end of `to`.
  if (filters.from !== '') query.set('from', new Date(`${filters.from}T00:00:00`).toISOString());
  if (filters.to !== '') {
    const end = new Date(`${filters.to}T00:00:00`);
    end.setDate(end.getDate() + 1);
    query.set('to', end.toISOString());
  }
  return query;
}

/** The wallet's history (every balance change), filtered, page by page, and as a CSV download. */
export function WalletHistory({ userId, version }: { userId: string; version: number }) {
  const t = useTranslations('history');
  const walletNames = useTranslations('wallet.types');
  const locale = useLocale();
  const errorMessage = useErrorMessage();
  const { request } = useSession();
  const ids = { asset: useId(), kind: useId(), wallet: useId(), from: useId(), to: useId() };
  const [filters, setFilters] = useState<Filters>({ asset: '', kind: '', wallet: '', from: '', to: '' });
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const time = useMemo(
    () => new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' }),
    [locale],
  );
  const query = queryOf(filters).toString();

  const load = useCallback(
    async (after: string | null) => {
      setBusy(true);
      setError(null);
      try {
        const params = new URLSearchParams(query);
        params.set('limit', '50');
        if (after !== null) params.set('cursor', after);
        const page = await request<{ entries: Entry[]; nextCursor: string | null }>(
          `/api/v1/wallet/history?${params}`,
        );
        setEntries((current) => (after === null ? page.entries : [...(current ?? []), ...page.entries]));
        setCursor(page.nextCursor);
      } catch (failure) {
        setError(errorMessage(failure));
      } finally {
        setBusy(false);
      }
    },
    [query, request, errorMessage],
  );

  // Filters, the user and own changes (version) start the list over.
  useEffect(() => {
    void userId;
    void version;
    void load(null);
  }, [load, userId, version]);

  const field = 'rounded-md border border-line bg-surface-2 px-2 py-1.5 text-sm text-fg';
  const set = (name: keyof Filters) => (event: { target: { value: string } }) =>
    setFilters((current) => ({ ...current, [name]: event.target.value }));
  return (
    <Panel
      title={t('title')}
      data-testid="wallet-history"
      actions={
        <a
          href={`/api/v1/wallet/history?${new URLSearchParams([...new URLSearchParams(query), ['format', 'csv']])}`}
          download="wallet-history.csv"
          className="rounded-md border border-line px-2 py-1 text-xs hover:bg-surface-2"
        >
          {t('csv')}
        </a>
      }
    >
      <div className="flex flex-wrap items-end gap-3 border-b border-line p-3">
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.asset} className="text-xs text-muted">
            {t('asset')}
          </label>
          <input id={ids.asset} className={cx(field, 'w-24')} value={filters.asset} onChange={set('asset')} />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.kind} className="text-xs text-muted">
            {t('kind')}
          </label>
          <select id={ids.kind} className={field} value={filters.kind} onChange={set('kind')}>
            <option value="">{t('all')}</option>
            {KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {t(`kinds.${kind}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.wallet} className="text-xs text-muted">
            {t('wallet')}
          </label>
          <select id={ids.wallet} className={field} value={filters.wallet} onChange={set('wallet')}>
            <option value="">{t('all')}</option>
            {WALLET_TYPES.map((wallet) => (
              <option key={wallet} value={wallet}>
                {walletNames(wallet)}
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.from} className="text-xs text-muted">
            {t('from')}
          </label>
          <input id={ids.from} type="date" className={field} value={filters.from} onChange={set('from')} />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.to} className="text-xs text-muted">
            {t('to')}
          </label>
          <input id={ids.to} type="date" className={field} value={filters.to} onChange={set('to')} />
        </div>
      </div>
      <div className="overflow-x-auto">
        <table className="w-full min-w-[640px] text-sm">
          <thead className="text-left text-xs text-muted">
            <tr>
              <th scope="col" className="px-3 py-2 font-medium">
                {t('time')}
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                {t('kind')}
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                {t('wallet')}
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                {t('asset')}
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                {t('amount')}
              </th>
            </tr>
          </thead>
          <tbody>
            {(entries ?? []).map((entry) => (
              <tr key={entry.id} className="border-t border-line">
                <td className="num px-3 py-1.5 text-muted">{time.format(new Date(entry.at))}</td>
                <td className="px-3 py-1.5">
                  {(KINDS as readonly string[]).includes(entry.kind)
                    ? t(`kinds.${entry.kind as (typeof KINDS)[number]}`)
                    : entry.kind}
                </td>
                <td className="px-3 py-1.5">
                  {entry.wallet !== null && (WALLET_TYPES as readonly string[]).includes(entry.wallet)
                    ? walletNames(entry.wallet as (typeof WALLET_TYPES)[number])
                    : (entry.wallet ?? '—')}
                </td>
                <td className="px-3 py-1.5 font-semibold">{entry.asset}</td>
                <td
                  className={cx(
                    'num px-3 py-1.5 text-right',
                    entry.amount.startsWith('-')
                      ? 'text-down'
                      : /^[0.]*$/.test(entry.amount)
                        ? ''
                        : 'text-up',
                  )}
                >
                  {entry.amount.startsWith('-') ? '' : '+'}
                  {formatDecimal(entry.amount, locale)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {entries?.length === 0 ? <StatusLine>{t('empty')}</StatusLine> : null}
      {entries === null && error === null ? <StatusLine>{t('loading')}</StatusLine> : null}
      {error === null ? null : <StatusLine>{error}</StatusLine>}
      {cursor === null ? null : (
        <div className="p-3">
          <Button variant="ghost" busy={busy} onClick={() => void load(cursor)}>
            {t('more')}
          </Button>
        </div>
      )}
    </Panel>
  );
}
