// The journal's writes, off the engine's thread: a worker thread fills in each record's CRC, writes the
// bytes and fdatasyncs them. The CRC is the one per-record cost of the journal that does not depend on
// the command (a table lookup per byte), so computing it here, while the engine thread goes on with the
// next commands, takes it off every command's path.
//
// Handoff through shared memory, not messages: write buffers are SharedArrayBuffers given to the thread
// once each; a request is a few numbers in a shared Float64Array and a counter bumped with
// Atomics.notify, and the reply is another counter the engine thread awaits with Atomics.waitAsync.
// Posting a message per request and receiving the reply as an event cost ~7% of the engine thread's
// time at ~2,000 group commits a second, more than the CRCs it saved.
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { makeCrc32Range } from './crc32.js';
import { RECORD_HEADER_BYTES, SEGMENT_HEADER_BYTES } from './format.js';

/** Payloads at least this large are checksummed by zlib; smaller ones by the table loop. */
const NATIVE_CRC_BYTES_MIN = 512;

// Slots of the control block (Int32Array): the last request posted, the last request done, its status.
const REQUEST = 0;
const DONE = 1;
const STATUS = 2;
// Request arguments (Float64Array): op, fd, sync, range count, then 5 numbers per range.
const OP_WRITE = 1;
const OP_STOP = 2;
const ARGS_HEAD = 4;
const RANGE_SLOTS = 5;
const RANGES_PER_REQUEST = 64;

/** Atomics.waitAsync (ES2024, in Node since 16; the project's type library is ES2023). */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      array: Int32Array,
      index: number,
      value: number,
    ): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync;

