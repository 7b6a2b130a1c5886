// Proves recovery cuts a torn or corrupt tail of the last segment back to the last valid record, and refuses a damaged earlier segment.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal } from './journal.js';
import {
  makeTempDir,
  payloadFor,
  recordOffsets,
  removeTempDir,
  segmentPaths,
} from './test-fixtures/records.js';

let dir = '';
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await removeTempDir(dir);
});

async function writeRecords(count: number, segmentBytesMax?: number): Promise<void> {
  const journal = await Journal.open({ dir, segmentBytesMax });
  for (let seq = 1; seq <= count; seq++) journal.append(payloadFor(seq));
  await journal.close();
}

function expectIntact(journal: Journal, lastSeq: number): void {
  let seq = 0;
  for (const record of journal.readFrom(1)) {
    seq++;
    expect(record.seq).toBe(seq);
    expect(record.payload).toEqual(payloadFor(seq));
  }
  expect(seq).toBe(lastSeq);
}

describe('torn tail', () => {
  it('recovers the previous records at every cut inside the last record', async () => {
    await writeRecords(20);
    const [file] = segmentPaths(dir);
    const pristine = fs.readFileSync(file!);
    const last = recordOffsets(file!).at(-1)!;
    const recordBytes = last.end - last.start;
    for (let cut = 0; cut < recordBytes; cut++) {
      fs.writeFileSync(file!, pristine.subarray(0, last.start + cut));
      const journal = await Journal.open({ dir });
      expect(journal.lastSeq).toBe(19);
      expect(journal.recovery.lastSeq).toBe(19);
      expect(journal.recovery.truncatedBytes).toBe(cut);
      if (cut > 0) {
        expect(journal.recovery.corruptAt).toEqual({
          segment: path.basename(file!),
          offset: last.start,
          reason: 'torn-record',
        });
      } else {
        expect(journal.recovery.corruptAt).toBeUndefined();
      }
      expect(fs.statSync(file!).size).toBe(last.start);
      expectIntact(journal, 19);
      expect(journal.append(payloadFor(20))).toBe(20);
      expect(journal.append(payloadFor(21))).toBe(21);
      await journal.close();
      const reopened = await Journal.open({ dir });
      expect(reopened.recovery.truncatedBytes).toBe(0);
      expectIntact(reopened, 21);
      await reopened.close();
    }
  });

  it('detects a flipped payload byte in the last record by its checksum and truncates it', async () => {
    await writeRecords(20);
    const [file] = segmentPaths(dir);
    const last = recordOffsets(file!).at(-1)!;
    const bytes = fs.readFileSync(file!);
    bytes[last.start + 16 + 5]! ^= 0x01;
    fs.writeFileSync(file!, bytes);

    const journal = await Journal.open({ dir });
    expect(journal.recovery).toEqual({
      truncatedBytes: last.end - last.start,
      lastSeq: 19,
      corruptAt: { segment: path.basename(file!), offset: last.start, reason: 'bad-checksum' },
    });
    expectIntact(journal, 19);
    expect(journal.append(payloadFor(20))).toBe(20);
    await journal.close();
  });

  it('truncates a zero-filled tail (file grown but data never written)', async () => {
    await writeRecords(5);
    const [file] = segmentPaths(dir);
    const size = fs.statSync(file!).size;
    fs.appendFileSync(file!, new Uint8Array(4096));
    const journal = await Journal.open({ dir });
    expect(journal.recovery.truncatedBytes).toBe(4096);
    expect(journal.recovery.corruptAt?.offset).toBe(size);
    expectIntact(journal, 5);
    await journal.close();
  });

  it('repairs a last segment whose header is torn', async () => {
    await writeRecords(60, 512);
    const files = segmentPaths(dir);
    const lastFile = files.at(-1)!;
    const firstSeqOfLast = Number(path.basename(lastFile).slice(0, 20));
    fs.writeFileSync(lastFile, Buffer.from('TLJ'));
    const journal = await Journal.open({ dir, segmentBytesMax: 512 });
    expect(journal.lastSeq).toBe(firstSeqOfLast - 1);
    expect(journal.recovery.corruptAt?.reason).toBe('torn-header');
    expect(journal.append(payloadFor(firstSeqOfLast))).toBe(firstSeqOfLast);
    await journal.close();
    const reopened = await Journal.open({ dir, segmentBytesMax: 512 });
    expectIntact(reopened, firstSeqOfLast);
    await reopened.close();
  });
});

describe('corruption before the tail', () => {
  it('throws JOURNAL_CORRUPT for a bad record in an earlier segment', async () => {
    await writeRecords(60, 512);
    const files = segmentPaths(dir);
    expect(files.length).toBeGreaterThan(2);
    const victim = files[1]!;
    const bytes = fs.readFileSync(victim);
    const record = recordOffsets(victim)[1]!;
    bytes[record.start + 20]! ^= 0xff;
    fs.writeFileSync(victim, bytes);
    await expect(Journal.open({ dir, segmentBytesMax: 512 })).rejects.toMatchObject({
      code: 'JOURNAL_CORRUPT',
    });
  });

  it('throws JOURNAL_CORRUPT for a torn earlier segment and for a missing segment', async () => {
    await writeRecords(60, 512);
    const files = segmentPaths(dir);
    const torn = fs.readFileSync(files[0]!);
    fs.writeFileSync(files[0]!, torn.subarray(0, torn.length - 3));
    await expect(Journal.open({ dir })).rejects.toMatchObject({ code: 'JOURNAL_CORRUPT' });
    fs.writeFileSync(files[0]!, torn);
    fs.rmSync(files[1]!);
    await expect(Journal.open({ dir })).rejects.toMatchObject({ code: 'JOURNAL_CORRUPT' });
  });

  it('throws JOURNAL_CORRUPT from readFrom when a record rots after open', async () => {
    await writeRecords(10);
    const journal = await Journal.open({ dir });
    const [file] = segmentPaths(dir);
    const bytes = fs.readFileSync(file!);
    const record = recordOffsets(file!)[3]!;
    bytes[record.start + 16]! ^= 0x10;
    fs.writeFileSync(file!, bytes);
    expect(() => [...journal.readFrom(1)]).toThrow(expect.objectContaining({ code: 'JOURNAL_CORRUPT' }));
    await journal.close();
  });
});
