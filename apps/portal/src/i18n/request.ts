import { cookies, headers } from 'next/headers';
import { getRequestConfig } from 'next-intl/server';
import en from '../../messages/en.json';
import { LOCALE_COOKIE, pickLocale } from './locales';

// next-intl without locale routing: the language comes from the portal's cookie (set by the switcher).
export default getRequestConfig(async () => {
  const locale = pickLocale(
    (await cookies()).get(LOCALE_COOKIE)?.value,
    (await headers()).get('accept-language'),
  );
  const messages = locale === 'en' ? en : (await import(`../../messages/${locale}.json`)).default;
  return { locale, messages };
});
