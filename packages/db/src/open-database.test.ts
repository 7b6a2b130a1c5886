// Proves raw SQL and Drizzle round-trip identically on PGlite and PostgreSQL, transactions commit or roll back as a whole, and PGlite persists its dataDir.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { bigint, pgTable, text } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from './open-database.js';
import { bothModes, createTestDatabase, type TestDatabase } from './testing.js';

const items = pgTable('test_items', {
  id: bigint('id', { mode: 'bigint' }).primaryKey(),
  label: text('label').notNull(),
});

const CREATE_ITEMS = 'CREATE TABLE test_items (id bigint PRIMARY KEY, label text NOT NULL)';

describe.each(bothModes)('openDatabase on %s', (mode) => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await createTestDatabase(mode);
    await test.database.query(CREATE_ITEMS);
  });

  afterAll(async () => {
    await test.drop();
  });

  it('reports its driver', () => {
    expect(test.database.kind).toBe(mode);
  });

  it('round-trips raw SQL with the same JS types on both drivers', async () => {
    const { rows } = await test.database.query(
      "SELECT $1::bigint AS big, $2::numeric(78,0) AS amount, $3::text AS label, 7::int AS small, '2024-01-02T03:04:05Z'::timestamptz AS at, '[1,2]'::jsonb AS doc, ARRAY[1,2]::bigint[] AS bigs",
      [2n ** 63n - 1n, '123456789012345678901234567890', 'x'],
    );
    expect(rows).toEqual([
      {
        big: 2n ** 63n - 1n,
        amount: '123456789012345678901234567890',
        label: 'x',
        small: 7,
        at: expect.stringMatching(/^2024-01-02 03:04:05\+00/),
        doc: [1, 2],
        bigs: [1n, 2n],
      },
    ]);
  });

  it('round-trips rows through Drizzle and sees them from raw SQL', async () => {
    await test.database.db.insert(items).values({ id: 1n, label: 'one' });
    const selected = await test.database.db.select().from(items).where(eq(items.id, 1n));
    expect(selected).toEqual([{ id: 1n, label: 'one' }]);
    const { rows } = await test.database.query('SELECT id, label FROM test_items WHERE id = $1', [1n]);
    expect(rows).toEqual([{ id: 1n, label: 'one' }]);
  });

  it('commits Drizzle and raw writes of one transaction together', async () => {
    const seen = await test.database.transaction(async (tx) => {
      await tx.db.insert(items).values({ id: 10n, label: 'drizzle' });
      await tx.query('INSERT INTO test_items (id, label) VALUES ($1, $2)', [11n, 'raw']);
      const { rows } = await tx.query('SELECT count(*)::int AS n FROM test_items WHERE id IN (10, 11)');
      return rows[0]?.n;
    });
    expect(seen).toBe(2);
    const { rows } = await test.database.query(
      'SELECT label FROM test_items WHERE id IN (10, 11) ORDER BY id',
    );
    expect(rows).toEqual([{ label: 'drizzle' }, { label: 'raw' }]);
  });

  it('rolls a transaction back when its function throws', async () => {
    const failure = new Error('boom');
    await expect(
      test.database.transaction(async (tx) => {
        await tx.db.insert(items).values({ id: 20n, label: 'drizzle' });
        await tx.query('INSERT INTO test_items (id, label) VALUES ($1, $2)', [21n, 'raw']);
        throw failure;
      }),
    ).rejects.toBe(failure);
    const { rows } = await test.database.query('SELECT id FROM test_items WHERE id IN (20, 21)');
    expect(rows).toEqual([]);
  });

  it('rolls a transaction back when a statement fails', async () => {
    await expect(
      test.database.transaction(async (tx) => {
        await tx.query('INSERT INTO test_items (id, label) VALUES ($1, $2)', [30n, 'first']);
        await tx.query('INSERT INTO test_items (id, label) VALUES ($1, $2)', [30n, 'duplicate']);
      }),
    ).rejects.toThrow();
    const { rows } = await test.database.query('SELECT id FROM test_items WHERE id = 30');
    expect(rows).toEqual([]);
  });
});

describe.runIf(bothModes.includes('pglite'))('openDatabase on pglite with a dataDir', () => {
  it('keeps its data across close and reopen', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tl-pglite-'));
    try {
      const first = await openDatabase({ dataDir });
      await first.query(CREATE_ITEMS);
      await first.db.insert(items).values({ id: 1n, label: 'kept' });
      await first.close();

      const second = await openDatabase({ dataDir });
      try {
        expect(await second.db.select().from(items)).toEqual([{ id: 1n, label: 'kept' }]);
      } finally {
        await second.close();
      }
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
