import type { EventEmitter } from 'node:events';
import type { Database, Queryable } from '@tradeloom/db';
import type { AuditSink, Clock, MailSender } from '@tradeloom/kernel';
import type { StorageAdapter, UrlSigner } from '@tradeloom/kyc';

/** A mail template in the shape the mail module registers. */
export interface SupportMailTemplate {
  requiredVars: readonly string[];
  optionalVars?: readonly string[];
  subject(vars: Readonly<Record<string, string | undefined>>): string;
  text(vars: Readonly<Record<string, string | undefined>>): string;
  html(escaped: Readonly<Record<string, string | undefined>>): string;
}

export interface SupportMail extends MailSender {
  registerTemplate(name: string, template: SupportMailTemplate): void;
  templateNames(): string[];
}

/** In-app notices (the notifications module's notify has this shape). */
export type SupportNotify = (
  userId: string,
  notice: { category: 'support'; title: string; body: string; link?: string },
  within?: Queryable,
) => Promise<void>;

/** What an agent sees of the user beside the thread. */
export interface UserContext {
  email: string | null;
  kycLevel: number;
  recentDeposits: { id: string; asset: string; amount: string; status: string; createdAt: string }[];
  recentWithdrawals: { id: string; asset: string; amount: string; status: string; createdAt: string }[];
}

/** Where the user context comes from (KYC and the wallet; wired by the platform). */
export interface UserContextSource {
  kycLevelOf(userId: string): Promise<number>;
  recentDeposits?(userId: string): Promise<UserContext['recentDeposits']>;
  recentWithdrawals?(userId: string): Promise<UserContext['recentWithdrawals']>;
}

export interface SupportContext {
  database: Database;
  audit: AuditSink;
  clock: Clock;
  mail: SupportMail;
  notify: SupportNotify;
  storage: StorageAdapter;
  signer: UrlSigner;
  publicUrl: string;
  userContext: UserContextSource;
  /** Whether a user may work tickets (holds support:tickets): assignment checks it. */
  isAgent(userId: string): Promise<boolean>;
  /** 'ticket' events (TicketEvent) after each change: the live channel forwards them. */
  events: EventEmitter;
}
