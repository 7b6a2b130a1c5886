// What a withdrawal and an allow-list address are, inside (amounts in engine units, times in epoch ms).

export const WITHDRAWAL_STATUSES = [
  'holding',
  'pending',
  'approved',
  'processing',
  'completed',
  'rejected',
  'cancelled',
  'expired',
  'failed',
] as const;
export type WithdrawalStatus = (typeof WITHDRAWAL_STATUSES)[number];

/** States whose hold is (to be) released: nothing was paid out. */
export const RELEASED_STATUSES: readonly WithdrawalStatus[] = ['rejected', 'cancelled', 'expired', 'failed'];

/** States that count towards the daily limit (the funds are or were on their way out). */
export const COUNTED_STATUSES: readonly WithdrawalStatus[] = [
  'holding',
  'pending',
  'approved',
  'processing',
  'completed',
];

export interface Withdrawal {
  id: string;
  userId: string;
  accountNo: number;
  asset: string;
  networkId: string;
  network: string;
  addressId: string | null;
  address: string;
  /** '' when none. */
  memo: string;
  amount: number;
  fee: number;
  holdId: string;
  status: WithdrawalStatus;
  approvalsRequired: 1 | 2;
  /** USDT units at request time; null when there was no price. */
  valueUsdt: number | null;
  requestedVia: 'session' | 'apiKey';
  apiKeyId: string | null;
  reason: string | null;
  payoutAdapter: string | null;
  payoutAwaiting: boolean;
  payoutTxId: string | null;
  payoutAttempts: number;
  nextAttemptAtMs: number | null;
  holdReleasedAtMs: number | null;
  createdAtMs: number;
  updatedAtMs: number;
  completedAtMs: number | null;
  /** Admins who approved it so far. */
  approvedBy: string[];
}

export interface WithdrawalAddress {
  id: string;
  userId: string;
  asset: string;
  networkId: string;
  network: string;
  address: string;
  /** '' when none. */
  memo: string;
  label: string;
  usableFromMs: number;
  createdAtMs: number;
}

/** The engine hold of a withdrawal: one per withdrawal, named after it. */
export function holdIdOf(withdrawalId: string): string {
  return `wd:${withdrawalId}`;
}
