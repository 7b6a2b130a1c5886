import fs from 'node:fs';
import path from 'node:path';
import { JournalError } from './journal-error.js';

const LOCK_FILE = 'LOCK';
const openInProcess = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Best-effort single-writer guard for a journal folder: a `LOCK` file holding the owner's pid, taken over when
 * that process is gone (after a crash). Returns the release function.
 */
export async function lockJournal(dirPath: string): Promise<() => Promise<void>> {
  const key = await fs.promises.realpath(dirPath);
  if (openInProcess.has(key)) {
    throw new JournalError('JOURNAL_LOCKED', `journal ${dirPath} is already open in this process`);
  }
  const lockPath = path.join(dirPath, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.promises.writeFile(lockPath, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
    }
    const owner = Number.parseInt(await fs.promises.readFile(lockPath, 'utf8').catch(() => ''), 10);
    // Our own pid in a stale file means a previous incarnation (pid 1 in a restarted container).
    if (Number.isSafeInteger(owner) && owner !== process.pid && isAlive(owner)) {
      throw new JournalError('JOURNAL_LOCKED', `journal ${dirPath} is locked by live process ${owner}`);
    }
    await fs.promises.rm(lockPath, { force: true });
  }
  openInProcess.add(key);
  return async () => {
    openInProcess.delete(key);
    await fs.promises.rm(lockPath, { force: true });
  };
}
