export { Journal, type JournalOptions, type JournalStats } from './journal.js';
export { JournalError, type JournalErrorCode } from './journal-error.js';
export type { JournalRecord } from './read-records.js';
export type { RecoveryReport } from './recover-journal.js';
export {
  type LoadSnapshotOptions,
  loadLatestSnapshot,
  type SkippedSnapshot,
  type SnapshotFault,
  type WriteSnapshotOptions,
  writeSnapshot,
} from './snapshot.js';
