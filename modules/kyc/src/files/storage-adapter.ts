// Where uploaded files live. The default keeps them on local disk under DATA_DIR/<module>; an
// S3-compatible store plugs in through the same interface. Nothing here is ever served as a static
// file: the modules read a file back only for a request that carries a valid signed URL.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';

/** A store of opaque blobs by key (`<prefix>/<id>`: letters, digits, `_`, `-`, `/`). */
export interface StorageAdapter {
  readonly name: string;
  /** Stores the bytes under `key`, replacing nothing: a key is written once. */
  put(key: string, bytes: Buffer): Promise<void>;
  /** The bytes, or null when there is no such key. */
  get(key: string): Promise<Buffer | null>;
  /** Removes the key; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Keys under a prefix (operations and tests: what is stored). */
  list(prefix: string): Promise<string[]>;
}

const KEY = /^[a-z0-9_-]+(\/[a-z0-9_-]+)*$/;

function checkKey(key: string): void {
  if (!KEY.test(key)) throw new Error(`storage: invalid key ${JSON.stringify(key)}`);
}

/** Files on local disk under `root`; writes go to a temporary name first, so a crash leaves no half file. */
export function createLocalStorage(root: string): StorageAdapter {
  const pathOf = (key: string) => {
    checkKey(key);
    return join(root, ...key.split('/'));
  };
  return {
    name: 'local',
    async put(key, bytes) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const temporary = `${path}.${randomBytes(6).toString('hex')}.part`;
      await writeFile(temporary, bytes, { mode: 0o600, flag: 'wx' });
      await rename(temporary, path);
    },
    async get(key) {
      try {
        return await readFile(pathOf(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    async list(prefix) {
      const base = prefix === '' ? root : pathOf(prefix);
      try {
        const entries = await readdir(base, { recursive: true, withFileTypes: true });
        return entries
          .filter((entry) => entry.isFile())
          .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'))
          .sort();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
    },
  };
}

/** Where an S3-compatible store is (AWS S3, MinIO, Ceph, R2). */
export interface S3StorageConfig {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Keys are written under this prefix in the bucket. */
  prefix?: string;
}

/**
 * The S3-compatible adapter's place: not implemented yet (no S3 client is installed). An operator
 * who configures it gets a clear failure at the first write instead of files silently on local disk.
 */
export function createS3Storage(config: S3StorageConfig): StorageAdapter {
  const unavailable = async (): Promise<never> => {
    throw new Error(`storage: the S3 adapter (bucket ${config.bucket}) is not implemented yet`);
  };
  return { name: 's3', put: unavailable, get: unavailable, delete: unavailable, list: unavailable };
}
