'use client';
import { Alert, Button, Panel, TextField } from '@tradeloom/ui';
import { useTranslations } from 'next-intl';
import { type FormEvent, useState } from 'react';
import { useErrorMessage } from '../../lib/error-message';
import { useSession } from '../../lib/session';
import type { User } from '../../lib/types';

interface Enrolment {
  secret: string;
  otpauthUri: string;
  qrCodeDataUrl: string;
}

type Step =
  | { step: 'idle' }
  | { step: 'password' }
  | { step: 'scan'; enrolment: Enrolment }
  | { step: 'codes'; recoveryCodes: string[] };

/** Turning TOTP on: password, then the QR code and a code from the app, then the recovery codes once. */
export function TwoFactor({ user }: { user: User }) {
  const t = useTranslations('twoFactor');
  const errorMessage = useErrorMessage();
  const { request, reload } = useSession();
  const [state, setState] = useState<Step>({ step: 'idle' });
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run(work: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  const startEnrolment = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const enrolment = await request<Enrolment>('/api/v1/account/two-factor/totp/enrol', {
        method: 'POST',
        body: { currentPassword: password },
      });
      setPassword('');
      setState({ step: 'scan', enrolment });
    });
  };

  const confirm = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const answer = await request<{ recoveryCodes: string[] }>('/api/v1/account/two-factor/totp/confirm', {
        method: 'POST',
        body: { code: code.trim() },
      });
      setCode('');
      setState({ step: 'codes', recoveryCodes: answer.recoveryCodes });
    });
  };

  return (
    <Panel title={t('title')} data-testid="two-factor">
      <div className="flex flex-col gap-4 p-3 text-sm">
        {state.step === 'codes' ? (
          <>
            <Alert tone="success">{t('enabled')}</Alert>
            <p>{t('recoveryHelp')}</p>
            <ul
              className="num grid grid-cols-2 gap-1 rounded-md bg-surface-2 p-3"
              data-testid="recovery-codes"
            >
              {state.recoveryCodes.map((recovery) => (
                <li key={recovery}>{recovery}</li>
              ))}
            </ul>
            <Button
              className="self-start"
              onClick={() => {
                setState({ step: 'idle' });
                // The confirmation rotated the session: learn its new CSRF token and the 2FA flag.
                void reload();
              }}
            >
              {t('saved')}
            </Button>
          </>
        ) : user.twoFactorEnabled ? (
          <p>
            <span className="font-semibold text-up">{t('on')}</span> {t('onHelp')}
          </p>
        ) : state.step === 'idle' ? (
          <>
            <p>{t('offHelp')}</p>
            <Button className="self-start" onClick={() => setState({ step: 'password' })}>
              {t('turnOn')}
            </Button>
          </>
        ) : state.step === 'password' ? (
          <form className="flex max-w-sm flex-col gap-3" onSubmit={startEnrolment}>
            <TextField
              label={t('currentPassword')}
              name="currentPassword"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
            {error === null ? null : <Alert tone="error">{error}</Alert>}
            <div className="flex gap-2">
              <Button type="submit" busy={busy}>
                {t('continue')}
              </Button>
              <Button variant="ghost" onClick={() => setState({ step: 'idle' })}>
                {t('cancel')}
              </Button>
            </div>
          </form>
        ) : (
          <form className="flex max-w-sm flex-col gap-3" onSubmit={confirm}>
            <p>{t('scanHelp')}</p>
            {/* biome-ignore lint/performance/noImgElement: a data: URL from the API, nothing for next/image to optimise */}
            <img
              src={state.enrolment.qrCodeDataUrl}
              alt={t('qrAlt')}
              width={180}
              height={180}
              className="rounded bg-white p-2"
            />
            <p>
              {t('secretHelp')}{' '}
              <code className="num break-all rounded bg-surface-2 px-1" data-testid="totp-secret">
                {state.enrolment.secret}
              </code>
            </p>
            <TextField
              label={t('code')}
              name="code"
              autoComplete="one-time-code"
              inputMode="numeric"
              required
              value={code}
              onChange={(event) => setCode(event.target.value)}
            />
            {error === null ? null : <Alert tone="error">{error}</Alert>}
            <Button type="submit" busy={busy}>
              {t('confirm')}
            </Button>
          </form>
        )}
      </div>
    </Panel>
  );
}
