'use client';
import { Alert, Button, Panel, StatusLine, TextField } from '@tradeloom/ui';
import Link from 'next/link';
import { useLocale, useTranslations } from 'next-intl';
import { type FormEvent, useId, useMemo, useState } from 'react';
import { useErrorMessage } from '../../lib/error-message';
import { useSession } from '../../lib/session';
import { usePolled } from '../../lib/use-polled';
import { SignedInOnly } from '../signed-in-only';

const SCOPES = ['read', 'spot_trade', 'futures_trade', 'withdraw', 'transfer', 'deposit_address'] as const;
type Scope = (typeof SCOPES)[number];

interface ApiKey {
  id: string;
  label: string;
  type: 'HMAC' | 'ED25519';
  apiKey: string;
  scopes: Scope[];
  ipAllowList: string[];
  createdAt: string;
  lastUsedAt: string | null;
  status: 'active' | 'expired' | 'revoked';
}

export function ApiKeys() {
  return (
    <SignedInOnly next="/account/api-keys">
      {(user) => <ApiKeysOf key={user.id} userId={user.id} twoFactor={user.twoFactorEnabled} />}
    </SignedInOnly>
  );
}

function ApiKeysOf({ userId, twoFactor }: { userId: string; twoFactor: boolean }) {
  const t = useTranslations('apiKeys');
  const locale = useLocale();
  const errorMessage = useErrorMessage();
  const { request } = useSession();
  const keys = usePolled(
    `api-keys:${userId}`,
    async (signal) => (await request<{ keys: ApiKey[] }>('/api/v1/account/api-keys', { signal })).keys,
    30_000,
  );
  const date = useMemo(
    () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }),
    [locale],
  );
  const [created, setCreated] = useState<{ key: ApiKey; secret: string | null } | null>(null);
  const [outcome, setOutcome] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);

  async function revoke(key: ApiKey) {
    setOutcome(null);
    try {
      await request(`/api/v1/account/api-keys/${encodeURIComponent(key.id)}`, { method: 'DELETE' });
      setOutcome({ tone: 'success', text: t('revoked', { label: key.label }) });
      keys.refresh();
    } catch (error) {
      setOutcome({ tone: 'error', text: errorMessage(error) });
    }
  }

  return (
    <div className="flex max-w-4xl flex-col gap-4">
      <p className="text-sm">
        <Link href="/account" className="text-muted underline">
          {t('back')}
        </Link>
      </p>
      <h1 className="text-xl font-semibold">{t('title')}</h1>
      {created === null ? null : (
        <Alert tone="success">
          <p className="font-semibold">{t('createdTitle', { label: created.key.label })}</p>
          <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
            <dt>{t('apiKey')}</dt>
            <dd className="num break-all" data-testid="new-api-key">
              {created.key.apiKey}
            </dd>
            {created.secret === null ? null : (
              <>
                <dt>{t('secret')}</dt>
                <dd className="num break-all" data-testid="new-api-secret">
                  {created.secret}
                </dd>
              </>
            )}
          </dl>
          {created.secret === null ? null : <p className="mt-2">{t('secretOnce')}</p>}
        </Alert>
      )}
      {twoFactor ? (
        <CreateKey
          onCreated={(result) => {
            setCreated(result);
            keys.refresh();
          }}
        />
      ) : (
        <Alert tone="info">
          {t('needsTwoFactor')}{' '}
          <Link href="/account" className="underline">
            {t('turnOnTwoFactor')}
          </Link>
        </Alert>
      )}
      <Panel title={t('yourKeys')} data-testid="api-key-list">
        <div className="overflow-x-auto">
          <table className="w-full min-w-[640px] text-sm">
            <thead className="text-left text-xs text-muted">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">
                  {t('label')}
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  {t('scopes')}
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  {t('ips')}
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  {t('created')}
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  {t('status')}
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  <span className="sr-only">{t('actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {(keys.data ?? []).map((key) => (
                <tr key={key.id} className="border-t border-line">
                  <th scope="row" className="px-3 py-2 text-left font-semibold">
                    {key.label}
                    <span className="num block text-xs font-normal text-muted">
                      {key.type} · {key.apiKey.slice(0, 8)}…
                    </span>
                  </th>
                  <td className="px-3 py-2">{key.scopes.map((scope) => t(`scope.${scope}`)).join(', ')}</td>
                  <td className="num px-3 py-2">
                    {key.ipAllowList.length === 0 ? t('anyIp') : key.ipAllowList.join(', ')}
                  </td>
                  <td className="px-3 py-2">{date.format(new Date(key.createdAt))}</td>
                  <td className="px-3 py-2">{t(`statuses.${key.status}`)}</td>
                  <td className="px-3 py-2 text-right">
                    {key.status === 'active' ? (
                      <Button
                        variant="ghost"
                        className="px-2 py-1 text-xs"
                        aria-label={t('revokeKey', { label: key.label })}
                        onClick={() => void revoke(key)}
                      >
                        {t('revoke')}
                      </Button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {keys.data?.length === 0 ? <StatusLine>{t('none')}</StatusLine> : null}
        {outcome === null ? null : (
          <div className="p-3">
            <Alert tone={outcome.tone}>{outcome.text}</Alert>
          </div>
        )}
      </Panel>
    </div>
  );
}

function CreateKey({ onCreated }: { onCreated(result: { key: ApiKey; secret: string | null }): void }) {
  const t = useTranslations('apiKeys');
  const errorMessage = useErrorMessage();
  const { request } = useSession();
  const ipsId = useId();
  const publicKeyId = useId();
  const [label, setLabel] = useState('');
  const [type, setType] = useState<'HMAC' | 'ED25519'>('HMAC');
  const [scopes, setScopes] = useState<Scope[]>(['read']);
  const [ips, setIps] = useState('');
  const [publicKey, setPublicKey] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const ipAllowList = ips
        .split(/[\s,]+/)
        .map((ip) => ip.trim())
        .filter((ip) => ip !== '');
      const result = await request<{ key: ApiKey; secret: string | null }>('/api/v1/account/api-keys', {
        method: 'POST',
        body: {
          label: label.trim(),
          type,
          scopes,
          ipAllowList,
          twoFactorCode: code.trim(),
          ...(type === 'ED25519' ? { publicKey } : {}),
        },
      });
      setLabel('');
      setCode('');
      setPublicKey('');
      onCreated(result);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Panel title={t('create')}>
      <form className="grid gap-4 p-3 md:grid-cols-2" onSubmit={submit}>
        <TextField
          label={t('label')}
          name="label"
          required
          maxLength={64}
          value={label}
          onChange={(event) => setLabel(event.target.value)}
        />
        <fieldset className="flex flex-col gap-1">
          <legend className="mb-1 text-xs font-medium text-muted">{t('type')}</legend>
          <div className="flex gap-4 text-sm">
            {(['HMAC', 'ED25519'] as const).map((option) => (
              <label key={option} className="flex items-center gap-2">
                <input
                  type="radio"
                  name="type"
                  value={option}
                  checked={type === option}
                  onChange={() => setType(option)}
                />
                {t(`types.${option}`)}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset className="flex flex-col gap-1 md:col-span-2">
          <legend className="mb-1 text-xs font-medium text-muted">{t('scopes')}</legend>
          <div className="flex flex-wrap gap-x-5 gap-y-2 text-sm">
            {SCOPES.map((scope) => (
              <label key={scope} className="flex items-center gap-2">
                <input
                  type="checkbox"
                  checked={scopes.includes(scope)}
                  onChange={(event) =>
                    setScopes((current) =>
                      event.target.checked ? [...current, scope] : current.filter((s) => s !== scope),
                    )
                  }
                />
                {t(`scope.${scope}`)}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="flex flex-col gap-1">
          <label htmlFor={ipsId} className="text-xs font-medium text-muted">
            {t('ips')}
          </label>
          <textarea
            id={ipsId}
            rows={3}
            value={ips}
            onChange={(event) => setIps(event.target.value)}
            aria-describedby={`${ipsId}-hint`}
            className="num rounded-md border border-line bg-surface-2 px-3 py-2 text-sm"
          />
          <p id={`${ipsId}-hint`} className="text-xs text-muted">
            {t('ipsHint')}
          </p>
        </div>
        {type === 'ED25519' ? (
          <div className="flex flex-col gap-1">
            <label htmlFor={publicKeyId} className="text-xs font-medium text-muted">
              {t('publicKey')}
            </label>
            <textarea
              id={publicKeyId}
              rows={4}
              required
              value={publicKey}
              onChange={(event) => setPublicKey(event.target.value)}
              className="num rounded-md border border-line bg-surface-2 px-3 py-2 text-xs"
            />
          </div>
        ) : null}
        <TextField
          label={t('code')}
          name="twoFactorCode"
          autoComplete="one-time-code"
          required
          value={code}
          onChange={(event) => setCode(event.target.value)}
        />
        <div className="flex flex-col gap-2 md:col-span-2">
          {error === null ? null : <Alert tone="error">{error}</Alert>}
          <Button type="submit" busy={busy} className="self-start">
            {t('submit')}
          </Button>
        </div>
      </form>
    </Panel>
  );
}
