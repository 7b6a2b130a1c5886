import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '@tradeloom/config';

const KEY_BYTES = 32;

/**
 * The key that encrypts secrets at rest. Server mode: MASTER_KEY (every process shares it). Embedded
 * mode without MASTER_KEY: DATA_DIR/secrets/master.key, created with 0600 on first start — losing it
 * makes stored API-key secrets and TOTP seeds unreadable, so back it up with the database.
 */
export async function loadMasterKey(config: Config): Promise<Buffer> {
  if (config.masterKey !== null) return config.masterKey;
  if (config.mode === 'server') throw new Error('MASTER_KEY is required in server mode');
  const dir = join(config.dataDir, 'secrets');
  const file = join(dir, 'master.key');
  try {
    const hex = (await readFile(file, 'utf8')).trim();
    if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`${file} does not hold 64 hex characters`);
    return Buffer.from(hex, 'hex');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  // 'wx': two processes starting at once must not both write a key; the loser reads the winner's.
  try {
    await writeFile(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return Buffer.from((await readFile(file, 'utf8')).trim(), 'hex');
  }
}
