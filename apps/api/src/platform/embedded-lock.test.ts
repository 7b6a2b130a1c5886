// Proves only one process at a time holds an embedded DATA_DIR, and a dead holder's lock is taken over.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireEmbeddedLock } from './embedded-lock.js';

let dir: string;
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('acquireEmbeddedLock', () => {
  it('refuses a second holder while the first lives, and frees the lock on release', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tl-lock-'));
    const release = await acquireEmbeddedLock(dir, 'api');
    expect(await readFile(join(dir, 'platform.lock'), 'utf8')).toBe(`${process.pid} api\n`);
    await expect(acquireEmbeddedLock(dir, 'cli')).rejects.toThrow(`in use by process ${process.pid} (api)`);
    await release();
    const again = await acquireEmbeddedLock(dir, 'cli');
    await again();
  });

  it('takes over the lock of a process that no longer exists', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tl-lock-'));
    // Beyond the kernel's pid range, so no such process.
    await writeFile(join(dir, 'platform.lock'), '4194400 api\n');
    const release = await acquireEmbeddedLock(dir, 'cli');
    expect(await readFile(join(dir, 'platform.lock'), 'utf8')).toBe(`${process.pid} cli\n`);
    await release();
  });
});
