import type { WalletType } from '../wallet-types.js';

export const TRANSFER_KINDS = ['wallet', 'internal'] as const;
export type TransferKind = (typeof TRANSFER_KINDS)[number];
export const TRANSFER_STATUSES = ['pending', 'completed', 'failed'] as const;
export type TransferStatus = (typeof TRANSFER_STATUSES)[number];
export type RecipientBy = 'email' | 'userId' | 'self';

/** A transfer row; `amount` in the asset's units. */
export interface Transfer {
  id: string;
  kind: TransferKind;
  fromUserId: string;
  toUserId: string;
  asset: string;
  amount: number;
  fromWallet: WalletType;
  toWallet: WalletType;
  recipientBy: RecipientBy;
  clientTransferId: string | null;
  status: TransferStatus;
  failureCode: string | null;
  commandSeq: number | null;
  createdAt: string;
  completedAt: string | null;
}

/** The engine command's idempotency key of a transfer. */
export function transferKey(t: Pick<Transfer, 'id' | 'kind'>): string {
  return `${t.kind === 'wallet' ? 'wt' : 'tr'}:${t.id}`;
}

/** a***@example.com: enough for the owner to recognise, not enough to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}
