'use client';
import { StatusLine } from '@tradeloom/ui';
import { useTranslations } from 'next-intl';
import { useErrorMessage } from '../lib/error-message';
import type { Polled } from '../lib/use-polled';

/**
 * What a live panel shows besides its data: "loading" before the first answer, and a retry notice
 * while requests fail (the last good data stays on screen).
 */
export function PolledStatus({ polled }: { polled: Pick<Polled<unknown>, 'loading' | 'error' | 'data'> }) {
  const t = useTranslations('common');
  const message = useErrorMessage();
  if (polled.error !== null)
    return <StatusLine>{t('retrying', { message: message(polled.error) })}</StatusLine>;
  if (polled.loading && polled.data === undefined) return <StatusLine>{t('loading')}</StatusLine>;
  return null;
}
