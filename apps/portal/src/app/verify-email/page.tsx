import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { VerifyEmail } from '../../components/auth/verify-email';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('verifyEmail'))('title') };
}

export default function VerifyEmailPage() {
  return <VerifyEmail />;
}
