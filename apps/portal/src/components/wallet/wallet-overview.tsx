'use client';
import { Panel, StatusLine } from '@tradeloom/ui';
import { useLocale, useTranslations } from 'next-intl';
import { useState } from 'react';
import { formatDecimal } from '../../lib/format';
import { useSession } from '../../lib/session';
import type { Balance, Balances } from '../../lib/types';
import { usePolled } from '../../lib/use-polled';
import { PolledStatus } from '../polled-status';
import { SignedInOnly } from '../signed-in-only';
import { TransferForm } from './transfer-form';
import { WalletHistory } from './wallet-history';
import { WALLET_TYPES as WALLET_ORDER, type WalletType } from './wallet-types';

export function WalletOverview() {
  return (
    <SignedInOnly next="/wallet">{(user) => <BalanceTables key={user.id} userId={user.id} />}</SignedInOnly>
  );
}

function BalanceTables({ userId }: { userId: string }) {
  const t = useTranslations('wallet');
  const locale = useLocale();
  const { request } = useSession();
  const balances = usePolled(
    `wallet-balances:${userId}`,
    (signal) => request<Balances>('/api/v1/wallet/balances', { signal }),
    5_000,
  );
  const data = balances.data;
  const [version, setVersion] = useState(0);
  const byWallet = new Map<string, Balance[]>();
  for (const balance of data?.balances ?? []) {
    byWallet.set(balance.wallet, [...(byWallet.get(balance.wallet) ?? []), balance]);
  }
  const wallets = [...byWallet.keys()].sort(
    (a, b) => WALLET_ORDER.indexOf(a as WalletType) - WALLET_ORDER.indexOf(b as WalletType),
  );
  const walletName = (wallet: string) =>
    (WALLET_ORDER as readonly string[]).includes(wallet) ? t(`types.${wallet as WalletType}`) : wallet;

  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-xl font-semibold">{t('title')}</h1>
      <PolledStatus polled={balances} />
      {data === undefined ? null : (
        <>
          <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,1.4fr)]">
            <div className="rounded-lg border border-line bg-surface p-4">
              <p className="text-xs text-muted">{t('total')}</p>
              <p className="num text-2xl font-semibold" data-testid="wallet-total">
                {formatDecimal(data.totalValue, locale, 2)} {data.quote}
              </p>
              {data.unpricedAssets.length === 0 ? null : (
                <p className="mt-1 text-xs text-muted">
                  {t('unpriced', { assets: data.unpricedAssets.join(', ') })}
                </p>
              )}
            </div>
            <TransferForm
              balances={data}
              onMoved={() => {
                balances.refresh();
                setVersion((current) => current + 1);
              }}
            />
          </div>
          {wallets.length === 0 ? <StatusLine>{t('noBalances')}</StatusLine> : null}
          {wallets.map((wallet) => (
            <Panel key={wallet} title={walletName(wallet)} data-wallet={wallet}>
              <div className="overflow-x-auto">
                <table className="w-full min-w-[560px] text-sm">
                  <thead className="text-left text-xs text-muted">
                    <tr>
                      <th scope="col" className="px-3 py-2 font-medium">
                        {t('asset')}
                      </th>
                      <th scope="col" className="px-3 py-2 text-right font-medium">
                        {t('available')}
                      </th>
                      <th scope="col" className="px-3 py-2 text-right font-medium">
                        {t('held')}
                      </th>
                      <th scope="col" className="px-3 py-2 text-right font-medium">
                        {t('balanceTotal')}
                      </th>
                      <th scope="col" className="px-3 py-2 text-right font-medium">
                        {t('value', { quote: data.quote })}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {(byWallet.get(wallet) ?? []).map((balance) => (
                      <tr key={balance.asset} className="border-t border-line">
                        <th scope="row" className="px-3 py-2 text-left font-semibold">
                          {balance.asset}
                        </th>
                        <td className="num px-3 py-2 text-right">
                          {formatDecimal(balance.available, locale)}
                        </td>
                        <td className="num px-3 py-2 text-right">{formatDecimal(balance.held, locale)}</td>
                        <td className="num px-3 py-2 text-right">{formatDecimal(balance.total, locale)}</td>
                        <td className="num px-3 py-2 text-right">
                          {balance.value === null ? t('noValue') : formatDecimal(balance.value, locale, 2)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </Panel>
          ))}
        </>
      )}
      <WalletHistory userId={userId} version={version} />
    </div>
  );
}
