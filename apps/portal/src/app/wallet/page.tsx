import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { WalletOverview } from '../../components/wallet/wallet-overview';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('wallet'))('title') };
}

export default function WalletPage() {
  return <WalletOverview />;
}
