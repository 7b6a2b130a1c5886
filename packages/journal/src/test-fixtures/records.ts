import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Deterministic 40..70-byte payload for `seq`, so any reader can check a record is intact. */
export function payloadFor(seq: number): Uint8Array {
  const length = 40 + (seq % 31);
  const bytes = new Uint8Array(length);
  let x = (seq * 2654435761) >>> 0;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

/** Creates a fresh temp dir for one test. */
export function makeTempDir(): Promise<string> {
  return fs.promises.mkdtemp(path.join(os.tmpdir(), 'tl-journal-'));
}

/** Removes a temp dir made by `makeTempDir`. */
export function removeTempDir(dir: string): Promise<void> {
  return fs.promises.rm(dir, { recursive: true, force: true });
}

/** Sorted segment file paths under a data dir. */
export function segmentPaths(dir: string): string[] {
  const jdir = path.join(dir, 'journal');
  return fs
    .readdirSync(jdir)
    .filter((n) => n.endsWith('.seg'))
    .sort()
    .map((n) => path.join(jdir, n));
}

/** Byte offsets [start, end) of each record in a segment file, parsed without validation. */
export function recordOffsets(file: string): { start: number; end: number }[] {
  const bytes = fs.readFileSync(file);
  const out: { start: number; end: number }[] = [];
  let at = 8;
  while (at + 16 <= bytes.length) {
    const end = at + 16 + bytes.readUInt32LE(at);
    if (end > bytes.length) break;
    out.push({ start: at, end });
    at = end;
  }
  return out;
}
