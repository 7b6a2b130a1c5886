import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { nextBin, PORTAL_DIR } from './portal-dir';

/** True when `distDir` (relative to apps/portal) holds a finished production build. */
export function isPortalBuilt(distDir = '.next'): boolean {
  return existsSync(join(PORTAL_DIR, distDir, 'BUILD_ID'));
}

/** Runs `next build` into `distDir`; rejects with its output when it fails. */
export async function buildPortal(options: { distDir?: string } = {}): Promise<void> {
  const child = spawn(process.execPath, [nextBin(), 'build'], {
    cwd: PORTAL_DIR,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      ...(options.distDir === undefined ? {} : { PORTAL_DIST_DIR: options.distDir }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`next build failed (exit ${code}):\n${output}`);
}
