import type { RejectCode } from './codes.js';
import type { Account } from './ledger/account.js';

/**
 * A rejection before its command sequence number is attached by the sequencer. A class so that
 * telling it from the other outcomes of a step is one `instanceof`, not property probes on objects of
 * many shapes (a megamorphic `in` on the hot path).
 */
export class Rejection {
  constructor(
    readonly code: RejectCode,
    readonly message: string,
    readonly detail: Record<string, string | number> | undefined,
  ) {}
}

/** Build a rejection value; rejections are values, never exceptions. */
export function reject(
  code: RejectCode,
  message: string,
  detail?: Record<string, string | number>,
): Rejection {
  return new Rejection(code, message, detail);
}

export function isRejection(value: unknown): value is Rejection {
  return value instanceof Rejection;
}

/** INSUFFICIENT_BALANCE for an account that cannot give `needed`, with the figures a client needs. */
export function insufficient(account: Account, needed: number): Rejection {
  return reject('INSUFFICIENT_BALANCE', `needs ${needed} ${account.asset}, available ${account.available}`, {
    asset: account.asset,
    needed,
    available: account.available,
  });
}
