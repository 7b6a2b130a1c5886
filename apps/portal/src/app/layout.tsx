import type { Metadata, Viewport } from 'next';
import { cookies } from 'next/headers';
import { NextIntlClientProvider } from 'next-intl';
import { getLocale, getTranslations } from 'next-intl/server';
import type { ReactNode } from 'react';
import { Header } from '../components/header';
import { pickTheme, THEME_COOKIE } from '../i18n/locales';
import { SessionProvider } from '../lib/session';
import './globals.css';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('meta');
  return { title: { default: t('title'), template: `%s · ${t('title')}` }, description: t('description') };
}

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#0b0e11' };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = await getLocale();
  const theme = pickTheme((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <html lang={locale} className={theme}>
      <body className="min-h-screen">
        <NextIntlClientProvider>
          <SessionProvider>
            <Header theme={theme} />
            <main id="content" className="mx-auto w-full max-w-[1600px] px-3 py-4">
              {children}
            </main>
          </SessionProvider>
        </NextIntlClientProvider>
      </body>
    </html>
  );
}
