'use client';
import { Alert, StatusLine } from '@tradeloom/ui';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import { api } from '../../lib/api';
import { useErrorMessage } from '../../lib/error-message';
import { useSession } from '../../lib/session';
import { useQueryParam } from '../../lib/use-query-param';
import { AuthCard } from './auth-card';

/** The landing of the verification mail's link: sends its token once and says how it went. */
export function VerifyEmail() {
  const t = useTranslations('verifyEmail');
  const errorMessage = useErrorMessage();
  const { session, reload } = useSession();
  const token = useQueryParam('token');
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    if (token === undefined) return;
    if (token === null) {
      setOutcome({ ok: false, text: t('noToken') });
      return;
    }
    let cancelled = false;
    api('/api/v1/auth/verify-email', { method: 'POST', body: { token } })
      .then(() => {
        if (cancelled) return;
        setOutcome({ ok: true, text: t('verified') });
        void reload();
      })
      .catch((error: unknown) => {
        if (!cancelled) setOutcome({ ok: false, text: errorMessage(error) });
      });
    return () => {
      cancelled = true;
    };
  }, [token, t, errorMessage, reload]);

  return (
    <AuthCard title={t('title')}>
      {outcome === null ? (
        <StatusLine>{t('verifying')}</StatusLine>
      ) : (
        <div className="flex flex-col gap-4">
          <Alert tone={outcome.ok ? 'success' : 'error'}>{outcome.text}</Alert>
          <Link href={session.status === 'signed_in' ? '/markets' : '/login'} className="text-sm underline">
            {session.status === 'signed_in' ? t('continue') : t('login')}
          </Link>
        </div>
      )}
    </AuthCard>
  );
}
