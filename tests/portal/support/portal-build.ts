// One production build of the portal for the end-to-end tests, reused while its sources are
// unchanged (a hash of them is kept beside it), into its own folder so a running `npm start`
// portal keeps its build. Test files running in parallel share it through a lock.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { buildPortal, PORTAL_DIR } from '@tradeloom/portal';

export const TEST_DIST_DIR = '.next-test';
const ROOT = join(PORTAL_DIR, '..', '..');
const HASH_FILE = join(PORTAL_DIR, TEST_DIST_DIR, 'tradeloom-source-hash');
const LOCK_DIR = join(PORTAL_DIR, `${TEST_DIST_DIR}.lock`);
const STALE_LOCK_MS = 5 * 60_000;

async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.next') || entry.name === 'node_modules' || entry.name === 'next-env.d.ts')
      continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(path)));
    else if (entry.isFile()) found.push(path);
  }
  return found;
}

async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  const files = [
    ...(await filesUnder(PORTAL_DIR)),
    ...(await filesUnder(join(ROOT, 'packages', 'ui', 'src'))),
    join(ROOT, 'node_modules', 'next', 'package.json'),
  ].sort();
  for (const file of files) {
    hash.update(relative(ROOT, file));
    hash.update(await readFile(file));
  }
  return hash.digest('hex');
}

async function withLock<T>(work: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      await mkdir(LOCK_DIR);
      break;
    } catch {
      const since = await stat(LOCK_DIR).then(
        (info) => Date.now() - info.mtimeMs,
        () => 0,
      );
      if (since > STALE_LOCK_MS) await rm(LOCK_DIR, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    return await work();
  } finally {
    await rm(LOCK_DIR, { recursive: true, force: true });
  }
}

/** Builds the portal into TEST_DIST_DIR unless a build of the same sources is there. */
export async function ensurePortalBuild(): Promise<void> {
  await withLock(async () => {
    const hash = await sourceHash();
    const built = await readFile(HASH_FILE, 'utf8').catch(() => null);
    if (built === hash) return;
    await buildPortal({ distDir: TEST_DIST_DIR });
    await writeFile(HASH_FILE, hash);
  });
}
