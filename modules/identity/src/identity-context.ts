import type { Database } from '@tradeloom/db';
import type { AuditSink, Clock, MailSender, RateLimiter } from '@tradeloom/kernel';
import type { IdentityConfig, IdentityDeps, IdentityTuning } from './identity-options.js';
import type { SecretKeys } from './secret-keys.js';

/** What every identity flow works with: the module's dependencies, resolved once. */
export interface IdentityContext {
  database: Database;
  config: IdentityConfig;
  clock: Clock;
  mail: MailSender;
  audit: AuditSink;
  limiter: RateLimiter;
  keys: SecretKeys;
  tuning: IdentityTuning;
  totpIssuer: string;
  onUserCreated: IdentityDeps['onUserCreated'];
}

/** Who is asking, as far as a flow needs to know: for audit entries, sessions and mails. */
export interface RequestContext {
  ip: string;
  userAgent?: string;
  /** The browser's `tl_device` cookie, when it sent one. */
  deviceToken?: string;
}
