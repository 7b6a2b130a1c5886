// Proves the master key comes from MASTER_KEY when set, else is created once under DATA_DIR and reused.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@tradeloom/config';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMasterKey } from './master-key.js';

let dir: string;
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('loadMasterKey', () => {
  it('creates a 0600 key file on first use in embedded mode and reads the same key later', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tl-key-'));
    const config = loadConfig({ DATA_DIR: dir });
    const first = await loadMasterKey(config);
    expect(first).toHaveLength(32);
    const file = join(dir, 'secrets', 'master.key');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, 'utf8')).trim()).toBe(first.toString('hex'));
    expect((await loadMasterKey(config)).equals(first)).toBe(true);
  });

  it('uses MASTER_KEY when it is set and writes nothing', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tl-key-'));
    const hex = 'cd'.repeat(32);
    const key = await loadMasterKey(loadConfig({ DATA_DIR: dir, MASTER_KEY: hex }));
    expect(key.toString('hex')).toBe(hex);
    await expect(stat(join(dir, 'secrets'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a damaged key file instead of replacing it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tl-key-'));
    const config = loadConfig({ DATA_DIR: dir });
    await loadMasterKey(config);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'secrets', 'master.key'), 'short\n');
    await expect(loadMasterKey(config)).rejects.toThrow('does not hold 64 hex characters');
  });
});
