// Withdrawals and addresses as the API shows them: amounts as decimal strings, times as ISO 8601.
import { z } from 'zod';
import { formatUnits } from '../amounts.js';
import { amountOut, isoTime } from '../route-support.js';
import { WITHDRAWAL_STATUSES, type Withdrawal, type WithdrawalAddress } from './withdrawal.js';

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const withdrawalSchema = z.object({
  id: z.string().describe('wd_…'),
  asset: z.string(),
  network: z.string(),
  addressId: z.string().nullable(),
  address: z.string(),
  memo: z.string().nullable(),
  amount: amountOut.describe('What the address receives'),
  fee: amountOut.describe('Kept by the platform; held together with the amount'),
  status: z.enum(WITHDRAWAL_STATUSES),
  reason: z.string().nullable().describe('Why it was rejected, failed or expired'),
  txId: z.string().nullable(),
  approvalsRequired: z.number().int(),
  approvals: z.number().int(),
  createdAt: isoTime,
  updatedAt: isoTime,
  completedAt: isoTime.nullable(),
});

export const adminWithdrawalSchema = withdrawalSchema.extend({
  userId: z.string(),
  approvedBy: z.array(z.string()),
  valueUsdt: amountOut.nullable().describe('Value in USDT at request time; null without a price'),
  requestedVia: z.enum(['session', 'apiKey']),
  apiKeyId: z.string().nullable(),
  payoutAdapter: z.string().nullable(),
  payoutAwaiting: z.boolean().describe('Handed to a manual payout: mark it sent with the tx id'),
  payoutAttempts: z.number().int(),
});

export type WithdrawalView = z.infer<typeof withdrawalSchema>;
export type AdminWithdrawalView = z.infer<typeof adminWithdrawalSchema>;

export function viewOfWithdrawal(w: Withdrawal, precision: number): WithdrawalView {
  return {
    id: w.id,
    asset: w.asset,
    network: w.network,
    addressId: w.addressId,
    address: w.address,
    memo: w.memo === '' ? null : w.memo,
    amount: formatUnits(w.amount, precision),
    fee: formatUnits(w.fee, precision),
    status: w.status,
    reason: w.reason,
    txId: w.payoutTxId,
    approvalsRequired: w.approvalsRequired,
    approvals: w.approvedBy.length,
    createdAt: new Date(w.createdAtMs).toISOString(),
    updatedAt: new Date(w.updatedAtMs).toISOString(),
    completedAt: isoOrNull(w.completedAtMs),
  };
}

export function adminViewOfWithdrawal(
  w: Withdrawal,
  precision: number,
  usdtPrecision: number | null,
): AdminWithdrawalView {
  return {
    ...viewOfWithdrawal(w, precision),
    userId: w.userId,
    approvedBy: w.approvedBy,
    valueUsdt:
      w.valueUsdt === null || usdtPrecision === null ? null : formatUnits(w.valueUsdt, usdtPrecision),
    requestedVia: w.requestedVia,
    apiKeyId: w.apiKeyId,
    payoutAdapter: w.payoutAdapter,
    payoutAwaiting: w.payoutAwaiting,
    payoutAttempts: w.payoutAttempts,
  };
}

export const CSV_COLUMNS = [
  'id',
  'createdAt',
  'asset',
  'network',
  'address',
  'memo',
  'amount',
  'fee',
  'status',
  'reason',
  'txId',
  'completedAt',
] as const;

export function csvRowOf(v: WithdrawalView): (string | null)[] {
  return [
    v.id,
    v.createdAt,
    v.asset,
    v.network,
    v.address,
    v.memo,
    v.amount,
    v.fee,
    v.status,
    v.reason,
    v.txId,
    v.completedAt,
  ];
}

export const addressSchema = z.object({
  id: z.string().describe('wad_…'),
  asset: z.string(),
  network: z.string(),
  networkId: z.string(),
  address: z.string(),
  memo: z.string().nullable(),
  label: z.string(),
  usableAt: isoTime.describe('Withdrawals to it are accepted from this time on'),
  createdAt: isoTime,
});

export function viewOfAddress(a: WithdrawalAddress) {
  return {
    id: a.id,
    asset: a.asset,
    network: a.network,
    networkId: a.networkId,
    address: a.address,
    memo: a.memo === '' ? null : a.memo,
    label: a.label,
    usableAt: new Date(a.usableFromMs).toISOString(),
    createdAt: new Date(a.createdAtMs).toISOString(),
  };
}
