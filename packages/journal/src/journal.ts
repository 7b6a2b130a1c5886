import fs from 'node:fs';
import path from 'node:path';
import {
  journalDir,
  PAYLOAD_BYTES_MAX,
  RECORD_HEADER_BYTES,
  SEGMENT_BYTES_MAX_DEFAULT,
  SEGMENT_HEADER_BYTES,
  segmentName,
  writeSegmentHeader,
  writeU32,
  writeU64,
} from './format.js';
import { closeFd, fsyncDir, openFd } from './fs-async.js';
import { JournalError } from './journal-error.js';
import { lockJournal } from './lock-journal.js';
import { iterateRecords, type JournalRecord } from './read-records.js';
import { type RecoveryReport, recoverJournal } from './recover-journal.js';
import { type WriteRange, WriterThread } from './writer-thread.js';

/** Options of `Journal.open`. */
export interface JournalOptions {
  /** Data directory; segments go to `<dir>/journal/`. */
  dir: string;
  /** A segment is rolled before it would grow past this size. Default 64 MiB. */
  segmentBytesMax?: number;
  /**
   * Longest a record waits before its group commit starts, counted from the first record of the batch.
   * Default 1. 0: start as soon as the previous group commit completes. While a commit is in flight the
   * next one starts when it completes, so under load the delay adds nothing.
   */
  groupCommitMaxDelayMs?: number;
  /**
   * Bound on bytes appended but not yet durable (buffered + being written). Default 64 MiB. Once reached,
   * `writable` is false and `append` throws JOURNAL_BACKPRESSURE until a group commit brings the backlog
   * back under the bound (`onDrain`). The record that crosses the bound is still accepted.
   */
  batchBytesMax?: number;
  /** Set false to skip fdatasync (tests, benchmarks): "durable" then only means "handed to the OS". */
  fsync?: boolean;
}

/** Counters for benchmarks and monitoring. */
export interface JournalStats {
  /** Group commits completed. */
  flushCount: number;
  /** fdatasync calls on segment files (directory syncs not included). */
  fsyncCount: number;
  /** Bytes written to segment files since open. */
  bytesWritten: number;
  /** Records appended since open. */
  recordCount: number;
}

interface Segment {
  readonly firstSeq: number;
  readonly name: string;
  readonly path: string;
  /** Open descriptor while the flusher writes to it, else -1. */
  fd: number;
  /** Bytes already written to the file: the position of the next write. */
  fileBytes: number;
}

/** Where, inside a write buffer, the bytes of a segment begin. */
interface Split {
  readonly seg: Segment;
  readonly start: number;
}

/** A chunk of appended bytes awaiting its group commit; usually spans one segment, splits mark rolls. */
interface WriteBuffer {
  readonly buf: Buffer;
  /** The buffer's id with the writer thread. */
  readonly writerId: number;
  /** A DataView over buf, for writers that encode records in place. */
  readonly view: DataView;
  len: number;
  splits: Split[];
  /** Seq of the last record in the buffer, 0 if none. */
  lastSeq: number;
}

interface Waiter {
  readonly seq: number;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/** Capacity of each pooled write buffer; a batch larger than this spills into more buffers. */
const WRITE_BUFFER_BYTES = 4 * 1024 * 1024;
const GROUP_COMMIT_MAX_DELAY_MS_DEFAULT = 1;
const BATCH_BYTES_MAX_DEFAULT = 64 * 1024 * 1024;
/** Idle buffers kept for reuse after a burst; the rest are left to the GC. */
const FREE_BUFFERS_MAX = 4;

type State = 'open' | 'closing' | 'closed';

/**
 * Append-only, group-committed journal of opaque records with consecutive seqs from 1.
 *
 * `append` copies the record into a preallocated buffer and returns at once; a group commit has the
 * journal's writer thread checksum, write and fdatasync everything appended so far while the next batch
 * accumulates in another buffer. Backpressure: when a buffer fills, `append` queues it and takes another from the pool (or
 * allocates one), up to `batchBytesMax` of non-durable bytes; past that `writable` is false and `append`
 * throws JOURNAL_BACKPRESSURE until `onDrain` fires. Callers check `writable` before taking a command.
 */
export class Journal {
  /** What recovery found and repaired on open. */
  readonly recovery: RecoveryReport;

