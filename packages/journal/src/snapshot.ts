import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from './crc32.js';
import { readU32, readU64, SEQ_DIGITS, SNAPSHOT_SUBDIR, writeU32, writeU64 } from './format.js';
import { closeFd, fsyncDir, fsyncFd, openFd, writeAll } from './fs-async.js';
import { JournalError } from './journal-error.js';

const SNAPSHOT_MAGIC = 0x31534c54; // "TLS1" read as a u32 LE
const SNAPSHOT_VERSION = 1;
/** "TLS1" u32 version, u64 seq, u64 payload length, u32 CRC32 over the first 24 header bytes + payload. */
const SNAPSHOT_HEADER_BYTES = 28;
const SNAPSHOTS_KEPT_DEFAULT = 3;
const SNAPSHOT_NAME = /^(\d{20})\.snap$/;
const TEMP_SUFFIX = '.tmp';

let tempCounter = 0;

/** Options of `writeSnapshot`. */
export interface WriteSnapshotOptions {
  /** How many of the newest snapshots to keep (this one included); older ones are deleted. Default 3. */
  keep?: number;
}

/** Why `loadLatestSnapshot` passed over a snapshot file. */
export type SnapshotFault = 'short' | 'bad-header' | 'bad-seq' | 'bad-length' | 'bad-checksum';

/** A snapshot file `loadLatestSnapshot` skipped because it failed validation. */
export interface SkippedSnapshot {
  readonly file: string;
  readonly seq: number;
  readonly reason: SnapshotFault;
}

/** Options of `loadLatestSnapshot`. */
export interface LoadSnapshotOptions {
  /** Called for each newer snapshot that was skipped as damaged, newest first. */
  onSkipped?: (skipped: SkippedSnapshot) => void;
  /** Only snapshots at or below this record seq (a reader that needs the events after it). */
  maxSeq?: number;
}

function snapshotDir(dir: string): string {
  return path.join(dir, SNAPSHOT_SUBDIR);
}

async function listSnapshots(snapDir: string): Promise<{ seq: number; name: string }[]> {
  let names: string[];
  try {
    names = await fs.promises.readdir(snapDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const found: { seq: number; name: string }[] = [];
  for (const name of names) {
    const match = SNAPSHOT_NAME.exec(name);
    if (match !== null) found.push({ seq: Number(match[1]), name });
  }
  return found.sort((a, b) => a.seq - b.seq);
}

/**
 * Atomically writes the snapshot taken after record `seq` (temp file, fsync, rename, fsync dir), then keeps
 * only the newest `keep` (default 3) snapshots.
 */
export async function writeSnapshot(
  dir: string,
  seq: number,
  payload: Uint8Array,
  options: WriteSnapshotOptions = {},
): Promise<void> {
  const keep = options.keep ?? SNAPSHOTS_KEPT_DEFAULT;
  if (!Number.isSafeInteger(seq) || seq < 0) {
    throw new JournalError(
      'INVALID_ARGUMENT',
      `snapshot seq must be a non-negative safe integer, got ${seq}`,
    );
  }
  if (!Number.isSafeInteger(keep) || keep < 1) {
    throw new JournalError('INVALID_ARGUMENT', `snapshot keep must be an integer >= 1, got ${keep}`);
  }
  const snapDir = snapshotDir(dir);
  await fs.promises.mkdir(snapDir, { recursive: true });
  const header = Buffer.alloc(SNAPSHOT_HEADER_BYTES);
  writeU32(header, 0, SNAPSHOT_MAGIC);
  writeU32(header, 4, SNAPSHOT_VERSION);
  writeU64(header, 8, seq);
  writeU64(header, 16, payload.length);
  writeU32(header, 24, crc32(payload, crc32(header.subarray(0, 24))));

  const name = `${String(seq).padStart(SEQ_DIGITS, '0')}.snap`;
  const finalPath = path.join(snapDir, name);
  const tempPath = `${finalPath}.${process.pid}-${tempCounter++}${TEMP_SUFFIX}`;
  const fd = await openFd(tempPath, 'w');
  try {
    await writeAll(fd, header, 0, header.length, 0);
    await writeAll(fd, payload, 0, payload.length, header.length);
    await fsyncFd(fd);
  } finally {
    await closeFd(fd);
  }
  await fs.promises.rename(tempPath, finalPath);
  await fsyncDir(snapDir);

  const existing = await listSnapshots(snapDir);
  const doomed = existing.slice(0, Math.max(0, existing.length - keep)).map((s) => s.name);
  // Temp files left by a crash mid-write are garbage; ours was renamed above.
  for (const other of await fs.promises.readdir(snapDir)) if (other.endsWith(TEMP_SUFFIX)) doomed.push(other);
  if (doomed.length === 0) return;
  for (const file of doomed) await fs.promises.rm(path.join(snapDir, file), { force: true });
  await fsyncDir(snapDir);
}

// Returns the payload when the file is a complete, checksummed snapshot of `seq`, else why it is not.
function decodeSnapshot(bytes: Buffer, seq: number): Uint8Array | SnapshotFault {
  if (bytes.length < SNAPSHOT_HEADER_BYTES) return 'short';
  if (readU32(bytes, 0) !== SNAPSHOT_MAGIC || readU32(bytes, 4) !== SNAPSHOT_VERSION) return 'bad-header';
  if (readU64(bytes, 8) !== seq) return 'bad-seq';
  if (readU64(bytes, 16) !== bytes.length - SNAPSHOT_HEADER_BYTES) return 'bad-length';
  const payload = new Uint8Array(
    bytes.buffer,
    bytes.byteOffset + SNAPSHOT_HEADER_BYTES,
    bytes.length - SNAPSHOT_HEADER_BYTES,
  );
  if (crc32(payload, crc32(bytes.subarray(0, 24))) !== readU32(bytes, 24)) return 'bad-checksum';
  return payload;
}

/**
 * Loads the newest snapshot that passes its checks, reporting each damaged newer one to `onSkipped`;
 * null when none is valid.
 */
export async function loadLatestSnapshot(
  dir: string,
  options: LoadSnapshotOptions = {},
): Promise<{ seq: number; payload: Uint8Array } | null> {
  const snapDir = snapshotDir(dir);
  const found = await listSnapshots(snapDir);
  for (let i = found.length - 1; i >= 0; i--) {
    const { seq, name } = found[i]!;
    if (options.maxSeq !== undefined && seq > options.maxSeq) continue;
    const decoded = decodeSnapshot(await fs.promises.readFile(path.join(snapDir, name)), seq);
    if (typeof decoded !== 'string') return { seq, payload: decoded };
    options.onSkipped?.({ file: name, seq, reason: decoded });
  }
  return null;
}
