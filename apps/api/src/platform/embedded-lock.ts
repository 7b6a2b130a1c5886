import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Embedded mode is one process: PGlite's files must never be opened by two. The process that runs
 * the platform (or the CLI, while the platform is stopped) holds DATA_DIR/platform.lock with its pid;
 * a lock whose process is gone is taken over.
 */
export async function acquireEmbeddedLock(dataDir: string, holder: string): Promise<() => Promise<void>> {
  const file = join(dataDir, 'platform.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, `${process.pid} ${holder}\n`, { flag: 'wx', mode: 0o600 });
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const [pidText, ...who] = (await readFile(file, 'utf8').catch(() => '')).trim().split(' ');
      const pid = Number(pidText);
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
        throw new Error(
          `${dataDir} is in use by process ${pid} (${who.join(' ') || 'unknown'}); embedded mode runs one process at a time — stop it first`,
        );
      }
      await rm(file, { force: true });
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