  private readonly dirPath: string;
  private readonly segmentBytesMax: number;
  private readonly delayMs: number;
  private readonly batchBytesMax: number;
  private readonly fsyncEnabled: boolean;

  private readonly segments: Segment[];
  private active: Segment;
  private activeBytes: number;
  private activeHasRecords: boolean;

  private current: WriteBuffer;
  private sealed: WriteBuffer[] = [];
  private readonly free: WriteBuffer[] = [];

  private lastSeqValue: number;
  private durableSeqValue: number;

  /** Segment the flusher has open; only the flusher touches it. */
  private writeSeg: Segment;
  private flushing = false;
  /** Bytes appended and not yet durable, including the group commit in flight. */
  private pendingBytesValue = 0;
  /** Bytes of the group commit in flight. */
  private inFlightBytes = 0;
  /** A group commit is scheduled (timer, immediate or `flushDue`) for the records appended since the last one started. */
  private flushArmed = false;
  /** The next group commit starts as soon as the one in flight completes (delay expired, or `flush()`). */
  private flushDue = false;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;

  private readonly listeners: ((durableSeq: number) => void)[] = [];
  private readonly drainListeners: (() => void)[] = [];
  /** Sorted by seq, so promises resolve in seq order. */
  private waiters: Waiter[] = [];
  private state: State = 'open';
  private failure: JournalError | null = null;
  private closePromise: Promise<void> | null = null;
  private readonly counters: JournalStats = { flushCount: 0, fsyncCount: 0, bytesWritten: 0, recordCount: 0 };
  /** Checksums, writes and syncs segment data off this thread (see writer-thread.ts). */
  private readonly writer = new WriterThread();

  /** Recovers the journal in `opts.dir` (truncating a torn tail) and opens it for appends. */
  static async open(opts: JournalOptions): Promise<Journal> {
    const segmentBytesMax = opts.segmentBytesMax ?? SEGMENT_BYTES_MAX_DEFAULT;
    const delayMs = opts.groupCommitMaxDelayMs ?? GROUP_COMMIT_MAX_DELAY_MS_DEFAULT;
    const batchBytesMax = opts.batchBytesMax ?? BATCH_BYTES_MAX_DEFAULT;
    if (
      !Number.isSafeInteger(segmentBytesMax) ||
      segmentBytesMax < SEGMENT_HEADER_BYTES + RECORD_HEADER_BYTES
    ) {
      throw new JournalError(
        'INVALID_ARGUMENT',
        `segmentBytesMax must be an integer >= 24, got ${segmentBytesMax}`,
      );
    }
    if (!Number.isFinite(delayMs) || delayMs < 0) {
      throw new JournalError('INVALID_ARGUMENT', `groupCommitMaxDelayMs must be >= 0, got ${delayMs}`);
    }
    if (!Number.isSafeInteger(batchBytesMax) || batchBytesMax < 1) {
      throw new JournalError(
        'INVALID_ARGUMENT',
        `batchBytesMax must be an integer >= 1, got ${batchBytesMax}`,
      );
    }
    const dirPath = journalDir(opts.dir);
    await fs.promises.mkdir(dirPath, { recursive: true });
    const unlock = await lockJournal(dirPath);
    try {
      const recovered = await recoverJournal(dirPath);
      const segments: Segment[] = recovered.segments.map((s) => ({ ...s, fd: -1, fileBytes: 0 }));
      const last = segments[segments.length - 1]!;
      last.fileBytes = recovered.lastSegmentBytes;
      last.fd = await openFd(last.path, 'r+');
      const fsyncEnabled = opts.fsync ?? true;
      const limits = { segmentBytesMax, delayMs, batchBytesMax, fsyncEnabled };
      return new Journal(dirPath, limits, recovered.report, segments, unlock);
    } catch (err) {
      await unlock();
      throw err;
    }
  }

