// Proves records come back exactly as appended across close/reopen, segment rolls and compaction, and that durability is reported only after a group commit.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal } from './journal.js';
import { JournalError } from './journal-error.js';
import { makeTempDir, payloadFor, removeTempDir, segmentPaths } from './test-fixtures/records.js';

let dir = '';
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await removeTempDir(dir);
});

function readAll(journal: Journal, from = 1): { seq: number; payload: Uint8Array }[] {
  return [...journal.readFrom(from)].map((r) => ({ seq: r.seq, payload: Uint8Array.from(r.payload) }));
}

describe('append and read back', () => {
  it('returns consecutive seqs and reads every record back exactly after reopen', async () => {
    const journal = await Journal.open({ dir });
    expect(journal.lastSeq).toBe(0);
    expect(journal.recovery).toEqual({ truncatedBytes: 0, lastSeq: 0 });
    for (let seq = 1; seq <= 1000; seq++) expect(journal.append(payloadFor(seq))).toBe(seq);
    await journal.close();

    const reopened = await Journal.open({ dir });
    expect(reopened.recovery).toEqual({ truncatedBytes: 0, lastSeq: 1000 });
    expect(reopened.lastSeq).toBe(1000);
    expect(reopened.durableSeq).toBe(1000);
    const records = readAll(reopened);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    for (const r of records) expect(r.payload).toEqual(payloadFor(r.seq));
    expect(reopened.append(payloadFor(1001))).toBe(1001);
    await reopened.close();
  });

  it('readFrom(k) starts exactly at k, and past the end yields nothing', async () => {
    const journal = await Journal.open({ dir });
    for (let seq = 1; seq <= 50; seq++) journal.append(payloadFor(seq));
    await journal.flush();
    expect(readAll(journal, 37).map((r) => r.seq)).toEqual(Array.from({ length: 14 }, (_, i) => i + 37));
    expect(readAll(journal, 50).map((r) => r.seq)).toEqual([50]);
    expect(readAll(journal, 51)).toEqual([]);
    expect(readAll(journal, 0).length).toBe(50);
    await journal.close();
  });

  it('keeps empty payloads and large payloads', async () => {
    const journal = await Journal.open({ dir });
    const big = new Uint8Array(5 * 1024 * 1024).map((_, i) => i % 251);
    journal.append(new Uint8Array(0));
    journal.append(big);
    journal.append(payloadFor(3));
    await journal.close();
    const reopened = await Journal.open({ dir });
    const records = readAll(reopened);
    expect(records.map((r) => r.payload.length)).toEqual([0, big.length, payloadFor(3).length]);
    expect(Buffer.from(records[1]!.payload).equals(big)).toBe(true);
    await reopened.close();
  });

  it('rejects a payload over the size bound with RECORD_TOO_LARGE and appends after close with JOURNAL_CLOSED', async () => {
    const journal = await Journal.open({ dir });
    expect(() => journal.append(new Uint8Array(16 * 1024 * 1024 + 1))).toThrow(
      expect.objectContaining({ code: 'RECORD_TOO_LARGE' }),
    );
    await journal.close();
    expect(() => journal.append(payloadFor(1))).toThrow(JournalError);
    expect(() => journal.append(payloadFor(1))).toThrow(expect.objectContaining({ code: 'JOURNAL_CLOSED' }));
  });
});

describe('records written in place', () => {
  it('beginRecord/commitRecord writes the same records as append, across segment rolls', async () => {
    const journal = await Journal.open({ dir, segmentBytesMax: 4_096 });
    for (let seq = 1; seq <= 600; seq++) {
      const payload = payloadFor(seq);
      if (seq % 2 === 0) {
        expect(journal.append(payload)).toBe(seq);
      } else {
        const at = journal.beginRecord(payload.length);
        journal.recordBuffer.set(payload, at);
        expect(journal.commitRecord(payload.length)).toBe(seq);
      }
    }
    await journal.close();
    expect(segmentPaths(dir).length).toBeGreaterThan(1);
    const reopened = await Journal.open({ dir });
    expect(reopened.recovery).toEqual({ truncatedBytes: 0, lastSeq: 600 });
    expect(readAll(reopened)).toEqual(
      Array.from({ length: 600 }, (_, i) => ({ seq: i + 1, payload: Uint8Array.from(payloadFor(i + 1)) })),
    );
    await reopened.close();
  });

  it('a begun record that is never committed is not there, and a commit must match its begin', async () => {
    const journal = await Journal.open({ dir });
    const at = journal.beginRecord(3);
    journal.recordBuffer.set([9, 9, 9], at);
    expect(() => journal.commitRecord(2)).toThrow(JournalError);
    expect(journal.append(payloadFor(1))).toBe(1);
    expect(() => journal.commitRecord(3)).toThrow(JournalError);
    await journal.close();
    const reopened = await Journal.open({ dir });
    expect(readAll(reopened)).toEqual([{ seq: 1, payload: Uint8Array.from(payloadFor(1)) }]);
    await reopened.close();
  });
});

