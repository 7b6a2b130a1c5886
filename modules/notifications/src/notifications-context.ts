import type { EventEmitter } from 'node:events';
import type { Database } from '@tradeloom/db';
import type { AuditSink, Clock, MailSender } from '@tradeloom/kernel';

/** A mail template in the shape the mail module registers. */
export interface NotifyMailTemplate {
  requiredVars: readonly string[];
  optionalVars?: readonly string[];
  subject(vars: Readonly<Record<string, string | undefined>>): string;
  text(vars: Readonly<Record<string, string | undefined>>): string;
  html(escaped: Readonly<Record<string, string | undefined>>): string;
}

export interface NotifyMail extends MailSender {
  registerTemplate(name: string, template: NotifyMailTemplate): void;
  templateNames(): string[];
}

/** Who an announcement goes to: active users at a KYC level or above, walked in id order. */
export interface Audience {
  count(minKycLevel: number): Promise<number>;
  page(minKycLevel: number, afterUserId: string, limit: number): Promise<string[]>;
}

/** How fast announcements go out. */
export interface AnnouncementPacing {
  /** Users per batch (one transaction each). */
  batchSize: number;
  /** Pause between batches: with batchSize, the rate limit (default 100 users per second). */
  batchPauseMs: number;
  /** Batches per job run; the repeating job continues where the run stopped. */
  batchesPerRunMax: number;
  /** A worker's hold on an announcement; after it runs out another worker resumes from the cursor. */
  leaseMs: number;
}

export const defaultPacing: AnnouncementPacing = {
  batchSize: 100,
  batchPauseMs: 1_000,
  batchesPerRunMax: 50,
  leaseMs: 120_000,
};

export interface NotificationsContext {
  database: Database;
  audit: AuditSink;
  clock: Clock;
  mail: NotifyMail;
  audience: Audience;
  publicUrl: string;
  pacing: AnnouncementPacing;
  /** 'notification' (NotificationEvent) after each in-app notification is stored. */
  events: EventEmitter;
}
