import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { MarketOverview } from '../components/markets/market-overview';

export default async function Home() {
  const t = await getTranslations('home');
  return (
    <div className="flex flex-col gap-8">
      <section className="flex flex-col gap-3 pt-4">
        <h1 className="text-3xl font-bold tracking-tight">{t('title')}</h1>
        <p className="max-w-2xl text-muted">{t('lead')}</p>
        <p className="flex gap-3">
          <Link
            href="/exchange"
            className="rounded-md bg-accent px-4 py-2 text-sm font-semibold text-accent-fg hover:brightness-110"
          >
            {t('startTrading')}
          </Link>
          <Link
            href="/register"
            className="rounded-md border border-line px-4 py-2 text-sm hover:bg-surface-2"
          >
            {t('register')}
          </Link>
        </p>
      </section>
      <MarketOverview />
    </div>
  );
}