describe('single writer', () => {
  it('refuses a second open of the same dir and takes over a lock left by a dead process', async () => {
    const journal = await Journal.open({ dir });
    await expect(Journal.open({ dir })).rejects.toMatchObject({ code: 'JOURNAL_LOCKED' });
    await journal.close();
    // A pid far above any pid_max is never alive: the lock is stale.
    fs.writeFileSync(path.join(dir, 'journal', 'LOCK'), '999999999\n');
    const reopened = await Journal.open({ dir });
    await reopened.close();
    fs.writeFileSync(path.join(dir, 'journal', 'LOCK'), `${process.ppid}\n`);
    await expect(Journal.open({ dir })).rejects.toMatchObject({ code: 'JOURNAL_LOCKED' });
  });
});

describe('segments', () => {
  it('rolls at segmentBytesMax, never splits a record, and reads across segments', async () => {
    const journal = await Journal.open({ dir, segmentBytesMax: 512 });
    for (let seq = 1; seq <= 300; seq++) journal.append(payloadFor(seq));
    await journal.close();

    const files = segmentPaths(dir);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) expect(fs.statSync(file).size).toBeLessThanOrEqual(512);
    const firstSeqs = files.map((f) => Number(f.slice(-24, -4)));
    expect(firstSeqs[0]).toBe(1);

    const reopened = await Journal.open({ dir, segmentBytesMax: 512 });
    expect(reopened.lastSeq).toBe(300);
    const records = readAll(reopened, 123);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 178 }, (_, i) => i + 123));
    for (const r of records) expect(r.payload).toEqual(payloadFor(r.seq));
    for (let seq = 301; seq <= 400; seq++) expect(reopened.append(payloadFor(seq))).toBe(seq);
    await reopened.flush();
    expect(readAll(reopened).length).toBe(400);
    await reopened.close();
  });

  it('compactBefore deletes only whole segments below the seq and never the active one', async () => {
    const journal = await Journal.open({ dir, segmentBytesMax: 512 });
    for (let seq = 1; seq <= 300; seq++) journal.append(payloadFor(seq));
    await journal.flush();
    const before = segmentPaths(dir);

    await journal.compactBefore(150);
    const after = segmentPaths(dir);
    expect(after.length).toBeLessThan(before.length);
    const oldestKept = Number(after[0]!.slice(-24, -4));
    expect(oldestKept).toBeLessThanOrEqual(150);
    const records = readAll(journal, oldestKept);
    expect(records[0]!.seq).toBe(oldestKept);
    expect(records.at(-1)!.seq).toBe(300);
    expect(() => journal.readFrom(1)).toThrow(expect.objectContaining({ code: 'SEQ_COMPACTED' }));

    await journal.compactBefore(Number.MAX_SAFE_INTEGER);
    expect(segmentPaths(dir)).toEqual([before.at(-1)]);
    await journal.close();

    const reopened = await Journal.open({ dir, segmentBytesMax: 512 });
    expect(reopened.lastSeq).toBe(300);
    expect(reopened.append(payloadFor(301))).toBe(301);
    await reopened.close();
  });
});

describe('large batches', () => {
  it('commits a batch spanning several write buffers and segment rolls, and reads it back', async () => {
    const journal = await Journal.open({ dir, segmentBytesMax: 1024 * 1024 });
    const count = 200_000; // ~11 MB in one event-loop turn: several 4 MiB buffers, ~11 segments
    for (let seq = 1; seq <= count; seq++) journal.append(payloadFor(seq));
    expect(journal.pendingBytes).toBeGreaterThan(8 * 1024 * 1024);
    expect(await journal.flush()).toBe(count);
    expect(journal.pendingBytes).toBe(0);
    let seq = 0;
    for (const record of journal.readFrom(1)) {
      seq++;
      if (record.seq !== seq || !Buffer.from(payloadFor(seq)).equals(record.payload)) {
        throw new Error(`record ${seq} differs`);
      }
    }
    expect(seq).toBe(count);
    expect(segmentPaths(dir).length).toBeGreaterThan(8);
    await journal.close();
  });

  it('compactBefore keeps segments whose records are not durable yet', async () => {
    const journal = await Journal.open({ dir, segmentBytesMax: 256 });
    for (let seq = 1; seq <= 40; seq++) journal.append(payloadFor(seq));
    await journal.compactBefore(41);
    expect(segmentPaths(dir).map((f) => Number(f.slice(-24, -4)))[0]).toBe(1);
    await journal.flush();
    await journal.compactBefore(41);
    expect(segmentPaths(dir).length).toBe(1);
    await journal.close();
  });
});

