'use client';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { setThemePreference } from '../app/preferences';
import type { Theme } from '../i18n/locales';

/** Dark by default; the choice is kept in a cookie so the server renders the right one. */
export function ThemeSwitcher({ initial }: { initial: Theme }) {
  const t = useTranslations('nav');
  const [theme, setTheme] = useState<Theme>(initial);
  const next: Theme = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      aria-label={`${t('theme')}: ${theme === 'dark' ? t('themeDark') : t('themeLight')}`}
      title={t('theme')}
      onClick={() => {
        void setThemePreference(next);
        // Switch at once: no colour transitions morphing through unreadable in-between colours.
        const root = document.documentElement;
        root.classList.add('no-transitions');
        root.classList.remove(theme);
        root.classList.add(next);
        void root.offsetHeight;
        requestAnimationFrame(() => root.classList.remove('no-transitions'));
        setTheme(next);
      }}
      className="rounded-md border border-line px-2 py-1 text-xs text-fg hover:bg-surface-2"
    >
      {theme === 'dark' ? t('themeDark') : t('themeLight')}
    </button>
  );
}
