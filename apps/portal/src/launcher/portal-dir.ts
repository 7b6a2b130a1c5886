import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** apps/portal: where next.config.ts and the build live. */
export const PORTAL_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** Next's command-line entry, run with this Node (no shell, no npx). */
export function nextBin(): string {
  return createRequire(import.meta.url).resolve('next/dist/bin/next');
}
