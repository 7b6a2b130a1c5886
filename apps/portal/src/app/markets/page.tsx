import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { MarketsTable } from '../../components/markets/markets-table';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('markets'))('title') };
}

export default async function MarketsPage() {
  const t = await getTranslations('markets');
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-xl font-semibold">{t('title')}</h1>
      <MarketsTable />
    </div>
  );
}
