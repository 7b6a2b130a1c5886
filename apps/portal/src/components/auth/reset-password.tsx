'use client';
import { Alert, Button, StatusLine, TextField } from '@tradeloom/ui';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../../lib/api';
import { useErrorMessage } from '../../lib/error-message';
import { useQueryParam } from '../../lib/use-query-param';
import { AuthCard } from './auth-card';

/** The landing of the reset mail's link: a new password, and the second factor when 2FA is on. */
export function ResetPassword() {
  const t = useTranslations('resetPassword');
  const errorMessage = useErrorMessage();
  const token = useQueryParam('token');
  const [needsCode, setNeedsCode] = useState<boolean | null>(null);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  useEffect(() => {
    if (token === undefined) return;
    if (token === null) {
      setError(t('noToken'));
      return;
    }
    let cancelled = false;
    api<{ secondFactorRequired: boolean }>('/api/v1/auth/password-reset/inspect', {
      method: 'POST',
      body: { token },
    })
      .then((answer) => {
        if (!cancelled) setNeedsCode(answer.secondFactorRequired);
      })
      .catch((failure: unknown) => {
        if (!cancelled) setError(errorMessage(failure));
      });
    return () => {
      cancelled = true;
    };
  }, [token, t, errorMessage]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('/api/v1/auth/password-reset/complete', {
        method: 'POST',
        body: { token, newPassword: password, ...(needsCode ? { code: code.trim() } : {}) },
      });
      setDone(true);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  if (done) {
    return (
      <AuthCard title={t('title')}>
        <Alert tone="success">{t('done')}</Alert>
        <p className="mt-4 text-sm">
          <Link href="/login" className="underline">
            {t('login')}
          </Link>
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard title={t('title')}>
      {needsCode === null ? (
        error === null ? (
          <StatusLine>{t('checking')}</StatusLine>
        ) : (
          <Alert tone="error">{error}</Alert>
        )
      ) : (
        <form className="flex flex-col gap-4" onSubmit={submit}>
          <TextField
            label={t('newPassword')}
            name="newPassword"
            type="password"
            autoComplete="new-password"
            required
            hint={t('passwordHint')}
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          {needsCode ? (
            <TextField
              label={t('code')}
              name="code"
              autoComplete="one-time-code"
              required
              hint={t('codeHint')}
              value={code}
              onChange={(event) => setCode(event.target.value)}
            />
          ) : null}
          {error === null ? null : <Alert tone="error">{error}</Alert>}
          <Button type="submit" busy={busy}>
            {t('submit')}
          </Button>
        </form>
      )}
    </AuthCard>
  );
}
