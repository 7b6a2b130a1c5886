import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { MigrationError } from './migration-error.js';

/** One committed migration file. */
export interface MigrationFile {
  /** The four digits before the first underscore, e.g. '0001'. */
  version: string;
  name: string;
  sql: string;
  /** sha256 of the file with line endings normalized, hex. */
  checksum: string;
}

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Reads `dir/NNNN_name.sql` files sorted by version; any other .sql name is an error, not ignored. */
export async function readMigrationFiles(dir: string): Promise<MigrationFile[]> {
  const entries = (await fs.readdir(dir)).filter((entry) => entry.endsWith('.sql')).sort();
  const files: MigrationFile[] = [];
  for (const entry of entries) {
    const match = FILE_NAME.exec(entry);
    if (match === null) {
      throw new MigrationError(
        'MIGRATION_BAD_FILE_NAME',
        `migration file ${entry} does not match NNNN_lower_snake_name.sql`,
      );
    }
    const [, version, name] = match;
    if (version === undefined || name === undefined) throw new Error('unreachable: regex groups');
    const previous = files.at(-1);
    if (previous?.version === version) {
      throw new MigrationError(
        'MIGRATION_DUPLICATE_VERSION',
        `migration version ${version} is used by both ${previous.name} and ${name}`,
      );
    }
    // A checkout with CRLF line endings is the same migration.
    const sql = (await fs.readFile(path.join(dir, entry), 'utf8')).replace(/\r\n/g, '\n');
    const checksum = createHash('sha256').update(sql).digest('hex');
    files.push({ version, name, sql, checksum });
  }
  return files;
}
