/** Stable codes carried by every `JournalError`; callers branch on the code, never the message. */
export type JournalErrorCode =
  | 'JOURNAL_CORRUPT'
  | 'JOURNAL_CLOSED'
  | 'JOURNAL_BACKPRESSURE'
  | 'JOURNAL_LOCKED'
  | 'JOURNAL_IO_FAILED'
  | 'RECORD_TOO_LARGE'
  | 'SEQ_COMPACTED'
  | 'SEQ_NOT_APPENDED'
  | 'INVALID_ARGUMENT';

/** An expected failure of the journal or the snapshot store, identified by its stable `code`. */
export class JournalError extends Error {
  readonly code: JournalErrorCode;

  constructor(code: JournalErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JournalError';
    this.code = code;
  }
}
