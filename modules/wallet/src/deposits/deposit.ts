// The deposit part's records. Amounts are engine units of the asset (safe integers).

export const DEPOSIT_METHOD_KINDS = ['manual', 'gateway'] as const;
export type DepositMethodKind = (typeof DEPOSIT_METHOD_KINDS)[number];

export const DEPOSIT_SOURCES = ['manual', 'gateway', 'chain'] as const;
export type DepositSource = (typeof DEPOSIT_SOURCES)[number];

/**
 * pending → approved (decided; the engine credit may still be in flight) → credited;
 * pending → rejected | canceled | expired | failed.
 */
export const DEPOSIT_STATUSES = [
  'pending',
  'approved',
  'credited',
  'rejected',
  'canceled',
  'expired',
  'failed',
] as const;
export type DepositStatus = (typeof DEPOSIT_STATUSES)[number];

/** A field the user fills in with a deposit (the sender's IBAN, a transfer reference, …). */
export interface DepositMethodField {
  key: string;
  label: string;
  required: boolean;
  maxLength: number;
}

export interface DepositMethod {
  id: string;
  kind: DepositMethodKind;
  /** The gateway adapter's name (kind 'gateway'). */
  gateway: string | null;
  networkId: string;
  /** The network's slug: the engine credits from `external:<network>`. */
  network: string;
  asset: string;
  name: string;
  instructions: string;
  fields: DepositMethodField[];
  feeFixed: number;
  /** Parts per million of the amount. */
  feePpm: number;
  minAmount: number;
  maxAmount: number | null;
  enabled: boolean;
}

export interface Deposit {
  id: string;
  seq: number;
  userId: string;
  source: DepositSource;
  methodId: string | null;
  asset: string;
  networkId: string;
  network: string;
  amount: number;
  fee: number;
  net: number;
  reference: string | null;
  fields: Record<string, string>;
  status: DepositStatus;
  rejectReason: string | null;
  decidedBy: string | null;
  engineKey: string;
  engineSeq: number | null;
  feeEngineSeq: number | null;
  gateway: string | null;
  providerRef: string | null;
  redirectUrl: string | null;
  chainTxHash: string | null;
  chainOutputIndex: number | null;
  chainAddress: string | null;
  confirmations: number | null;
  createdAtMs: number;
  updatedAtMs: number;
  decidedAtMs: number | null;
  creditedAtMs: number | null;
}

/** A deposit address of a user on a network. */
export interface DepositAddress {
  id: string;
  userId: string;
  networkId: string;
  address: string;
  /** '' when the network needs no memo/tag. */
  memo: string;
  createdAtMs: number;
}
