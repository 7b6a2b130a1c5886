// What every part of the KYC module (templates, applications, review, providers) is built from.
import type { Database, Queryable } from '@tradeloom/db';
import type { AuditSink, Clock, MailSender } from '@tradeloom/kernel';
import type { UrlSigner } from './files/signed-url.js';
import type { StorageAdapter } from './files/storage-adapter.js';

/** A mail template in the shape the mail module registers (declared here to avoid depending on it). */
export interface KycMailTemplate {
  requiredVars: readonly string[];
  optionalVars?: readonly string[];
  subject(vars: Readonly<Record<string, string | undefined>>): string;
  text(vars: Readonly<Record<string, string | undefined>>): string;
  html(escaped: Readonly<Record<string, string | undefined>>): string;
}

/** What KYC sends mail through (the mail module's service has this shape). */
export interface KycMail extends MailSender {
  registerTemplate(name: string, template: KycMailTemplate): void;
  templateNames(): string[];
}

/** An in-app notification (the notifications module's `notify` takes this shape). */
export interface KycNotice {
  category: 'kyc';
  title: string;
  body: string;
  link?: string;
}

/** How KYC tells a user in the app; a no-op until a notifications module is wired. */
export type KycNotify = (userId: string, notice: KycNotice, within?: Queryable) => Promise<void>;

export interface KycContext {
  database: Database;
  audit: AuditSink;
  clock: Clock;
  mail: KycMail;
  notify: KycNotify;
  /** Documents, encrypted before they reach the adapter. */
  storage: StorageAdapter;
  /** Signs /api/v1/kyc/documents/:id/content links for reviewers. */
  signer: UrlSigner;
  /** Where users open the platform (links in mails). */
  publicUrl: string;
}
