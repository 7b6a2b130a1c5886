'use client';
import { Panel } from '@tradeloom/ui';
import Link from 'next/link';
import { useLocale, useTranslations } from 'next-intl';
import { TwoFactor } from './account/two-factor';
import { SignedInOnly } from './signed-in-only';

export function AccountOverview() {
  const t = useTranslations('account');
  const locale = useLocale();
  return (
    <SignedInOnly next="/account">
      {(user) => (
        <div className="flex max-w-2xl flex-col gap-4">
          <h1 className="text-xl font-semibold">{t('title')}</h1>
          <Panel title={t('profile')}>
            <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 p-3 text-sm">
              <dt className="text-muted">{t('email')}</dt>
              <dd>
                {user.email}{' '}
                <span className={user.emailVerified ? 'text-up' : 'text-down'}>
                  ({user.emailVerified ? t('verified') : t('notVerified')})
                </span>
              </dd>
              <dt className="text-muted">{t('displayName')}</dt>
              <dd>{user.displayName ?? '—'}</dd>
              <dt className="text-muted">{t('twoFactor')}</dt>
              <dd>{user.twoFactorEnabled ? t('on') : t('off')}</dd>
              <dt className="text-muted">{t('memberSince')}</dt>
              <dd>
                {new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(new Date(user.createdAt))}
              </dd>
            </dl>
          </Panel>
          <TwoFactor user={user} />
          <p className="text-sm">
            <Link href="/account/api-keys" className="underline">
              {t('apiKeys')}
            </Link>
          </p>
        </div>
      )}
    </SignedInOnly>
  );
}
