// Proves verification finds tampering at the right entry on both drivers: an edited field, an edited
// hash, a removed entry, an inserted one; and that the head hash is what exposes a removed tail.
import type { Database } from '@tradeloom/db';
import { bothModes, type TestDatabase } from '@tradeloom/db/testing';
import { SettableClock } from '@tradeloom/kernel';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashAuditEntry } from './audit-hash.js';
import { createAuditSink } from './audit-log.js';
import { AUDIT_COLUMNS, auditEntryOf } from './audit-row.js';
import { createAccessTestDatabase } from './testing.js';
import { verifyAuditChain } from './verify-audit-chain.js';

/** Runs `sql` with the append-only trigger off, as a database owner could; the test is that owner. */
async function tamper(database: Database, sql: string, params: unknown[] = []): Promise<void> {
  await database.transaction(async (tx) => {
    await tx.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
    await tx.query(sql, params);
    await tx.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
  });
}

describe.each(bothModes)('verifyAuditChain on %s', (mode) => {
  let test: TestDatabase;
  let database: Database;
  let ids: string[];

  beforeAll(async () => {
    test = await createAccessTestDatabase(mode);
    database = test.database;
  });
  afterAll(() => test.drop());

  // One database per mode (PGlite takes seconds to start): each test starts from a fresh chain.
  beforeEach(async () => {
    await database.transaction(async (tx) => {
      await tx.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_truncate');
      await tx.query('TRUNCATE audit_log');
      await tx.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_truncate');
    });
    const sink = createAuditSink(database, new SettableClock(Date.UTC(2024, 0, 1)));
    for (let index = 0; index < 12; index += 1) {
      await sink.record({
        actor: 'usr_admin',
        action: 'access.role.update',
        target: 'role:support',
        ip: '198.51.100.7',
        before: { permissions: ['support:*'], n: index },
        after: { permissions: ['support:*', 'admin:users'], n: index, note: 'Zoë 😀' },
      });
    }
    const { rows } = await database.query('SELECT id FROM audit_log ORDER BY id');
    ids = rows.map((row) => String(row.id));
    expect(await verifyAuditChain(database, 5)).toMatchObject({ ok: true, entries: 12 });
  });

  it('reports an edited after value at that entry', async () => {
    await tamper(database, `UPDATE audit_log SET after = jsonb_set(after, '{n}', '99') WHERE id = $1::int8`, [
      ids[6],
    ]);
    expect(await verifyAuditChain(database, 5)).toEqual({
      ok: false,
      entries: 7,
      firstBadId: ids[6],
      fault: 'hash-mismatch',
    });
  });

  it('reports a change inside a nested unicode string, and a re-ordered jsonb as no change', async () => {
    await tamper(
      database,
      `UPDATE audit_log SET after = '{"note": "Zoë 😀", "n": 0, "permissions": ["support:*", "admin:users"]}'::jsonb
       WHERE id = $1::int8`,
      [ids[0]],
    );
    expect((await verifyAuditChain(database)).ok).toBe(true);
    await tamper(
      database,
      `UPDATE audit_log SET after = jsonb_set(after, '{note}', '"Zoe 😀"') WHERE id = $1::int8`,
      [ids[3]],
    );
    expect(await verifyAuditChain(database)).toMatchObject({
      ok: false,
      firstBadId: ids[3],
      fault: 'hash-mismatch',
    });
  });

  it('reports an edited actor, ip or instant (down to the microsecond) at that entry', async () => {
    await tamper(database, `UPDATE audit_log SET at = at + interval '1 microsecond' WHERE id = $1::int8`, [
      ids[9],
    ]);
    expect(await verifyAuditChain(database)).toMatchObject({ ok: false, firstBadId: ids[9] });
    await tamper(database, `UPDATE audit_log SET ip = '10.0.0.1' WHERE id = $1::int8`, [ids[4]]);
    expect(await verifyAuditChain(database)).toMatchObject({ ok: false, firstBadId: ids[4] });
    await tamper(database, `UPDATE audit_log SET actor = 'usr_other' WHERE id = $1::int8`, [ids[2]]);
    expect(await verifyAuditChain(database)).toMatchObject({ ok: false, firstBadId: ids[2] });
  });

  it('reports an entry whose stored hash was replaced at that entry', async () => {
    await tamper(database, `UPDATE audit_log SET hash = repeat('e', 64) WHERE id = $1::int8`, [ids[5]]);
    expect(await verifyAuditChain(database)).toMatchObject({
      ok: false,
      firstBadId: ids[5],
      fault: 'hash-mismatch',
    });
  });

  it('reports an edit whose hash was recomputed at the entry after it, which still names the old hash', async () => {
    const { rows } = await database.query(`SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE id = $1::int8`, [
      ids[5],
    ]);
    const entry = auditEntryOf(rows[0] as Record<string, unknown>);
    const forged = hashAuditEntry({ ...entry, actor: 'usr_innocent' });
    await tamper(database, `UPDATE audit_log SET actor = 'usr_innocent', hash = $2 WHERE id = $1::int8`, [
      ids[5],
      forged,
    ]);
    expect(await verifyAuditChain(database)).toEqual({
      ok: false,
      entries: 7,
      firstBadId: ids[6],
      fault: 'prev-hash-mismatch',
    });
  });

  it('reports a removed entry at the one that follows it', async () => {
    await tamper(database, 'DELETE FROM audit_log WHERE id = $1::int8', [ids[7]]);
    expect(await verifyAuditChain(database, 3)).toEqual({
      ok: false,
      entries: 8,
      firstBadId: ids[8],
      fault: 'prev-hash-mismatch',
    });
  });

  it('reports a removed first entry at the new first one', async () => {
    await tamper(database, 'DELETE FROM audit_log WHERE id = $1::int8', [ids[0]]);
    expect(await verifyAuditChain(database)).toMatchObject({ ok: false, entries: 1, firstBadId: ids[1] });
  });

  it('exposes a removed tail only through the head hash recorded before', async () => {
    const before = await verifyAuditChain(database);
    await tamper(database, 'DELETE FROM audit_log WHERE id >= $1::int8', [ids[10]]);
    const after = await verifyAuditChain(database);
    expect(after).toMatchObject({ ok: true, entries: 10, headId: ids[9] });
    expect(after.headHash).not.toBe(before.headHash);
  });
});