  private constructor(
    dirPath: string,
    limits: { segmentBytesMax: number; delayMs: number; batchBytesMax: number; fsyncEnabled: boolean },
    recovery: RecoveryReport,
    segments: Segment[],
    private readonly unlock: () => Promise<void>,
  ) {
    this.dirPath = dirPath;
    this.segmentBytesMax = limits.segmentBytesMax;
    this.delayMs = limits.delayMs;
    this.batchBytesMax = limits.batchBytesMax;
    this.fsyncEnabled = limits.fsyncEnabled;
    this.recovery = recovery;
    this.segments = segments;
    const last = segments[segments.length - 1]!;
    this.active = last;
    this.writeSeg = last;
    this.activeBytes = last.fileBytes;
    this.activeHasRecords = recovery.lastSeq >= last.firstSeq;
    this.lastSeqValue = recovery.lastSeq;
    this.durableSeqValue = recovery.lastSeq;
    // Double buffering: one buffer accumulates while the other is being written and synced.
    this.free.push(this.newBuffer(WRITE_BUFFER_BYTES), this.newBuffer(WRITE_BUFFER_BYTES));
    this.current = this.takeBuffer(0);
  }

  /** Seq of the last appended record (after open: the last valid record on disk). */
  get lastSeq(): number {
    return this.lastSeqValue;
  }

  /** Highest seq whose record (and all before it) is fsynced. */
  get durableSeq(): number {
    return this.durableSeqValue;
  }

  /** Bytes appended but not yet durable (buffered or being written). */
  get pendingBytes(): number {
    return this.pendingBytesValue;
  }

  /** False while the backlog is at `batchBytesMax` (or the journal is closed or failed): `append` would throw. */
  get writable(): boolean {
    return this.state === 'open' && this.failure === null && this.pendingBytesValue < this.batchBytesMax;
  }

  /** Counters since open: group commits, fsyncs, bytes, records. */
  get stats(): Readonly<JournalStats> {
    return { ...this.counters };
  }

  /** Appends one record and returns its seq; durable only once `durableSeq` reaches it. */
  append(payload: Uint8Array): number {
    const at = this.beginRecord(payload.length);
    this.current.buf.set(payload, at);
    return this.commitRecord(payload.length);
  }

  /**
   * Starts a record of exactly `length` payload bytes that the caller writes in place, at the returned
   * offset of `recordView` (or `recordBuffer`), then appends with `commitRecord(length)`: no copy and no
   * buffer per record. Nothing else may be called on the journal in between; a record begun and never
   * committed is simply not there (the next begin overwrites it).
   */
  beginRecord(length: number): number {
    if (this.state !== 'open') throw this.unavailableError();
    if (length > PAYLOAD_BYTES_MAX) {
      throw new JournalError('RECORD_TOO_LARGE', `payload of ${length} bytes exceeds ${PAYLOAD_BYTES_MAX}`);
    }
    if (this.pendingBytesValue >= this.batchBytesMax) {
      throw new JournalError(
        'JOURNAL_BACKPRESSURE',
        `${this.pendingBytesValue} bytes await their group commit (batchBytesMax ${this.batchBytesMax}); wait for onDrain`,
      );
    }
    const recordBytes = RECORD_HEADER_BYTES + length;
    if (this.activeHasRecords && this.activeBytes + recordBytes > this.segmentBytesMax)
      this.roll(recordBytes);
    let wb = this.current;
    if (wb.len + recordBytes > wb.buf.length) wb = this.replaceCurrent(recordBytes);
    this.begunLength = length;
    return wb.len + RECORD_HEADER_BYTES;
  }

  /** Where `beginRecord`'s payload goes: the current write buffer (valid until `commitRecord`). */
  get recordBuffer(): Buffer {
    return this.current.buf;
  }

  /** A DataView over `recordBuffer`. */
  get recordView(): DataView {
    return this.current.view;
  }

