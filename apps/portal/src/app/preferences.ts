'use server';
import { cookies } from 'next/headers';
import { isLocale, LOCALE_COOKIE, THEME_COOKIE, type Theme } from '../i18n/locales';

const YEAR_S = 365 * 24 * 3600;

/** Keeps the chosen language for the server's next render (the switcher then refreshes). */
export async function setLocalePreference(locale: string): Promise<void> {
  if (!isLocale(locale)) return;
  (await cookies()).set(LOCALE_COOKIE, locale, { path: '/', maxAge: YEAR_S, sameSite: 'lax' });
}

/** Keeps the chosen theme so the server renders it without a flash. */
export async function setThemePreference(theme: Theme): Promise<void> {
  if (theme !== 'dark' && theme !== 'light') return;
  (await cookies()).set(THEME_COOKIE, theme, { path: '/', maxAge: YEAR_S, sameSite: 'lax' });
}