// Started from source text rather than a file, so that it runs the same under every loader (tsx,
// vitest, a bundle), none of which a worker's own module resolution would go through. It blocks in
// Atomics.wait between requests and never returns to an event loop: buffer announcements reach it on a
// port it drains synchronously before each request (they are queued before the request is posted).
const WORKER_SOURCE = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const fs = require('node:fs');
const zlib = require('node:zlib');
const crc32Range = (${makeCrc32Range.toString()})();
const nativeCrc32 = typeof zlib.crc32 === 'function' ? zlib.crc32 : null;
const ctrl = new Int32Array(workerData.control);
const args = new Float64Array(workerData.args);
const port = workerData.port;
const buffers = new Map();
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
function drain() {
  for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
    if (m.message.op === 'share') buffers.set(m.message.buffer, Buffer.from(m.message.sab));
    else buffers.delete(m.message.buffer);
  }
}
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, ${REQUEST}, seen);
  const request = Atomics.load(ctrl, ${REQUEST});
  if (request === seen) continue;
  seen = request;
  if (args[0] === ${OP_STOP}) break;
  drain();
  let status = 0;
  try {
    const fd = args[1];
    for (let k = 0, n = args[3]; k < n; k++) {
      const o = ${ARGS_HEAD} + ${RANGE_SLOTS} * k;
      const buf = buffers.get(args[o]);
      if (buf === undefined) throw new Error('unknown write buffer ' + args[o]);
      const start = args[o + 1];
      const end = args[o + 2];
      fillCrcs(buf, start + (args[o + 3] === 1 ? ${SEGMENT_HEADER_BYTES} : 0), end);
      const position = args[o + 4];
      for (let done = 0; done < end - start; ) {
        const written = fs.writeSync(fd, buf, start + done, end - start - done, position + done);
        if (written <= 0) throw new Error('write returned ' + written);
        done += written;
      }
    }
    if (args[2] === 1) fs.fdatasyncSync(fd);
  } catch (err) {
    status = 1;
    port.postMessage(err instanceof Error ? err.message : String(err));
  }
  Atomics.store(ctrl, ${STATUS}, status);
  Atomics.store(ctrl, ${DONE}, seen);
  Atomics.notify(ctrl, ${DONE});
}
`;

/** Bytes [start, end) of a shared write buffer, to go at `position` of the file. */
export interface WriteRange {
  buffer: number;
  start: number;
  end: number;
  /** The range begins with the 8-byte segment header (a segment's first bytes), not with a record. */
  segmentHeader: boolean;
  position: number;
}

/** One worker thread, one request at a time; it keeps the process alive only while a request is in flight. */
export class WriterThread {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * 4));
  private readonly args = new Float64Array(
    new SharedArrayBuffer(8 * (ARGS_HEAD + RANGE_SLOTS * RANGES_PER_REQUEST)),
  );
  private requests = 0;
  private nextBuffer = 1;
  private busy = false;
  private failure: Error | null = null;
  /** Fails the request in flight if the thread dies under it (its reply would never come). */
  private abandon: ((err: Error) => void) | null = null;

  constructor() {
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { control: this.control.buffer, args: this.args.buffer, port: channel.port2 },
      transferList: [channel.port2],
    });
    this.worker.unref();
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`journal writer thread exited with ${code}`)));
  }

  /** A new write buffer, shared with the thread; ranges name it by the returned id. */
  share(bytes: number): { buf: Buffer; id: number } {
    const sab = new SharedArrayBuffer(bytes);
    const id = this.nextBuffer++;
    this.port.postMessage({ op: 'share', buffer: id, sab });
    return { buf: Buffer.from(sab), id };
  }

  /** The buffer `id` will not be written again: the thread lets go of it. */
  forget(id: number): void {
    this.port.postMessage({ op: 'forget', buffer: id });
  }

  /**
   * Fill in the CRCs of the records in each range (after the segment header that may start it), write the
   * ranges to `fd`, then fdatasync it when `sync`. One request at a time.
   */
  async write(ranges: readonly WriteRange[], fd: number, sync: boolean): Promise<void> {
    if (this.failure !== null) throw this.failure;
    if (this.busy) throw new Error('journal writer thread is busy');
    this.busy = true;
    this.worker.ref();
    try {
      for (let from = 0; from < ranges.length || from === 0; from += RANGES_PER_REQUEST) {
        const count = Math.min(RANGES_PER_REQUEST, ranges.length - from);
        const last = from + count >= ranges.length;
        const a = this.args;
        a[0] = OP_WRITE;
        a[1] = fd;
        a[2] = sync && last ? 1 : 0;
        a[3] = count;
        for (let k = 0; k < count; k++) {
          const r = ranges[from + k]!;
          const o = ARGS_HEAD + RANGE_SLOTS * k;
          a[o] = r.buffer;
          a[o + 1] = r.start;
          a[o + 2] = r.end;
          a[o + 3] = r.segmentHeader ? 1 : 0;
          a[o + 4] = r.position;
        }
        await this.request();
        if (Atomics.load(this.control, STATUS) !== 0) {
          const reason = receiveMessageOnPort(this.port)?.message;
          throw new Error(typeof reason === 'string' ? reason : 'journal write failed');
        }
      }
    } finally {
      this.busy = false;
      this.worker.unref();
    }
  }

  /** Stops the thread; a request still in flight is cut short (the journal closes it only when idle). */
  async close(): Promise<void> {
    if (this.failure === null && !this.busy) {
      this.args[0] = OP_STOP;
      this.post();
    }
    await this.worker.terminate();
    this.port.close();
  }

  private post(): number {
    const request = ++this.requests;
    Atomics.store(this.control, REQUEST, request);
    Atomics.notify(this.control, REQUEST);
    return request;
  }

  /** Post the request in `args` and resolve once the thread has done it. */
  private request(): Promise<void> {
    const request = this.post();
    const wait = waitAsync(this.control, DONE, request - 1);
    // Not waiting: DONE already moved on, i.e. the thread was quicker than this line.
    if (!wait.async) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.abandon = reject;
      void wait.value.then(() => {
        this.abandon = null;
        resolve();
      });
    });
  }

  private fail(err: Error): void {
    this.failure ??= err;
    const abandon = this.abandon;
    this.abandon = null;
    abandon?.(err);
  }
}