  /** Appends the record begun by `beginRecord(length)`, whose payload is in place; returns its seq. */
  commitRecord(length: number): number {
    if (!(length === this.begunLength))
      throw new JournalError(
        'INVALID_ARGUMENT',
        `commitRecord(${length}) after beginRecord(${this.begunLength})`,
      );
    this.begunLength = -1;
    const recordBytes = RECORD_HEADER_BYTES + length;
    const wb = this.current;
    const seq = this.lastSeqValue + 1;
    const buf = wb.buf;
    const at = wb.len;
    writeU32(buf, at, length);
    // The CRC is left to the writer thread, which fills it in just before it writes the record.
    writeU64(buf, at + 8, seq);
    wb.len = at + recordBytes;
    wb.lastSeq = seq;
    this.activeBytes += recordBytes;
    this.activeHasRecords = true;
    this.lastSeqValue = seq;
    this.pendingBytesValue += recordBytes;
    this.counters.recordCount++;
    if (!this.flushArmed) this.armFlush();
    return seq;
  }

  /** Payload length of the record begun and not yet committed; -1 when none. */
  private begunLength = -1;

  /** Registers a listener called with the new `durableSeq` after each group commit; returns its remover. */
  onDurable(listener: (durableSeq: number) => void): () => void {
    return addListener(this.listeners, listener);
  }

  /** Registers a listener called when a group commit makes a blocked journal `writable` again; returns its remover. */
  onDrain(listener: () => void): () => void {
    return addListener(this.drainListeners, listener);
  }

  /** Resolves once record `seq` is durable; rejects if the journal fails first or `seq` was never appended. */
  whenDurable(seq: number): Promise<void> {
    if (seq <= this.durableSeqValue) return Promise.resolve();
    if (this.failure !== null) return Promise.reject(this.failure);
    if (seq > this.lastSeqValue) {
      return Promise.reject(
        new JournalError('SEQ_NOT_APPENDED', `seq ${seq} is past the last appended seq ${this.lastSeqValue}`),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const waiters = this.waiters;
      let at = waiters.length;
      while (at > 0 && waiters[at - 1]!.seq > seq) at--;
      waiters.splice(at, 0, { seq, resolve, reject });
    });
  }

  /** Starts a group commit now (skipping any configured delay) and resolves with `durableSeq` once every record appended so far is durable. */
  async flush(): Promise<number> {
    if (this.failure !== null) throw this.failure;
    const target = this.lastSeqValue;
    if (target <= this.durableSeqValue) return this.durableSeqValue;
    if (this.flushing) this.flushDue = true;
    else this.startFlush();
    await this.whenDurable(target);
    return this.durableSeqValue;
  }

  /**
   * Yields the durable records with seq >= `seq` (those durable when called), reading segment files
   * synchronously in large chunks. Throws SEQ_COMPACTED when `seq` precedes the oldest kept segment.
   */
  readFrom(seq: number): Iterable<JournalRecord> {
    const from = Math.max(1, seq);
    const first = this.segments[0]!;
    if (from < first.firstSeq) {
      throw new JournalError('SEQ_COMPACTED', `seq ${from} was compacted; oldest kept is ${first.firstSeq}`);
    }
    const refs = this.segments.map((s) => ({ firstSeq: s.firstSeq, name: s.name, path: s.path }));
    return iterateRecords(refs, from, this.durableSeqValue);
  }

  /** Deletes whole segment files whose records are all durable and < `seq`; never the active segment. */
  async compactBefore(seq: number): Promise<void> {
    if (this.state === 'closed') throw this.unavailableError();
    const doomed: Segment[] = [];
    while (this.segments.length > 1) {
      const next = this.segments[1]!;
      const lastOfFirst = next.firstSeq - 1;
      if (lastOfFirst >= seq || lastOfFirst > this.durableSeqValue) break;
      doomed.push(this.segments.shift()!);
    }
    if (doomed.length === 0) return;
    // Oldest first, so a crash midway still leaves a contiguous run of segments.
    for (const seg of doomed) await fs.promises.unlink(seg.path);
    await fsyncDir(this.dirPath);
  }

  /** Flushes everything appended, then closes the files; later appends throw JOURNAL_CLOSED. */
  close(): Promise<void> {
    if (this.closePromise !== null) return this.closePromise;
    this.state = 'closing';
    this.closePromise = (async () => {
      try {
        if (this.failure === null) await this.flush();
      } finally {
        this.cancelScheduledFlush();
        for (const seg of [this.writeSeg, ...this.segments]) {
          if (seg.fd >= 0) {
            await closeFd(seg.fd);
            seg.fd = -1;
          }
        }
        this.state = 'closed';
        await this.writer.close();
        await this.unlock();
      }
      if (this.failure !== null) throw this.failure;
    })();
    return this.closePromise;
  }

