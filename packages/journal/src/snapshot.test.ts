// Proves snapshots round-trip, only the newest three are kept, and a damaged newest snapshot falls back to the previous valid one.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadLatestSnapshot, type SkippedSnapshot, writeSnapshot } from './snapshot.js';
import { makeTempDir, payloadFor, removeTempDir } from './test-fixtures/records.js';

let dir = '';
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await removeTempDir(dir);
});

const snapDir = (): string => path.join(dir, 'snapshots');
const snapFiles = (): string[] => fs.readdirSync(snapDir()).sort();

describe('snapshots', () => {
  it('returns null when there is none', async () => {
    expect(await loadLatestSnapshot(dir)).toBeNull();
  });

  it('keeps the newest three of five and loads the newest', async () => {
    for (const seq of [100, 200, 300, 400, 500]) await writeSnapshot(dir, seq, payloadFor(seq));
    expect(snapFiles()).toEqual([
      '00000000000000000300.snap',
      '00000000000000000400.snap',
      '00000000000000000500.snap',
    ]);
    const latest = await loadLatestSnapshot(dir);
    expect(latest?.seq).toBe(500);
    expect(latest?.payload).toEqual(payloadFor(500));
    // A reader that needs the records after seq 450 gets the newest snapshot not past it.
    expect((await loadLatestSnapshot(dir, { maxSeq: 450 }))?.seq).toBe(400);
    expect((await loadLatestSnapshot(dir, { maxSeq: 400 }))?.seq).toBe(400);
    expect(await loadLatestSnapshot(dir, { maxSeq: 250 })).toBeNull();
  });

  it('falls back to the previous snapshot when the newest fails its checksum or is truncated', async () => {
    for (const seq of [100, 200, 300, 400, 500]) await writeSnapshot(dir, seq, payloadFor(seq));
    const newest = path.join(snapDir(), '00000000000000000500.snap');
    const bytes = fs.readFileSync(newest);
    bytes[bytes.length - 1]! ^= 0x01;
    fs.writeFileSync(newest, bytes);
    const skipped: SkippedSnapshot[] = [];
    const latest = await loadLatestSnapshot(dir, { onSkipped: (s) => skipped.push(s) });
    expect(latest?.seq).toBe(400);
    expect(latest?.payload).toEqual(payloadFor(400));
    expect(skipped).toEqual([{ file: '00000000000000000500.snap', seq: 500, reason: 'bad-checksum' }]);

    fs.truncateSync(path.join(snapDir(), '00000000000000000400.snap'), 20);
    skipped.length = 0;
    expect((await loadLatestSnapshot(dir, { onSkipped: (s) => skipped.push(s) }))?.seq).toBe(300);
    expect(skipped.map((s) => s.reason)).toEqual(['bad-checksum', 'short']);
  });

  it('returns null, reporting every file, when no snapshot is valid', async () => {
    await writeSnapshot(dir, 10, payloadFor(10));
    const file = path.join(snapDir(), '00000000000000000010.snap');
    fs.truncateSync(file, fs.statSync(file).size - 1);
    const skipped: SkippedSnapshot[] = [];
    expect(await loadLatestSnapshot(dir, { onSkipped: (s) => skipped.push(s) })).toBeNull();
    expect(skipped).toEqual([{ file: '00000000000000000010.snap', seq: 10, reason: 'bad-length' }]);
  });

  it('keeps as many snapshots as asked', async () => {
    for (const seq of [1, 2, 3, 4, 5]) await writeSnapshot(dir, seq, payloadFor(seq), { keep: 1 });
    expect(snapFiles()).toEqual(['00000000000000000005.snap']);
    await expect(writeSnapshot(dir, 6, payloadFor(6), { keep: 0 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('ignores and cleans up temp files left by a crash mid-write, and keeps an empty payload', async () => {
    fs.mkdirSync(snapDir(), { recursive: true });
    fs.writeFileSync(path.join(snapDir(), '00000000000000000900.snap.1234-0.tmp'), 'partial');
    expect(await loadLatestSnapshot(dir)).toBeNull();
    await writeSnapshot(dir, 7, new Uint8Array(0));
    expect(snapFiles()).toEqual(['00000000000000000007.snap']);
    expect(await loadLatestSnapshot(dir)).toEqual({ seq: 7, payload: new Uint8Array(0) });
  });
});
