'use client';
import { useRouter } from 'next/navigation';
import { useLocale, useTranslations } from 'next-intl';
import { useTransition } from 'react';
import { setLocalePreference } from '../app/preferences';
import { LOCALES, type Locale } from '../i18n/locales';

const NAMES: Record<Locale, string> = { en: 'English', de: 'Deutsch' };

/** Stores the language in a cookie and re-renders the page in it (no locale in the URL). */
export function LanguageSwitcher() {
  const t = useTranslations('nav');
  const locale = useLocale();
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <label className="flex items-center gap-1 text-xs text-muted">
      <span className="sr-only">{t('language')}</span>
      <select
        value={locale}
        disabled={pending}
        onChange={(event) => {
          const chosen = event.target.value;
          startTransition(async () => {
            await setLocalePreference(chosen);
            router.refresh();
          });
        }}
        className="rounded-md border border-line bg-surface-2 px-2 py-1 text-xs text-fg"
      >
        {LOCALES.map((code) => (
          <option key={code} value={code} lang={code}>
            {NAMES[code]}
          </option>
        ))}
      </select>
    </label>
  );
}