  private unavailableError(): JournalError {
    if (this.failure !== null) return this.failure;
    return new JournalError('JOURNAL_CLOSED', 'journal is closed');
  }

  private newBuffer(bytes: number): WriteBuffer {
    const { buf, id } = this.writer.share(bytes);
    return {
      buf,
      writerId: id,
      view: new DataView(buf.buffer, buf.byteOffset, buf.byteLength),
      len: 0,
      splits: [],
      lastSeq: 0,
    };
  }

  // Takes a reset buffer for the active segment, from the pool when the pooled size fits.
  private takeBuffer(minBytes: number): WriteBuffer {
    const pooled = minBytes <= WRITE_BUFFER_BYTES ? this.free.pop() : undefined;
    const wb = pooled ?? this.newBuffer(Math.max(WRITE_BUFFER_BYTES, minBytes));
    wb.len = 0;
    wb.lastSeq = 0;
    wb.splits = [{ seg: this.active, start: 0 }];
    return wb;
  }

  // Seals the current buffer for the flusher and starts a new one with room for `minBytes`.
  private replaceCurrent(minBytes: number): WriteBuffer {
    const old = this.current;
    if (old.len > 0) this.sealed.push(old);
    else this.recycle(old);
    this.current = this.takeBuffer(minBytes);
    return this.current;
  }

  private recycle(wb: WriteBuffer): void {
    if (wb.buf.length === WRITE_BUFFER_BYTES && this.free.length < FREE_BUFFERS_MAX) this.free.push(wb);
    else this.writer.forget(wb.writerId);
  }

  // Starts a new segment at the next seq; its header is written in-band, right before its first record.
  private roll(recordBytes: number): void {
    const firstSeq = this.lastSeqValue + 1;
    const name = segmentName(firstSeq);
    const seg: Segment = { firstSeq, name, path: path.join(this.dirPath, name), fd: -1, fileBytes: 0 };
    this.segments.push(seg);
    this.active = seg;
    this.activeBytes = SEGMENT_HEADER_BYTES;
    this.activeHasRecords = false;
    let wb = this.current;
    if (wb.len + SEGMENT_HEADER_BYTES + recordBytes > wb.buf.length) {
      wb = this.replaceCurrent(SEGMENT_HEADER_BYTES + recordBytes);
    } else {
      wb.splits.push({ seg, start: wb.len });
    }
    writeSegmentHeader(wb.buf, wb.len);
    wb.len += SEGMENT_HEADER_BYTES;
    this.pendingBytesValue += SEGMENT_HEADER_BYTES;
  }

  // First append since the last group commit started: the max-delay clock starts now.
  private armFlush(): void {
    this.flushArmed = true;
    if (this.delayMs > 0) this.timer = setTimeout(this.onFlushDue, this.delayMs);
    else if (this.flushing) this.flushDue = true;
    else this.immediate = setImmediate(this.onFlushDue);
  }

  // Only the timer can fire during a group commit (immediates are set only while idle, and cleared on start).
  private readonly onFlushDue = (): void => {
    if (this.flushing) {
      this.timer = undefined;
      this.flushDue = true;
      return;
    }
    this.startFlush();
  };

  private cancelScheduledFlush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  // One group commit: everything appended so far is written and fdatasynced off the JS thread.
  private startFlush(): void {
    if (this.flushing) {
      this.flushDue = true;
      return;
    }
    this.cancelScheduledFlush();
    this.flushArmed = false;
    this.flushDue = false;
    if (this.failure !== null) return;
    if (this.current.len > 0) this.replaceCurrent(0);
    if (this.sealed.length === 0) return;
    const batch = this.sealed;
    this.sealed = [];
    let bytes = 0;
    for (const wb of batch) bytes += wb.len;
    this.inFlightBytes = bytes;
    this.flushing = true;
    this.writeBatch(batch).then(
      () => this.completeFlush(batch),
      (err: unknown) => this.failFlush(err),
    );
  }

