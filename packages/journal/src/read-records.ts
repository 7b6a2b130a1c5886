import fs from 'node:fs';
import { JournalError } from './journal-error.js';
import { SegmentReader } from './segment-reader.js';

/** One journal record as read back. */
export interface JournalRecord {
  readonly seq: number;
  readonly payload: Uint8Array;
}

/** Location of a segment file and the seq of its first record. */
export interface SegmentRef {
  readonly firstSeq: number;
  readonly name: string;
  readonly path: string;
}

function corrupt(name: string, offset: number, reason: string): JournalError {
  return new JournalError(
    'JOURNAL_CORRUPT',
    `journal segment ${name} is invalid at offset ${offset}: ${reason}`,
  );
}

/** Yields records `from..bound` (inclusive) from sorted segments, validating each one. */
export function* iterateRecords(
  segments: readonly SegmentRef[],
  from: number,
  bound: number,
): Generator<JournalRecord, void, undefined> {
  if (from > bound) return;
  let i = 0;
  while (i + 1 < segments.length && segments[i + 1]!.firstSeq <= from) i++;
  let expected = segments[i]?.firstSeq ?? from;
  for (; i < segments.length; i++) {
    const seg = segments[i]!;
    if (seg.firstSeq > bound) return;
    if (seg.firstSeq !== expected)
      throw corrupt(seg.name, 0, `starts at seq ${seg.firstSeq}, expected ${expected}`);
    const fd = fs.openSync(seg.path, 'r');
    try {
      const reader = new SegmentReader(fd, fs.fstatSync(fd).size);
      if (!reader.readHeader()) throw corrupt(seg.name, 0, reader.fault ?? 'bad header');
      while (expected <= bound) {
        if (!reader.next(expected)) {
          if (reader.fault !== null) throw corrupt(seg.name, reader.offset, reader.fault);
          break;
        }
        if (expected >= from) yield { seq: expected, payload: reader.payload };
        expected++;
      }
    } finally {
      fs.closeSync(fd);
    }
    if (expected > bound) return;
  }
  if (expected <= bound)
    throw corrupt(segments[segments.length - 1]?.name ?? '?', 0, `missing records ${expected}..${bound}`);
}
