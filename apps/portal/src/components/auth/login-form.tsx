'use client';
import { Alert, Button, TextField } from '@tradeloom/ui';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { type FormEvent, useState } from 'react';
import { api } from '../../lib/api';
import { useErrorMessage } from '../../lib/error-message';
import { useSession } from '../../lib/session';
import type { User } from '../../lib/types';
import { AuthCard } from './auth-card';

type LoginAnswer =
  | { status: 'signed_in'; user: User; csrfToken: string }
  | { status: 'second_factor_required'; pendingToken: string; methods: string[] };

/** Where to go after signing in: a same-site path from ?next=, else the markets. */
function nextPath(): string {
  const next = new URLSearchParams(window.location.search).get('next');
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/markets';
}

export function LoginForm() {
  const t = useTranslations('login');
  const errorMessage = useErrorMessage();
  const { signedIn } = useSession();
  const router = useRouter();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [pendingToken, setPendingToken] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  function finish(answer: { user: User; csrfToken: string }) {
    signedIn(answer.user, answer.csrfToken);
    router.push(nextPath());
  }

  async function submitPassword(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await api<LoginAnswer>('/api/v1/auth/login', {
        method: 'POST',
        body: { email, password },
      });
      if (answer.status === 'signed_in') finish(answer);
      else {
        setPendingToken(answer.pendingToken);
        setCode('');
      }
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  async function submitCode(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      finish(
        await api<{ user: User; csrfToken: string }>('/api/v1/auth/login/second-factor', {
          method: 'POST',
          body: { pendingToken, code: code.trim() },
        }),
      );
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  if (pendingToken !== null) {
    return (
      <AuthCard title={t('secondFactorTitle')}>
        <form className="flex flex-col gap-4" onSubmit={submitCode}>
          <p className="text-sm text-muted">{t('secondFactorHelp')}</p>
          <TextField
            label={t('code')}
            name="code"
            autoComplete="one-time-code"
            inputMode="text"
            required
            autoFocus
            value={code}
            onChange={(event) => setCode(event.target.value)}
          />
          {error === null ? null : <Alert tone="error">{error}</Alert>}
          <Button type="submit" busy={busy}>
            {t('verify')}
          </Button>
          <Button
            variant="ghost"
            onClick={() => {
              setPendingToken(null);
              setError(null);
            }}
          >
            {t('back')}
          </Button>
        </form>
      </AuthCard>
    );
  }

  return (
    <AuthCard title={t('title')}>
      <form className="flex flex-col gap-4" onSubmit={submitPassword}>
        <TextField
          label={t('email')}
          name="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <TextField
          label={t('password')}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        {error === null ? null : <Alert tone="error">{error}</Alert>}
        <Button type="submit" busy={busy}>
          {t('submit')}
        </Button>
        <Link href="/forgot-password" className="text-sm underline">
          {t('forgot')}
        </Link>
        <p className="text-sm text-muted">
          {t('noAccount')}{' '}
          <Link href="/register" className="text-fg underline">
            {t('register')}
          </Link>
        </p>
      </form>
    </AuthCard>
  );
}
