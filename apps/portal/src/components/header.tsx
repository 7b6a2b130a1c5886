'use client';
import { Button, cx } from '@tradeloom/ui';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import type { Theme } from '../i18n/locales';
import { useSession } from '../lib/session';
import { LanguageSwitcher } from './language-switcher';
import { ThemeSwitcher } from './theme-switcher';

export function Header({ theme }: { theme: Theme }) {
  const t = useTranslations('nav');
  const pathname = usePathname();
  const router = useRouter();
  const { session, logOut } = useSession();
  const links = [
    { href: '/markets', label: t('markets'), match: '/markets' },
    { href: '/exchange', label: t('exchange'), match: '/exchange' },
    { href: '/wallet', label: t('wallet'), match: '/wallet' },
    { href: '/account', label: t('account'), match: '/account' },
  ];
  return (
    <header className="border-b border-line bg-surface">
      <a
        href="#content"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-accent focus:px-3 focus:py-1 focus:text-accent-fg"
      >
        {t('skip')}
      </a>
      <div className="mx-auto flex max-w-[1600px] flex-wrap items-center gap-x-4 gap-y-2 px-3 py-2">
        <Link href="/" className="text-base font-bold tracking-tight text-brand">
          Tradeloom
        </Link>
        <nav aria-label={t('main')} className="order-3 w-full overflow-x-auto sm:order-none sm:w-auto">
          <ul className="flex gap-1">
            {links.map((link) => {
              const active = pathname === link.match || pathname.startsWith(`${link.match}/`);
              return (
                <li key={link.href}>
                  <Link
                    href={link.href}
                    aria-current={active ? 'page' : undefined}
                    className={cx(
                      'block rounded-md px-3 py-1.5 text-sm',
                      active ? 'bg-surface-2 font-semibold text-fg' : 'text-muted hover:text-fg',
                    )}
                  >
                    {link.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <div className="ml-auto flex items-center gap-2">
          <LanguageSwitcher />
          <ThemeSwitcher initial={theme} />
          {session.status === 'signed_in' ? (
            <>
              <span
                className="hidden max-w-[16rem] truncate text-xs text-muted md:inline"
                data-testid="signed-in-as"
              >
                {session.user.email}
              </span>
              <Button
                variant="ghost"
                className="px-2 py-1 text-xs"
                onClick={async () => {
                  await logOut();
                  router.push('/login');
                }}
              >
                {t('logout')}
              </Button>
            </>
          ) : session.status === 'signed_out' ? (
            <>
              <Link href="/login" className="rounded-md px-2 py-1 text-xs text-fg hover:bg-surface-2">
                {t('login')}
              </Link>
              <Link
                href="/register"
                className="rounded-md bg-accent px-2 py-1 text-xs font-semibold text-accent-fg hover:brightness-110"
              >
                {t('register')}
              </Link>
            </>
          ) : null}
        </div>
      </div>
    </header>
  );
}
