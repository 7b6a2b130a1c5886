import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { ResetPassword } from '../../components/auth/reset-password';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('resetPassword'))('title') };
}

export default function ResetPasswordPage() {
  return <ResetPassword />;
}
