'use client';
import { Alert, Button, TextField } from '@tradeloom/ui';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { type FormEvent, useState } from 'react';
import { api } from '../../lib/api';
import { useErrorMessage } from '../../lib/error-message';
import { AuthCard } from './auth-card';

export function RegisterForm() {
  const t = useTranslations('register');
  const errorMessage = useErrorMessage();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('/api/v1/auth/register', {
        method: 'POST',
        body: { email, password, ...(displayName.trim() === '' ? {} : { displayName: displayName.trim() }) },
      });
      setSentTo(email);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  if (sentTo !== null) {
    return (
      <AuthCard title={t('checkMailTitle')}>
        <Alert tone="success">{t('checkMail', { email: sentTo })}</Alert>
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
      <form className="flex flex-col gap-4" onSubmit={submit}>
        <TextField
          label={t('email')}
          name="email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <TextField
          label={t('password')}
          name="password"
          type="password"
          autoComplete="new-password"
          required
          hint={t('passwordHint')}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <TextField
          label={t('displayName')}
          name="displayName"
          autoComplete="nickname"
          value={displayName}
          onChange={(event) => setDisplayName(event.target.value)}
        />
        {error === null ? null : <Alert tone="error">{error}</Alert>}
        <Button type="submit" busy={busy}>
          {t('submit')}
        </Button>
        <p className="text-sm text-muted">
          {t('haveAccount')}{' '}
          <Link href="/login" className="text-fg underline">
            {t('login')}
          </Link>
        </p>
      </form>
    </AuthCard>
  );
}
