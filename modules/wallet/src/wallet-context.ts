// What every part of the wallet (assets, deposits, withdrawals, transfers, history) is built from.
// Parts talk to each other only through the services on this context.
import type { Database, Queryable } from '@tradeloom/db';
import type { JobQueue } from '@tradeloom/jobs';
import type { AuditSink, Clock, MailSender } from '@tradeloom/kernel';
import type { AssetService } from './assets/asset-service.js';
import type { PaymentGatewayConfig } from './deposits/gateways/gateway-config.js';
import type { EnginePort } from './engine/engine-port.js';
import type { WalletEngine } from './engine/wallet-engine.js';

/** A mail template in the shape the mail module registers (declared here to avoid depending on it). */
export interface WalletMailTemplate {
  requiredVars: readonly string[];
  optionalVars?: readonly string[];
  subject(vars: Readonly<Record<string, string | undefined>>): string;
  text(vars: Readonly<Record<string, string | undefined>>): string;
  html(escaped: Readonly<Record<string, string | undefined>>): string;
}

/** What the wallet sends mail through (the mail module's service has this shape). */
export interface WalletMail extends MailSender {
  registerTemplate(name: string, template: WalletMailTemplate): void;
  templateNames(): string[];
}

/** A user as identity describes one. */
export interface WalletUser {
  id: string;
  email: string;
  displayName?: string | null;
  status: 'active' | 'blocked';
}

/** What the wallet needs of identity (its service has this shape). */
export interface WalletIdentity {
  /** Checks and uses up a TOTP or recovery code; throws IDENTITY_SECOND_FACTOR_* otherwise. */
  verifySecondFactor(
    userId: string,
    code: string,
    request?: { ip: string; userAgent?: string },
  ): Promise<void>;
  hasSecondFactor(userId: string): Promise<boolean>;
  /** Epoch ms until which withdrawals are refused after a security change; null when not locked. */
  withdrawalsLockedUntil(userId: string): Promise<number | null>;
  getUser(id: string): Promise<WalletUser | null>;
  findUserByEmail(email: string): Promise<WalletUser | null>;
}

/** Operator settings of the wallet (docs/configuration.md and docs/wallets.md). */
export interface WalletSettings {
  /** A new withdrawal address is usable this long after it is added (unless the user turned the delay off). */
  newAddressDelayMs: number;
  /** Withdrawals worth more than this many USDT need a second admin's approval. */
  fourEyesAboveUsdt: string;
  /** Internal transfers worth more than this many USDT need a second-factor code. */
  transferTwoFactorAboveUsdt: string;
  /** Pending deposits older than this expire. */
  depositExpiryMs: number;
  /** Withdrawals pending review longer than this expire (their hold is released). */
  withdrawalExpiryMs: number;
  /** Daily PnL snapshots older than this are deleted. */
  pnlRetentionDays: number;
  /** Where users open the platform (links in mails). */
  publicUrl: string;
  /** Payment gateways for deposits (PAYMENT_GATEWAYS). */
  paymentGateways?: readonly PaymentGatewayConfig[];
}

export const defaultWalletSettings: WalletSettings = {
  newAddressDelayMs: 24 * 3_600_000,
  fourEyesAboveUsdt: '10000',
  transferTwoFactorAboveUsdt: '1000',
  depositExpiryMs: 7 * 24 * 3_600_000,
  withdrawalExpiryMs: 3 * 24 * 3_600_000,
  pnlRetentionDays: 400,
  publicUrl: 'http://localhost:3000',
};

export interface WalletContext {
  database: Database;
  /** The wallet's commands to the engine (the only writer of balances). */
  engine: WalletEngine;
  /** The raw engine, for queries (balances, ledger). */
  enginePort: EnginePort;
  assets: AssetService;
  audit: AuditSink;
  clock: Clock;
  mail: WalletMail;
  identity: WalletIdentity;
  jobs: JobQueue;
  settings: WalletSettings;
  /** The user's KYC level (0 until the KYC module says more). */
  kycLevelOf(userId: string): Promise<number>;
  /** The user's engine account number, created on first use. */
  engineAccountOf(userId: string, within?: Queryable): Promise<number>;
  userOfEngineAccount(accountNo: number): Promise<string | null>;
}
