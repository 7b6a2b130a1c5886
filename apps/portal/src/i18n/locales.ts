/** The portal's languages; messages/<locale>.json holds each one's strings. */
export const LOCALES = ['en', 'de'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** Cookies the portal sets itself (not the API's): language and theme. */
export const LOCALE_COOKIE = 'tl_locale';
export const THEME_COOKIE = 'tl_theme';

export const THEMES = ['dark', 'light'] as const;
export type Theme = (typeof THEMES)[number];

export function isLocale(value: string | undefined): value is Locale {
  return (LOCALES as readonly string[]).includes(value ?? '');
}

/** The cookie's language, else the first supported one the browser asks for, else English. */
export function pickLocale(cookie: string | undefined, acceptLanguage: string | null): Locale {
  if (isLocale(cookie)) return cookie;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const base = part.split(';')[0]?.trim().slice(0, 2).toLowerCase();
    if (isLocale(base)) return base;
  }
  return DEFAULT_LOCALE;
}

export function pickTheme(cookie: string | undefined): Theme {
  return cookie === 'light' ? 'light' : 'dark';
}
