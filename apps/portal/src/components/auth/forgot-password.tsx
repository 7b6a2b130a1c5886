'use client';
import { Alert, Button, TextField } from '@tradeloom/ui';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { type FormEvent, useState } from 'react';
import { api } from '../../lib/api';
import { useErrorMessage } from '../../lib/error-message';
import { AuthCard } from './auth-card';

export function ForgotPassword() {
  const t = useTranslations('forgotPassword');
  const errorMessage = useErrorMessage();
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('/api/v1/auth/password-reset/request', { method: 'POST', body: { email } });
      setSent(true);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthCard title={t('title')}>
      {sent ? (
        <Alert tone="success">{t('sent', { email })}</Alert>
      ) : (
        <form className="flex flex-col gap-4" onSubmit={submit}>
          <p className="text-sm text-muted">{t('help')}</p>
          <TextField
            label={t('email')}
            name="email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
          {error === null ? null : <Alert tone="error">{error}</Alert>}
          <Button type="submit" busy={busy}>
            {t('submit')}
          </Button>
        </form>
      )}
      <p className="mt-4 text-sm">
        <Link href="/login" className="underline">
          {t('back')}
        </Link>
      </p>
    </AuthCard>
  );
}
