'use client';
import { StatusLine } from '@tradeloom/ui';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import type { ReactNode } from 'react';
import { useSession } from '../lib/session';
import type { User } from '../lib/types';

/** Renders its children for a signed-in user, a login prompt otherwise. */
export function SignedInOnly({ next, children }: { next: string; children: (user: User) => ReactNode }) {
  const t = useTranslations('common');
  const { session } = useSession();
  if (session.status === 'loading') return <StatusLine>{t('loading')}</StatusLine>;
  if (session.status === 'signed_out') {
    return (
      <div className="mx-auto mt-6 max-w-sm rounded-lg border border-line bg-surface p-5 text-sm">
        <p className="mb-3">{t('signInToSee')}</p>
        <p className="flex gap-4">
          <Link href={`/login?next=${encodeURIComponent(next)}`} className="underline">
            {t('loginLink')}
          </Link>
          <Link href="/register" className="underline">
            {t('registerLink')}
          </Link>
        </p>
      </div>
    );
  }
  return <>{children(session.user)}</>;
}
