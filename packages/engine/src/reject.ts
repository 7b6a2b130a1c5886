import type { RejectCode } from './codes.js';
import type { Account } from './ledger/account.js';

/** A rejection before its command sequence number is attached by the sequencer. */
export interface Rejection {
  code: RejectCode;
  message: string;
  detail?: Record<string, string | number>;
}

/** Build a rejection value; rejections are values, never exceptions. */
export function reject(
  code: RejectCode,
  message: string,
  detail?: Record<string, string | number>,
): Rejection {
  return detail === undefined ? { code, message } : { code, message, detail };
}

export function isRejection(value: unknown): value is Rejection {
  return (
    typeof value === 'object' && value !== null && 'code' in value && 'message' in value && !('ok' in value)
  );
}

/** INSUFFICIENT_BALANCE for an account that cannot give `needed`, with the figures a client needs. */
export function insufficient(account: Account, needed: number): Rejection {
  return reject('INSUFFICIENT_BALANCE', `needs ${needed} ${account.asset}, available ${account.available}`, {
    asset: account.asset,
    needed,
    available: account.available,
  });
}
