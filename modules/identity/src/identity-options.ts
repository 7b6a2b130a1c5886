import type { Database, Queryable } from '@tradeloom/db';
import type { AuditSink, Clock, MailSender, RateLimiter } from '@tradeloom/kernel';
import type { MailTemplateRegistrar } from './mail-templates.js';

/** The configuration fields identity reads (a `Config` from @tradeloom/config fits). */
export interface IdentityConfig {
  /** Where users reach the platform; links in emails start with it. No trailing slash. */
  publicUrl: string;
  /** Whether the session cookie carries `Secure`. */
  cookieSecure: boolean;
  /** A session ends after this long without a request… */
  sessionIdleMs: number;
  /** …and after this long in any case. */
  sessionAbsoluteMs: number;
  /** Chain ids a Sign-In with Ethereum message may name (default: [1], Ethereum mainnet). */
  siweChainIds?: readonly number[];
  /** OpenID Connect providers users may sign in with (default: none). */
  oidcProviders?: readonly OidcProviderConfig[];
}

/** One OpenID Connect provider (OIDC_PROVIDERS); Google is `issuer: 'https://accounts.google.com'`. */
export interface OidcProviderConfig {
  /** Short id used in routes and in `user_identities.provider` ('oidc:<id>'). */
  id: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** What the login page shows ('Google'). */
  label: string;
}

/** Limits and lifetimes; the defaults are the documented policy, tests shorten or widen some. */
export interface IdentityTuning {
  /** Consecutive wrong passwords or codes on one account before it locks. */
  accountFailuresMax: number;
  accountLockMs: number;
  /** Login attempts one IP may make per window (all outcomes count: a success must not refill it). */
  ipLoginAttemptsMax: number;
  ipLoginWindowS: number;
  /** Failed logins per unknown email per window, answered like a locked account (no enumeration). */
  unknownEmailFailuresMax: number;
  /** How long the pending-login token of the second step lives, and how many codes it may try. */
  pendingLoginMs: number;
  pendingLoginAttemptsMax: number;
  verifyEmailTtlMs: number;
  resetPasswordTtlMs: number;
  changeEmailTtlMs: number;
  /** A session's last_seen_at is written at most this often. */
  lastSeenThrottleMs: number;
  /** Withdrawals stay locked this long after a password, email or second-factor change. */
  withdrawalLockMs: number;
  /** TOTP codes of this many steps before and after now are accepted (clock drift). */
  totpStepTolerance: number;
}

/** The documented defaults (README.md, "Account protection"). */
export const defaultTuning: IdentityTuning = {
  accountFailuresMax: 5,
  accountLockMs: 15 * 60_000,
  ipLoginAttemptsMax: 100,
  ipLoginWindowS: 15 * 60,
  unknownEmailFailuresMax: 5,
  pendingLoginMs: 5 * 60_000,
  pendingLoginAttemptsMax: 5,
  verifyEmailTtlMs: 24 * 3_600_000,
  resetPasswordTtlMs: 30 * 60_000,
  changeEmailTtlMs: 60 * 60_000,
  lastSeenThrottleMs: 60_000,
  withdrawalLockMs: 24 * 3_600_000,
  totpStepTolerance: 1,
};

/** What `createIdentityModule` is built from. */
export interface IdentityDeps {
  database: Database;
  config: IdentityConfig;
  clock?: Clock;
  /**
   * Where mails go. When it can also register templates (the mail service can), identity registers
   * the two it adds to the mail module's built-in ones; otherwise whoever composes must.
   */
  mail: MailSender & Partial<MailTemplateRegistrar>;
  audit: AuditSink;
  /** Shared counters (Redis in server mode); null: an in-process counter is used instead. */
  rateLimiter: RateLimiter | null;
  /** 32 bytes (the master key): TOTP seeds are sealed and token HMACs keyed with keys derived from it. */
  secretKey: Buffer;
  /** Called in the transaction that creates a user (the access module grants the 'user' role). */
  onUserCreated?: (userId: string, within: Queryable) => Promise<void>;
  /** Overrides of `defaultTuning`. */
  tuning?: Partial<IdentityTuning>;
  /** Issuer shown in authenticator apps (default 'Tradeloom'). */
  totpIssuer?: string;
}
