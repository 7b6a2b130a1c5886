// The journal's writes, off the engine's thread: a worker thread fills in each record's CRC, writes the
// bytes and fdatasyncs them. The CRC is the one per-record cost of the journal that does not depend on
// the command (a table lookup per byte), so computing it here, while the engine thread goes on with the
// next commands, takes it off every command's path. Write buffers are SharedArrayBuffers: the worker
// reads and patches them in place, nothing is copied.
import { Worker } from 'node:worker_threads';
import { makeCrc32Range } from './crc32.js';
import { RECORD_HEADER_BYTES, SEGMENT_HEADER_BYTES } from './format.js';

/** Payloads at least this large are checksummed by zlib; smaller ones by the table loop. */
const NATIVE_CRC_BYTES_MIN = 512;

// Started from source text rather than a file, so that it runs the same under every loader (tsx,
// vitest, a bundle), none of which a worker's own module resolution would go through.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const zlib = require('node:zlib');
const crc32Range = (${makeCrc32Range.toString()})();
const nativeCrc32 = typeof zlib.crc32 === 'function' ? zlib.crc32 : null;
// Records are [u32 length][u32 crc][u64 seq][payload]; the CRC covers seq and payload.
function fillCrcs(buf, at, end) {
  while (at < end) {
    const recordEnd = at + ${RECORD_HEADER_BYTES} + buf.readUInt32LE(at);
    if (recordEnd > end) throw new Error('record at ' + at + ' runs past the end of its write');
    const crc = nativeCrc32 !== null && recordEnd - at - ${RECORD_HEADER_BYTES} >= ${NATIVE_CRC_BYTES_MIN}
      ? nativeCrc32(buf.subarray(at + 8, recordEnd))
      : crc32Range(buf, at + 8, recordEnd);
    buf.writeUInt32LE(crc, at + 4);
    at = recordEnd;
  }
}
parentPort.on('message', (m) => {
  let error = null;
  try {
    if (m.op === 'write') {
      const buf = Buffer.from(m.sab);
      fillCrcs(buf, m.start + (m.segmentHeader ? ${SEGMENT_HEADER_BYTES} : 0), m.end);
      const length = m.end - m.start;
      for (let done = 0; done < length; ) {
        const n = fs.writeSync(m.fd, buf, m.start + done, length - done, m.position + done);
        if (n <= 0) throw new Error('write returned ' + n);
        done += n;
      }
    } else if (m.op === 'sync') {
      fs.fdatasyncSync(m.fd);
    }
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  parentPort.postMessage({ id: m.id, error });
});
`;

interface Call {
  resolve: () => void;
  reject: (err: Error) => void;
}

/** One worker thread and the calls in flight to it; it keeps the process alive only while busy. */
export class WriterThread {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly calls = new Map<number, Call>();
  private failure: Error | null = null;

  constructor() {
    this.worker = new Worker(WORKER_SOURCE, { eval: true });
    this.worker.unref();
    this.worker.on('message', (m: { id: number; error: string | null }) => {
      const call = this.calls.get(m.id);
      if (call === undefined) return;
      this.calls.delete(m.id);
      if (this.calls.size === 0) this.worker.unref();
      if (m.error === null) call.resolve();
      else call.reject(new Error(m.error));
    });
    this.worker.on('error', (err) => this.failAll(err));
    this.worker.on('exit', (code) => this.failAll(new Error(`journal writer thread exited with ${code}`)));
  }

  /**
   * Fill in the CRCs of the records in `buf[start, end)` (after the 8-byte segment header that starts the
   * range when `segmentHeader`), then write the range at `position` of `fd`.
   */
  write(buf: Buffer, start: number, end: number, segmentHeader: boolean, fd: number, position: number) {
    return this.call({ op: 'write', sab: buf.buffer, start, end, segmentHeader, fd, position });
  }

  /** fdatasync(fd). */
  sync(fd: number): Promise<void> {
    return this.call({ op: 'sync', fd });
  }

  /** Stops the thread; calls still in flight fail. */
  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private call(message: Record<string, unknown>): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      if (this.calls.size === 0) this.worker.ref();
      this.calls.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  private failAll(err: Error): void {
    this.failure ??= err;
    const calls = [...this.calls.values()];
    this.calls.clear();
    for (const call of calls) call.reject(err);
  }
}

/** A write buffer the writer thread can read and patch in place. */
export function sharedBuffer(bytes: number): Buffer {
  return Buffer.from(new SharedArrayBuffer(bytes));
}