  private async writeBatch(batch: readonly WriteBuffer[]): Promise<void> {
    let dirNeedsSync = false;
    // One request to the writer thread per segment written: all its ranges, then its fdatasync.
    let ranges: WriteRange[] = [];
    for (const wb of batch) {
      const splits = wb.splits;
      for (let i = 0; i < splits.length; i++) {
        const split = splits[i]!;
        const end = i + 1 < splits.length ? splits[i + 1]!.start : wb.len;
        if (end === split.start) continue;
        const seg = split.seg;
        if (seg !== this.writeSeg) {
          // The previous segment is made durable and closed before the next one gets any byte, so a crash
          // can only ever tear the last segment.
          const prev = this.writeSeg;
          if (ranges.length > 0) await this.writeRanges(ranges, prev.fd);
          ranges = [];
          if (prev.fd >= 0) await closeFd(prev.fd);
          prev.fd = -1;
          seg.fd = await openFd(seg.path, 'wx');
          this.writeSeg = seg;
          dirNeedsSync = true;
        }
        // A segment's first write starts with its header (written in-band by roll).
        ranges.push({
          buffer: wb.writerId,
          start: split.start,
          end,
          segmentHeader: seg.fileBytes === 0,
          position: seg.fileBytes,
        });
        seg.fileBytes += end - split.start;
        this.counters.bytesWritten += end - split.start;
      }
    }
    if (ranges.length > 0) await this.writeRanges(ranges, this.writeSeg.fd);
    // A new segment's records are durable only once its directory entry is.
    if (dirNeedsSync && this.fsyncEnabled) await fsyncDir(this.dirPath);
  }

  private async writeRanges(ranges: readonly WriteRange[], fd: number): Promise<void> {
    if (this.fsyncEnabled) this.counters.fsyncCount++;
    await this.writer.write(ranges, fd, this.fsyncEnabled);
  }

  private completeFlush(batch: readonly WriteBuffer[]): void {
    const wasBlocked = this.pendingBytesValue >= this.batchBytesMax;
    this.flushing = false;
    this.pendingBytesValue -= this.inFlightBytes;
    this.inFlightBytes = 0;
    this.counters.flushCount++;
    let durable = this.durableSeqValue;
    for (const wb of batch) {
      if (wb.lastSeq > durable) durable = wb.lastSeq;
      this.recycle(wb);
    }
    this.durableSeqValue = durable;
    const waiters = this.waiters;
    let ready = 0;
    while (ready < waiters.length && waiters[ready]!.seq <= durable) ready++;
    if (ready > 0) for (const w of waiters.splice(0, ready)) w.resolve();
    // Records appended during this commit are waiting either on their timer or, if it already fired or
    // flush() was called, on this completion.
    if (this.lastSeqValue > durable) {
      if (this.flushDue) this.immediate = setImmediate(this.onFlushDue);
    } else {
      this.flushDue = false;
    }
    notify(this.listeners, durable);
    if (wasBlocked && this.writable) notify(this.drainListeners, undefined);
  }

  // After a failed write or fsync the file state is unknown (see "fsyncgate"): stop and surface it.
  private failFlush(err: unknown): void {
    this.flushing = false;
    this.cancelScheduledFlush();
    this.failure = new JournalError('JOURNAL_IO_FAILED', `journal write failed: ${String(err)}`, {
      cause: err,
    });
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(this.failure);
  }
}

function addListener<T>(list: T[], listener: T): () => void {
  list.push(listener);
  return () => {
    const at = list.indexOf(listener);
    if (at >= 0) list.splice(at, 1);
  };
}

// A throwing listener is a programmer error: it is rethrown as an uncaught exception, but only after the
// journal's own bookkeeping is done and the other listeners have run.
function notify<A>(list: readonly ((arg: A) => void)[], arg: A): void {
  if (list.length === 0) return;
  for (const listener of list.slice()) {
    try {
      listener(arg);
    } catch (err) {
      queueMicrotask(() => {
        throw err;
      });
    }
  }
}
