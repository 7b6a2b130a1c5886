import type { NextConfig } from 'next';
import createNextIntlPlugin from 'next-intl/plugin';

const withNextIntl = createNextIntlPlugin('./src/i18n/request.ts');

const config: NextConfig = {
  // Tests build into their own folder so a running `npm start` portal keeps its build.
  distDir: process.env.PORTAL_DIST_DIR ?? '.next',
  // Workspace packages ship TypeScript sources.
  transpilePackages: ['@tradeloom/ui'],
  // `npm test` typechecks the portal (tsc -p apps/portal); the build does not repeat it.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  reactStrictMode: true,
};

export default withNextIntl(config);
