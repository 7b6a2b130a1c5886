// Proves snapshots round-trip, only the newest three are kept, and a damaged newest snapshot falls back to the previous valid one.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadLatestSnapshot, writeSnapshot } from './snapshot.js';
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
  });

  it('falls back to the previous snapshot when the newest fails its checksum or is truncated', async () => {
    for (const seq of [100, 200, 300, 400, 500]) await writeSnapshot(dir, seq, payloadFor(seq));
    const newest = path.join(snapDir(), '00000000000000000500.snap');
    const bytes = fs.readFileSync(newest);
    bytes[bytes.length - 1]! ^= 0x01;
    fs.writeFileSync(newest, bytes);
    const latest = await loadLatestSnapshot(dir);
    expect(latest?.seq).toBe(400);
    expect(latest?.payload).toEqual(payloadFor(400));

    fs.truncateSync(path.join(snapDir(), '00000000000000000400.snap'), 20);
    expect((await loadLatestSnapshot(dir))?.seq).toBe(300);
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