describe('durability', () => {
  it('advances durableSeq only after a flush, resolves whenDurable and calls onDurable with increasing seqs', async () => {
    const journal = await Journal.open({ dir });
    const seen: number[] = [];
    journal.onDurable((seq) => seen.push(seq));
    for (let seq = 1; seq <= 10; seq++) journal.append(payloadFor(seq));
    expect(journal.durableSeq).toBe(0);
    const durable = journal.whenDurable(10);
    expect(await journal.flush()).toBe(10);
    await durable;
    expect(journal.durableSeq).toBe(10);

    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 100; i++) journal.append(payloadFor(journal.lastSeq + 1));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await journal.whenDurable(journal.lastSeq);
    expect(journal.durableSeq).toBe(2010);
    expect(seen.length).toBeGreaterThan(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!);
    expect(seen.at(-1)).toBe(2010);
    await expect(journal.whenDurable(1)).resolves.toBeUndefined();
    await expect(journal.whenDurable(5000)).rejects.toMatchObject({ code: 'SEQ_NOT_APPENDED' });
    await journal.close();
  });

  it('group-commits on its own within the max delay, not before it, and flush() skips the delay', async () => {
    const journal = await Journal.open({ dir, groupCommitMaxDelayMs: 200 });
    const started = performance.now();
    journal.append(payloadFor(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(journal.durableSeq).toBe(0);
    await journal.whenDurable(1);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(journal.durableSeq).toBe(1);
    journal.append(payloadFor(2));
    const flushStarted = performance.now();
    expect(await journal.flush()).toBe(2);
    expect(performance.now() - flushStarted).toBeLessThan(150);
    await journal.close();
  });

  it('resolves whenDurable promises in seq order whatever the order they were requested in', async () => {
    const journal = await Journal.open({ dir, groupCommitMaxDelayMs: 0 });
    for (let seq = 1; seq <= 6; seq++) journal.append(payloadFor(seq));
    const order: number[] = [];
    await Promise.all([5, 2, 6, 1, 4, 3].map((seq) => journal.whenDurable(seq).then(() => order.push(seq))));
    expect(order).toEqual([1, 2, 3, 4, 5, 6]);
    await journal.close();
  });

  it('stops calling an onDurable listener once it is removed', async () => {
    const journal = await Journal.open({ dir });
    const seen: number[] = [];
    const off = journal.onDurable((seq) => seen.push(seq));
    journal.append(payloadFor(1));
    await journal.flush();
    off();
    journal.append(payloadFor(2));
    await journal.flush();
    expect(seen).toEqual([1]);
    await journal.close();
  });

  it('readFrom yields only durable records', async () => {
    const journal = await Journal.open({ dir });
    journal.append(payloadFor(1));
    await journal.flush();
    journal.append(payloadFor(2));
    expect(readAll(journal).map((r) => r.seq)).toEqual([1]);
    await journal.flush();
    expect(readAll(journal).map((r) => r.seq)).toEqual([1, 2]);
    await journal.close();
  });
});

describe('backpressure', () => {
  it('turns unwritable at batchBytesMax, refuses appends with JOURNAL_BACKPRESSURE, and drains after a group commit', async () => {
    const batchBytesMax = 10_000;
    const journal = await Journal.open({ dir, batchBytesMax, groupCommitMaxDelayMs: 10_000 });
    const drains: number[] = [];
    journal.onDrain(() => drains.push(journal.durableSeq));
    let seq = 0;
    while (journal.writable) expect(journal.append(payloadFor(++seq))).toBe(seq);
    // The record that crossed the bound was accepted; memory stays within one record of the bound.
    expect(journal.pendingBytes).toBeGreaterThanOrEqual(batchBytesMax);
    expect(journal.pendingBytes).toBeLessThan(batchBytesMax + 16 + 71);
    expect(() => journal.append(payloadFor(seq + 1))).toThrow(
      expect.objectContaining({ code: 'JOURNAL_BACKPRESSURE' }),
    );
    expect(journal.lastSeq).toBe(seq);
    expect(drains).toEqual([]);

    expect(await journal.flush()).toBe(seq);
    expect(journal.writable).toBe(true);
    expect(journal.pendingBytes).toBe(0);
    expect(drains).toEqual([seq]);
    expect(journal.append(payloadFor(seq + 1))).toBe(seq + 1);
    await journal.close();

    const reopened = await Journal.open({ dir });
    expect(readAll(reopened).map((r) => r.seq)).toEqual(Array.from({ length: seq + 1 }, (_, i) => i + 1));
    await reopened.close();
  });

  it('lets a producer that honours writable/onDrain push far more than batchBytesMax through', async () => {
    const journal = await Journal.open({ dir, batchBytesMax: 64 * 1024, groupCommitMaxDelayMs: 0 });
    const total = 50_000; // ~3.4 MB through a 64 KiB window
    let drains = 0;
    while (journal.lastSeq < total) {
      while (journal.writable && journal.lastSeq < total) journal.append(payloadFor(journal.lastSeq + 1));
      if (journal.lastSeq < total) {
        await new Promise<void>((resolve) => {
          const off = journal.onDrain(() => {
            off();
            resolve();
          });
        });
        drains++;
      }
    }
    expect(drains).toBeGreaterThan(10);
    await journal.close();
    const reopened = await Journal.open({ dir });
    expect(reopened.lastSeq).toBe(total);
    await reopened.close();
  });

  it('rejects invalid limits with INVALID_ARGUMENT', async () => {
    await expect(Journal.open({ dir, batchBytesMax: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(Journal.open({ dir, groupCommitMaxDelayMs: -1 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(Journal.open({ dir, segmentBytesMax: 10 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});
