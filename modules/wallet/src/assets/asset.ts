import { z } from 'zod';

export const ASSET_KINDS = ['fiat', 'crypto'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];
export const ASSET_STATUSES = ['active', 'disabled'] as const;
export type AssetStatus = (typeof ASSET_STATUSES)[number];

/** Largest precision: amounts are engine safe integers, so 12 decimals still leave 9,007 whole units. */
export const PRECISION_MAX = 12;

export interface Asset {
  code: string;
  name: string;
  kind: AssetKind;
  precision: number;
  iconUrl: string | null;
  status: AssetStatus;
  sortOrder: number;
}

/** A network an asset moves on; amounts in the asset's units. */
export interface Network {
  id: string;
  asset: string;
  network: string;
  name: string;
  depositEnabled: boolean;
  withdrawEnabled: boolean;
  withdrawFee: number;
  withdrawMin: number;
  withdrawMax: number | null;
  depositMin: number;
  confirmations: number;
  memoRequired: boolean;
  addressPattern: string | null;
}

/** Limits of one asset at one KYC level (units; null = none). */
export interface AssetLimits {
  asset: string;
  kycLevel: number;
  withdrawDailyMax: number | null;
  withdrawPerTxMax: number | null;
  depositDailyMax: number | null;
}

export const assetCodeSchema = z
  .string()
  .regex(/^[A-Z0-9]{1,16}$/, 'upper-case letters and digits, at most 16')
  .describe("Asset code, e.g. 'BTC'");

export const networkCodeSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and dashes, at most 40')
  .describe("Network slug, e.g. 'bitcoin', 'erc20', 'sepa'");
