import { fileURLToPath } from 'node:url';

export {
  CANDLE_INTERVALS,
  type CandleInterval,
  isCandleInterval,
  nextPeriodStart,
  periodStart,
} from './candle-intervals.js';
export { createLedgerProjection } from './ledger-projection.js';
export { accountKey, derivePostings, type Posting, type PostingContext, userAccountKey } from './postings.js';
export { isEffective, type ProjectedCommand, type ProjectionHandler } from './projected-command.js';
export { createProjectionWaiter, type ProjectionWaiter } from './projection-waiter.js';
export { ProjectionConflict, Projector, type ProjectorOptions, readProjectedSeq } from './projector.js';
export {
  type EngineLedgerView,
  type ReconcileMismatch,
  type ReconcileReport,
  reconcileLedger,
} from './reconcile.js';
export { createSpotProjection } from './spot-projection.js';
export { waitForProjection } from './wait-for-projection.js';

/** The projection's migrations (module 'projection'); they need the platform's own first. */
export const projectionMigrationsDir = fileURLToPath(new URL('../migrations/', import.meta.url));
