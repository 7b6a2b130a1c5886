import fs from 'node:fs';
import path from 'node:path';
import { parseSegmentName, SEGMENT_HEADER_BYTES, segmentName, writeSegmentHeader } from './format.js';
import { fsyncDir } from './fs-async.js';
import { JournalError } from './journal-error.js';
import { type SegmentFault, SegmentReader } from './segment-reader.js';

/** What `Journal.open` found and repaired. */
export interface RecoveryReport {
  /** Bytes cut from the tail of the last segment (torn or invalid records). */
  truncatedBytes: number;
  /** Seq of the last valid record; 0 when the journal holds none. */
  lastSeq: number;
  /** Where the first invalid data of the last segment started, when there was any. */
  corruptAt?: { segment: string; offset: number; reason: string };
}

/** A segment file known to the journal. */
export interface SegmentFile {
  readonly firstSeq: number;
  readonly name: string;
  readonly path: string;
}

export interface RecoveredJournal {
  report: RecoveryReport;
  segments: SegmentFile[];
  /** Size of the last segment after repair: where the next append goes. */
  lastSegmentBytes: number;
}

function corrupt(segment: string, offset: number, reason: string): JournalError {
  return new JournalError(
    'JOURNAL_CORRUPT',
    `journal segment ${segment} is invalid at offset ${offset}: ${reason}`,
  );
}

/**
 * Scans every segment, validating every record. Invalid data in the last segment is a torn tail: it is cut
 * (ftruncate + fsync) and reported. Invalid data anywhere else means acknowledged records are damaged, so it throws.
 */
export async function recoverJournal(dirPath: string): Promise<RecoveredJournal> {
  await fs.promises.mkdir(dirPath, { recursive: true });
  const segments: SegmentFile[] = [];
  for (const name of await fs.promises.readdir(dirPath)) {
    const firstSeq = parseSegmentName(name);
    if (firstSeq !== null) segments.push({ firstSeq, name, path: path.join(dirPath, name) });
  }
  segments.sort((a, b) => a.firstSeq - b.firstSeq);

  if (segments.length === 0) {
    const first: SegmentFile = {
      firstSeq: 1,
      name: segmentName(1),
      path: path.join(dirPath, segmentName(1)),
    };
    const fd = fs.openSync(first.path, 'wx');
    try {
      const header = Buffer.alloc(SEGMENT_HEADER_BYTES);
      writeSegmentHeader(header, 0);
      fs.writeSync(fd, header, 0, header.length, 0);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    await fsyncDir(dirPath);
    return {
      report: { truncatedBytes: 0, lastSeq: 0 },
      segments: [first],
      lastSegmentBytes: SEGMENT_HEADER_BYTES,
    };
  }

  const report: RecoveryReport = { truncatedBytes: 0, lastSeq: 0 };
  let expected = segments[0]!.firstSeq;
  let lastSegmentBytes = 0;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const isLast = i === segments.length - 1;
    if (seg.firstSeq !== expected) {
      throw corrupt(seg.name, 0, `segment starts at seq ${seg.firstSeq}, expected ${expected}`);
    }
    const fd = fs.openSync(seg.path, isLast ? 'r+' : 'r');
    try {
      const fileBytes = fs.fstatSync(fd).size;
      const reader = new SegmentReader(fd, fileBytes);
      let cutAt = -1;
      let reason: SegmentFault | null = null;
      if (!reader.readHeader()) {
        reason = reader.fault;
        // A crash right after creating the file leaves it empty, short or zero-filled: that is a torn tail.
        const torn = reason === 'torn-header' || reader.headerIsBlank();
        if (!isLast || !torn) throw corrupt(seg.name, 0, reason ?? 'bad header');
        cutAt = 0;
      } else {
        while (reader.next(expected)) expected++;
        if (reader.fault !== null) {
          if (!isLast) throw corrupt(seg.name, reader.offset, reader.fault);
          reason = reader.fault;
          cutAt = reader.offset;
        }
      }
      if (isLast) {
        if (cutAt >= 0) {
          fs.ftruncateSync(fd, cutAt);
          if (cutAt === 0) {
            const header = Buffer.alloc(SEGMENT_HEADER_BYTES);
            writeSegmentHeader(header, 0);
            fs.writeSync(fd, header, 0, header.length, 0);
          }
          report.truncatedBytes = fileBytes - cutAt;
          if (fileBytes > 0 && reason !== null) {
            report.corruptAt = { segment: seg.name, offset: cutAt, reason };
          }
        }
        // The valid prefix may still sit only in the page cache if the previous process died: make it durable.
        fs.fsyncSync(fd);
        lastSegmentBytes = cutAt === 0 ? SEGMENT_HEADER_BYTES : cutAt > 0 ? cutAt : fileBytes;
      }
    } finally {
      fs.closeSync(fd);
    }
  }
  report.lastSeq = expected - 1;
  return { report, segments, lastSegmentBytes };
}
