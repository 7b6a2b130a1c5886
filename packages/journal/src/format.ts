import path from 'node:path';

/** Segment files live in `<dir>/journal/`. */
export const JOURNAL_SUBDIR = 'journal';
/** Snapshot files live in `<dir>/snapshots/`. */
export const SNAPSHOT_SUBDIR = 'snapshots';

export const SEGMENT_MAGIC = 0x314a4c54; // "TLJ1" read as a u32 LE
export const SEGMENT_VERSION = 1;
export const SEGMENT_HEADER_BYTES = 8;
/** [u32 payload length][u32 crc32(seq bytes + payload)][u64 seq] */
export const RECORD_HEADER_BYTES = 16;
/** Upper bound of one payload; also the "sane length" bound recovery uses to reject garbage lengths. */
export const PAYLOAD_BYTES_MAX = 16 * 1024 * 1024;
export const SEGMENT_BYTES_MAX_DEFAULT = 64 * 1024 * 1024;

export const SEQ_DIGITS = 20;
const SEGMENT_NAME = /^(\d{20})\.seg$/;
const U32 = 0x1_0000_0000;

/** File name of the segment whose first record has `firstSeq`. */
export function segmentName(firstSeq: number): string {
  return `${String(firstSeq).padStart(SEQ_DIGITS, '0')}.seg`;
}

/** First seq encoded in a segment file name, or null when the name is not a segment. */
export function parseSegmentName(name: string): number | null {
  const match = SEGMENT_NAME.exec(name);
  if (match === null) return null;
  const seq = Number(match[1]);
  return Number.isSafeInteger(seq) && seq >= 1 ? seq : null;
}

/** Path of the journal's segment folder under the data dir. */
export function journalDir(dir: string): string {
  return path.join(dir, JOURNAL_SUBDIR);
}

/** Writes a u64 LE from a safe integer without allocating a BigInt. */
export function writeU64(buf: Uint8Array, offset: number, value: number): void {
  const lo = value >>> 0;
  const hi = (value - lo) / U32;
  buf[offset] = lo & 0xff;
  buf[offset + 1] = (lo >>> 8) & 0xff;
  buf[offset + 2] = (lo >>> 16) & 0xff;
  buf[offset + 3] = lo >>> 24;
  buf[offset + 4] = hi & 0xff;
  buf[offset + 5] = (hi >>> 8) & 0xff;
  buf[offset + 6] = (hi >>> 16) & 0xff;
  buf[offset + 7] = hi >>> 24;
}

/** Reads a u64 LE; values above 2^53 come back unsafe and fail any seq comparison. */
export function readU64(buf: Uint8Array, offset: number): number {
  return readU32(buf, offset) + readU32(buf, offset + 4) * U32;
}

/** Writes a u32 LE. */
export function writeU32(buf: Uint8Array, offset: number, value: number): void {
  buf[offset] = value & 0xff;
  buf[offset + 1] = (value >>> 8) & 0xff;
  buf[offset + 2] = (value >>> 16) & 0xff;
  buf[offset + 3] = value >>> 24;
}

/** Reads a u32 LE. */
export function readU32(buf: Uint8Array, offset: number): number {
  return (buf[offset]! | (buf[offset + 1]! << 8) | (buf[offset + 2]! << 16)) + buf[offset + 3]! * 0x100_0000;
}

/** Writes the 8-byte segment header ("TLJ1" + u32 version). */
export function writeSegmentHeader(buf: Uint8Array, offset: number): void {
  writeU32(buf, offset, SEGMENT_MAGIC);
  writeU32(buf, offset + 4, SEGMENT_VERSION);
}
