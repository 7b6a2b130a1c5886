import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { ExchangeScreen } from '../../../components/exchange/exchange-screen';

interface Props {
  params: Promise<{ symbol: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { symbol } = await params;
  return { title: (await getTranslations('exchange'))('title', { symbol: symbol.toUpperCase() }) };
}

export default async function ExchangePage({ params }: Props) {
  const { symbol } = await params;
  return <ExchangeScreen symbol={symbol.toUpperCase()} />;
}
