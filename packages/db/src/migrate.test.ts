// Proves migrations apply once and in order, are idempotent, refuse an edited file, and apply exactly once when three servers start together.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from './migrate.js';
import { MigrationError } from './migration-error.js';
import { openDatabase } from './open-database.js';
import { bothModes, createTestDatabase, type TestDatabase } from './testing.js';

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tl-migrations-'));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe.each(bothModes)('migrate on %s', (mode) => {
  let test: TestDatabase;

  beforeEach(async () => {
    test = await createTestDatabase(mode);
  });

  afterEach(async () => {
    await test.drop();
  });

  it('applies the committed migrations once and is idempotent', async () => {
    const first = await migrate(test.database);
    expect(first.applied).toContain('0001');
    expect(first.skipped).toEqual([]);

    const second = await migrate(test.database);
    expect(second.applied).toEqual([]);
    expect(second.skipped).toEqual(first.applied);

    const { rows } = await test.database.query(
      'SELECT version, name FROM schema_migrations ORDER BY version',
    );
    expect(rows[0]).toEqual({ version: '0001', name: 'engine_projection_state' });
    expect(rows).toHaveLength(first.applied.length);
    await test.database.query('INSERT INTO engine_projection_state (last_applied_seq) VALUES ($1)', [42n]);
    const cursor = await test.database.query('SELECT id, last_applied_seq FROM engine_projection_state');
    expect(cursor.rows).toEqual([{ id: 1, last_applied_seq: 42n }]);
  });

  it('refuses a file changed after it was applied and applies nothing after it', async () => {
    await fs.writeFile(path.join(dir, '0001_items.sql'), 'CREATE TABLE items (id int PRIMARY KEY);\n');
    await migrate(test.database, { dir });

    await fs.writeFile(path.join(dir, '0001_items.sql'), 'CREATE TABLE items (id bigint PRIMARY KEY);\n');
    await fs.writeFile(path.join(dir, '0002_more.sql'), 'CREATE TABLE more (id int);\n');
    const error = await migrate(test.database, { dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toMatchObject({ code: 'MIGRATION_CHECKSUM_MISMATCH' });

    const { rows } = await test.database.query("SELECT to_regclass('more') AS more");
    expect(rows).toEqual([{ more: null }]);
  });

  it('rolls back a failing migration entirely and records nothing for it', async () => {
    await fs.writeFile(path.join(dir, '0001_ok.sql'), 'CREATE TABLE ok (id int);\n');
    await fs.writeFile(path.join(dir, '0002_bad.sql'), 'CREATE TABLE half (id int);\nSELECT 1/0;\n');
    await expect(migrate(test.database, { dir })).rejects.toThrow(/division by zero/);

    const { rows } = await test.database.query(
      "SELECT to_regclass('ok')::text AS ok, to_regclass('half')::text AS half, (SELECT array_agg(version) FROM schema_migrations) AS versions",
    );
    expect(rows).toEqual([{ ok: 'ok', half: null, versions: ['0001'] }]);
  });

  it('rejects a file name that is not NNNN_name.sql', async () => {
    await fs.writeFile(path.join(dir, '1_Items.sql'), 'SELECT 1;\n');
    await expect(migrate(test.database, { dir })).rejects.toMatchObject({ code: 'MIGRATION_BAD_FILE_NAME' });
  });
});

describe.runIf(bothModes.includes('postgres'))('migrate on postgres from three processes at once', () => {
  it('applies each migration exactly once', async () => {
    // Each migration also logs itself into runs; a migration applied twice fails or leaves two rows.
    await fs.writeFile(
      path.join(dir, '0001_runs.sql'),
      "CREATE TABLE runs (version text NOT NULL);\nINSERT INTO runs VALUES ('0001');\n",
    );
    for (const version of ['0002', '0003', '0004']) {
      await fs.writeFile(
        path.join(dir, `${version}_step.sql`),
        `SELECT pg_sleep(0.05);\nINSERT INTO runs VALUES ('${version}');\n`,
      );
    }
    const test = await createTestDatabase('postgres');
    const url = test.url!;
    const others = await Promise.all([openDatabase({ url }), openDatabase({ url })]);
    try {
      const results = await Promise.all(
        [test.database, ...others].map((database) => migrate(database, { dir })),
      );
      const applied = results.flatMap((result) => result.applied).sort();
      expect(applied).toEqual(['0001', '0002', '0003', '0004']);
      for (const result of results) {
        expect([...result.applied, ...result.skipped].sort()).toEqual(['0001', '0002', '0003', '0004']);
      }
      const { rows } = await test.database.query('SELECT version FROM runs ORDER BY version');
      expect(rows.map((row) => row.version)).toEqual(['0001', '0002', '0003', '0004']);
    } finally {
      await Promise.all(others.map((database) => database.close()));
      await test.drop();
    }
  });
});
