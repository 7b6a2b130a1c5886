// Proves the audit log appends a verifiable hash chain on both drivers: many appends, arbitrary
// nested/unicode JSON read back with the same hash, appends inside a caller's transaction, concurrent
// appenders from several connections without a fork, and no UPDATE/DELETE/TRUNCATE at the database.
import { type Database, openDatabase, type Queryable } from '@tradeloom/db';
import { bothModes, type TestDatabase } from '@tradeloom/db/testing';
import { SettableClock } from '@tradeloom/kernel';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH } from './audit-hash.js';
import { createAuditSink } from './audit-log.js';
import { canonicalJson, type JsonValue, toJsonValue } from './canonical-json.js';
import { listAuditEntries } from './list-audit-entries.js';
import { createAccessTestDatabase } from './testing.js';
import { verifyAuditChain } from './verify-audit-chain.js';

async function countEntries(db: Queryable): Promise<number> {
  const { rows } = await db.query('SELECT count(*)::int4 AS n FROM audit_log');
  return Number(rows[0]?.n);
}

describe.each(bothModes)('audit log on %s', (mode) => {
  let test: TestDatabase;
  let database: Database;
  const clock = new SettableClock(Date.UTC(2024, 4, 1, 12, 0, 0, 123));

  beforeAll(async () => {
    test = await createAccessTestDatabase(mode);
    database = test.database;
  });
  afterAll(() => test.drop());

  it('verifies an empty log, then a chain of many appends walked in small batches', async () => {
    expect(await verifyAuditChain(database)).toEqual({ ok: true, entries: 0 });
    const sink = createAuditSink(database, clock);
    for (let index = 0; index < 120; index += 1) {
      clock.advance(7);
      await sink.record({
        actor: `usr_${index % 3}`,
        action: 'test.append',
        target: `obj_${index}`,
        ip: '203.0.113.9',
        before: { n: index },
        after: { n: index + 1, nested: { list: [index, 'x'], flag: index % 2 === 0 } },
      });
    }
    const { rows } = await database.query('SELECT id, prev_hash, hash FROM audit_log ORDER BY id');
    expect(rows).toHaveLength(120);
    expect(rows[0]?.prev_hash).toBe(GENESIS_HASH);
    for (let index = 1; index < rows.length; index += 1) {
      expect(rows[index]?.prev_hash).toBe(rows[index - 1]?.hash);
    }
    // 120 entries in batches of 7 and of 1000 must agree, head included.
    const small = await verifyAuditChain(database, 7);
    const large = await verifyAuditChain(database);
    expect(small).toEqual({
      ok: true,
      entries: 120,
      headId: String(rows[119]?.id),
      headHash: rows[119]?.hash,
    });
    expect(large).toEqual(small);
  });

  it('reads back nested and unicode before/after with the hash they were written with (property)', async () => {
    const sink = createAuditSink(database, clock);
    const written: JsonValue[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue({ maxDepth: 4 }),
        fc.string({ unit: 'binary', maxLength: 20 }),
        async (value, key) => {
          const after = { [key]: value, fixed: { z: 'é😀\u2028', a: [1.5, 1e21, 5e-324, -0, 2 ** 60] } };
          await sink.record({ actor: 'system', action: 'test.json', after });
          written.push(toJsonValue(after) as JsonValue);
        },
      ),
      { numRuns: 40 },
    );
    const verification = await verifyAuditChain(database);
    expect(verification.ok).toBe(true);
    // What comes back equals what was hashed, as canonical text (key order and spacing are jsonb's).
    const page = await listAuditEntries(database, { action: 'test.json', limit: 200 });
    const readBack = page.entries.map((entry) => canonicalJson(entry.after as JsonValue)).reverse();
    expect(readBack).toEqual(written.map(canonicalJson));
  });

  it('stores absent and JSON-null before/after as SQL NULL, and refuses entries out of bounds', async () => {
    const sink = createAuditSink(database, clock);
    await sink.record({ actor: 'system', action: 'test.null', before: null });
    const { rows } = await database.query(
      `SELECT before IS NULL AS before_null, after IS NULL AS after_null FROM audit_log
       WHERE action = 'test.null'`,
    );
    expect(rows).toEqual([{ before_null: true, after_null: true }]);
    await expect(sink.record({ actor: '', action: 'x' })).rejects.toThrow('actor must be');
    await expect(sink.record({ actor: 'system', action: 'x', target: 'a\ud800' })).rejects.toThrow(
      'target must be',
    );
    await expect(
      sink.record({ actor: 'system', action: 'x', after: { blob: 'x'.repeat(70_000) } }),
    ).rejects.toThrow('record fields, not rows');
    expect((await verifyAuditChain(database)).ok).toBe(true);
  });

  it("appends inside the caller's transaction: committed with it, or gone with its rollback", async () => {
    const sink = createAuditSink(database, clock);
    const before = await countEntries(database);
    await expect(
      database.transaction(async (tx) => {
        await sink.record({ actor: 'system', action: 'test.rolled-back' }, tx);
        expect(await countEntries(tx)).toBe(before + 1);
        throw new Error('the action failed');
      }),
    ).rejects.toThrow('the action failed');
    expect(await countEntries(database)).toBe(before);
    await database.transaction(async (tx) => {
      await sink.record({ actor: 'system', action: 'test.committed' }, tx);
    });
    expect(await countEntries(database)).toBe(before + 1);
    // The id the rolled-back append used is a gap; the chain does not mind.
    expect((await verifyAuditChain(database)).ok).toBe(true);
  });

  it('refuses to append inside a REPEATABLE READ transaction (its snapshot could miss the last entry)', async () => {
    const sink = createAuditSink(database, clock);
    await expect(
      database.transaction(async (tx) => {
        await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
        await sink.record({ actor: 'system', action: 'test.rr' }, tx);
      }),
    ).rejects.toThrow('READ COMMITTED');
  });

  it('refuses UPDATE, DELETE and TRUNCATE of audit_log', async () => {
    for (const sql of [
      "UPDATE audit_log SET actor = 'someone-else'",
      'DELETE FROM audit_log',
      'TRUNCATE audit_log',
    ]) {
      const error = await database.query(sql).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error, sql).toBeInstanceOf(Error);
      expect(String((error as Error).cause ?? error), sql).toContain('audit_log is append-only');
    }
    expect(await countEntries(database)).toBeGreaterThan(0);
    expect((await verifyAuditChain(database)).ok).toBe(true);
  });

  it('refuses a second entry naming the same predecessor, even without the append lock', async () => {
    const { rows } = await database.query('SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1');
    const head = rows[0]?.hash as string;
    const insert = `INSERT INTO audit_log (at, actor, action, prev_hash, hash) VALUES (now(), 'x', 'fork', $1, $2)`;
    const error = await database
      .transaction(async (tx) => {
        await tx.query(insert, [head, 'a'.repeat(64)]);
        await tx.query(insert, [head, 'b'.repeat(64)]);
      })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(String((error as Error | undefined)?.cause ?? error)).toContain('audit_log_prev_hash_key');
    expect((await verifyAuditChain(database)).ok).toBe(true);
  });

  it('never forks the chain under concurrent appends from several connections', async () => {
    const connections: Database[] =
      mode === 'postgres' && test.url !== undefined
        ? await Promise.all([1, 2, 3, 4].map(() => openDatabase({ url: test.url as string, poolSizeMax: 5 })))
        : [database];
    try {
      const before = await countEntries(database);
      const perConnection = 40;
      await Promise.all(
        connections.flatMap((connection, c) => {
          const sink = createAuditSink(connection, clock);
          return Array.from({ length: perConnection }, (_, index) =>
            index % 2 === 0
              ? sink.record({ actor: `usr_c${c}`, action: 'test.concurrent', target: String(index) })
              : connection.transaction((tx) =>
                  sink.record({ actor: `usr_c${c}`, action: 'test.concurrent', target: String(index) }, tx),
                ),
          );
        }),
      );
      const added = connections.length * perConnection;
      expect(await countEntries(database)).toBe(before + added);
      const verification = await verifyAuditChain(database);
      expect(verification).toMatchObject({ ok: true, entries: before + added });
    } finally {
      if (connections[0] !== database) await Promise.all(connections.map((connection) => connection.close()));
    }
  });

  it.runIf(mode === 'postgres')(
    "holds other appenders back until the caller's transaction ends, so its entry stays in order",
    async () => {
      const other = await openDatabase({ url: test.url as string, poolSizeMax: 2 });
      try {
        const sink = createAuditSink(database, clock);
        const otherSink = createAuditSink(other, clock);
        let otherDone = false;
        let pending: Promise<void> | undefined;
        await database.transaction(async (tx) => {
          await sink.record({ actor: 'system', action: 'test.first' }, tx);
          pending = otherSink.record({ actor: 'system', action: 'test.second' }).then(() => {
            otherDone = true;
          });
          await new Promise((resolve) => setTimeout(resolve, 300));
          expect(otherDone).toBe(false);
        });
        await pending;
        const page = await listAuditEntries(database, { limit: 2 });
        expect(page.entries.map((entry) => entry.action)).toEqual(['test.second', 'test.first']);
        expect((await verifyAuditChain(database)).ok).toBe(true);
      } finally {
        await other.close();
      }
    },
  );
});
