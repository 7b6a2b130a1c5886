'use client';
import { Alert, Button, Panel, TextField } from '@tradeloom/ui';
import { useLocale, useTranslations } from 'next-intl';
import { type FormEvent, useId, useState } from 'react';
import { compareDec, normalizeDecimalInput, parseDec } from '../../lib/decimal';
import { useErrorMessage } from '../../lib/error-message';
import { formatDecimal } from '../../lib/format';
import { useSession } from '../../lib/session';
import type { Balances } from '../../lib/types';
import { WALLET_TYPES, type WalletType } from './wallet-types';

function newClientTransferId(): string {
  return `portal-${crypto.randomUUID()}`;
}

/** Moves an asset between the user's own wallets (one idempotency key per draft: a retry never moves twice). */
export function TransferForm({ balances, onMoved }: { balances: Balances; onMoved(): void }) {
  const t = useTranslations('transfer');
  const walletNames = useTranslations('wallet.types');
  const locale = useLocale();
  const errorMessage = useErrorMessage();
  const { request } = useSession();
  const ids = { asset: useId(), from: useId(), to: useId() };
  const assets = [...new Set(balances.balances.map((balance) => balance.asset))].sort();
  const [asset, setAsset] = useState(assets[0] ?? '');
  const [fromWallet, setFromWallet] = useState<WalletType>('SPOT');
  const [toWallet, setToWallet] = useState<WalletType>('FUNDING');
  const [amount, setAmount] = useState('');
  const [clientTransferId, setClientTransferId] = useState(newClientTransferId);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const [amountError, setAmountError] = useState<string | null>(null);

  const available =
    balances.balances.find((balance) => balance.wallet === fromWallet && balance.asset === asset)
      ?.available ?? '0';

  async function submit(event: FormEvent) {
    event.preventDefault();
    setOutcome(null);
    const normalized = normalizeDecimalInput(amount);
    const value = normalized === null ? null : parseDec(normalized);
    const limit = parseDec(available);
    if (value === null || normalized === null) return setAmountError(t('amountFormat'));
    if (value.units === 0n) return setAmountError(t('amountPositive'));
    if (limit !== null && compareDec(value, limit) > 0) return setAmountError(t('amountTooHigh'));
    setAmountError(null);
    setBusy(true);
    try {
      await request('/api/v1/wallet/transfers/internal-wallet', {
        method: 'POST',
        body: { asset, amount: normalized, fromWallet, toWallet, clientTransferId },
      });
      setOutcome({
        tone: 'success',
        text: t('moved', {
          amount: formatDecimal(normalized, locale),
          asset,
          from: walletNames(fromWallet),
          to: walletNames(toWallet),
        }),
      });
      setAmount('');
      setClientTransferId(newClientTransferId());
      onMoved();
    } catch (error) {
      setOutcome({ tone: 'error', text: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  }

  const select = 'rounded-md border border-line bg-surface-2 px-3 py-2 text-sm text-fg';
  return (
    <Panel title={t('title')} data-testid="transfer-form">
      <form className="grid gap-3 p-3 sm:grid-cols-2" onSubmit={submit} noValidate>
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.from} className="text-xs font-medium text-muted">
            {t('from')}
          </label>
          <select
            id={ids.from}
            className={select}
            value={fromWallet}
            onChange={(event) => setFromWallet(event.target.value as WalletType)}
          >
            {WALLET_TYPES.map((wallet) => (
              <option key={wallet} value={wallet}>
                {walletNames(wallet)}
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.to} className="text-xs font-medium text-muted">
            {t('to')}
          </label>
          <select
            id={ids.to}
            className={select}
            value={toWallet}
            onChange={(event) => setToWallet(event.target.value as WalletType)}
          >
            {WALLET_TYPES.map((wallet) => (
              <option key={wallet} value={wallet}>
                {walletNames(wallet)}
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.asset} className="text-xs font-medium text-muted">
            {t('asset')}
          </label>
          <select
            id={ids.asset}
            className={select}
            value={asset}
            onChange={(event) => setAsset(event.target.value)}
          >
            {assets.map((code) => (
              <option key={code} value={code}>
                {code}
              </option>
            ))}
          </select>
        </div>
        <TextField
          label={t('amount')}
          name="amount"
          inputMode="decimal"
          autoComplete="off"
          value={amount}
          onChange={(event) => setAmount(event.target.value)}
          suffix={
            <button type="button" className="text-xs underline" onClick={() => setAmount(available)}>
              {t('max')}
            </button>
          }
          hint={t('available', { amount: formatDecimal(available, locale), asset })}
          error={amountError}
        />
        <div className="flex flex-col gap-2 sm:col-span-2">
          {outcome === null ? null : <Alert tone={outcome.tone}>{outcome.text}</Alert>}
          <Button type="submit" busy={busy} className="self-start">
            {t('submit')}
          </Button>
        </div>
      </form>
    </Panel>
  );
}
