import fs from 'node:fs';
import { crc32, crc32Range } from './crc32.js';
import {
  PAYLOAD_BYTES_MAX,
  RECORD_HEADER_BYTES,
  readU32,
  readU64,
  SEGMENT_HEADER_BYTES,
  SEGMENT_MAGIC,
  SEGMENT_VERSION,
} from './format.js';

/** Why a segment stops being readable at some offset. */
export type SegmentFault =
  | 'torn-header'
  | 'bad-magic'
  | 'bad-version'
  | 'torn-record'
  | 'bad-length'
  | 'bad-checksum'
  | 'bad-seq';

const CHUNK_BYTES = 1024 * 1024;

/**
 * Reads a segment file front to back in large chunks, validating every record. Each refill allocates a
 * fresh chunk, so payload views handed out earlier stay valid.
 */
export class SegmentReader {
  /** File offset of the next unread record (after a fault: where the invalid data starts). */
  offset = 0;
  /** Seq of the record loaded by the last successful `next`. */
  seq = 0;
  /** Payload view of the record loaded by the last successful `next`. */
  payload: Uint8Array = new Uint8Array(0);
  /** Set when `next` or `readHeader` stops on invalid data; null at a clean end. */
  fault: SegmentFault | null = null;

  private chunk: Buffer = Buffer.alloc(0);
  private chunkStart = 0;
  private chunkLen = 0;

  constructor(
    private readonly fd: number,
    readonly fileBytes: number,
  ) {}

  /** Validates the 8-byte header; returns false with `fault` set when it is torn or foreign. */
  readHeader(): boolean {
    this.offset = 0;
    if (!this.ensure(SEGMENT_HEADER_BYTES)) return this.fail('torn-header');
    if (readU32(this.chunk, 0) !== SEGMENT_MAGIC) return this.fail('bad-magic');
    if (readU32(this.chunk, 4) !== SEGMENT_VERSION) return this.fail('bad-version');
    this.offset = SEGMENT_HEADER_BYTES;
    return true;
  }

  /** True when the header bytes present in the file are all zero (a created-but-never-written file). */
  headerIsBlank(): boolean {
    const n = Math.min(this.fileBytes, SEGMENT_HEADER_BYTES);
    this.offset = 0;
    if (!this.ensure(n)) return false;
    for (let i = 0; i < n; i++) if (this.chunk[i] !== 0) return false;
    return true;
  }

  /** Loads the next record, which must carry `expectedSeq`; false at the end of the file or on a fault. */
  next(expectedSeq: number): boolean {
    if (this.offset === this.fileBytes) {
      this.fault = null;
      return false;
    }
    if (!this.ensure(RECORD_HEADER_BYTES)) return this.fail('torn-record');
    const at = this.offset - this.chunkStart;
    const chunk = this.chunk;
    const length = readU32(chunk, at);
    if (length > PAYLOAD_BYTES_MAX) return this.fail('bad-length');
    if (!this.ensure(RECORD_HEADER_BYTES + length)) return this.fail('torn-record');
    // ensure() may have swapped in a new chunk.
    const p = this.offset - this.chunkStart;
    const buf = this.chunk;
    // A plain Uint8Array view (not a Buffer) so callers get exactly the declared type.
    const payload = new Uint8Array(buf.buffer, buf.byteOffset + p + RECORD_HEADER_BYTES, length);
    const expectedCrc = readU32(buf, p + 4);
    if (crc32(payload, crc32Range(buf, p + 8, p + 16)) !== expectedCrc) return this.fail('bad-checksum');
    if (readU64(buf, p + 8) !== expectedSeq) return this.fail('bad-seq');
    this.seq = expectedSeq;
    this.payload = payload;
    this.offset += RECORD_HEADER_BYTES + length;
    return true;
  }

  private fail(fault: SegmentFault): false {
    this.fault = fault;
    return false;
  }

  // Makes file bytes [offset, offset + bytes) available in the chunk; false when the file is shorter.
  private ensure(bytes: number): boolean {
    const end = this.offset + bytes;
    if (end > this.fileBytes) return false;
    if (this.offset >= this.chunkStart && end <= this.chunkStart + this.chunkLen) return true;
    const size = Math.max(CHUNK_BYTES, bytes);
    const next = Buffer.allocUnsafe(size);
    let filled = 0;
    if (this.offset >= this.chunkStart && this.offset < this.chunkStart + this.chunkLen) {
      filled = this.chunk.copy(next, 0, this.offset - this.chunkStart, this.chunkLen);
    }
    this.chunk = next;
    this.chunkStart = this.offset;
    const want = Math.min(size, this.fileBytes - this.offset);
    while (filled < want) {
      const n = fs.readSync(this.fd, next, filled, want - filled, this.chunkStart + filled);
      if (n === 0) break;
      filled += n;
    }
    this.chunkLen = filled;
    return end <= this.chunkStart + this.chunkLen;
  }
}
