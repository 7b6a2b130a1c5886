import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';

export const dynamic = 'force-dynamic';

/** The first market (by the admin's sort order), or the markets page when there is none. */
export default async function ExchangeIndex() {
  const origin = process.env.TRADELOOM_API_ORIGIN;
  let first: string | undefined;
  try {
    const answer = await fetch(`${origin}/api/v1/spot/markets`, { cache: 'no-store' });
    const { markets } = (await answer.json()) as { markets: { symbol: string; sortOrder: number }[] };
    first = markets.sort((a, b) => a.sortOrder - b.sortOrder)[0]?.symbol;
  } catch {
    first = undefined;
  }
  if (first !== undefined) redirect(`/exchange/${first}`);
  const t = await getTranslations('markets');
  return <p>{t('empty')}</p>;
}
