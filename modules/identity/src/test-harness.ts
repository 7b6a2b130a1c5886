// Test support inside this module: identity composed as the API composes it, with the real access
// module (audit log), the real mail module delivering to a real SMTP server, on a real port.
import { randomBytes } from 'node:crypto';
import { type AccessService, createAccessModule } from '@tradeloom/access';
import { type StartedApi, startApi } from '@tradeloom/api/testing';
import { type DatabaseKind, defaultMigrationsDir, migrate } from '@tradeloom/db';
import { createTestDatabase } from '@tradeloom/db/testing';
import { type RateLimiter, SettableClock } from '@tradeloom/kernel';
import { createMailModule, type MailService } from '@tradeloom/mail';
import { type SmtpSink, startSmtpSink } from '@tradeloom/mail/testing';
import type { ParsedMail } from 'mailparser';
import {
  createIdentityModule,
  type IdentityService,
  type IdentityTuning,
  type OidcProviderConfig,
} from './index.js';
import { TestBrowser } from './testing.js';

/** Where the harness says users reach the platform (links in mails start with it). */
export const PUBLIC_URL = 'https://exchange.example.com';

/** A running identity stack. */
export interface IdentityHarness {
  api: StartedApi;
  identity: IdentityService;
  access: AccessService;
  mail: MailService;
  smtp: SmtpSink;
  clock: SettableClock;
  /** A new cookie-keeping client of the API. */
  browser(userAgent?: string): TestBrowser;
  /** Delivers the outbox and waits for a mail to `to` whose subject contains `subject`. */
  mailTo(to: string, subject: string): Promise<ParsedMail>;
  /** Every mail delivered so far to `to`. */
  mailsTo(to: string): Promise<ParsedMail[]>;
  /** The token in the link a mail carries to `path` (e.g. '/verify-email'). */
  tokenIn(mail: ParsedMail, path: string): string;
  stop(): Promise<void>;
}

/** Options of the harness. */
export interface HarnessOptions {
  tuning?: Partial<IdentityTuning>;
  rateLimiter?: RateLimiter | null;
  /** Rate limiter of the API's access pipeline (route limits); none by default. */
  pipelineRateLimiter?: RateLimiter;
  sessionIdleMs?: number;
  sessionAbsoluteMs?: number;
  logLevel?: string;
  /** The master key (default: random); a second identity instance over the same tables needs it. */
  secretKey?: Buffer;
  /** OpenID Connect providers in identity's configuration. */
  oidcProviders?: OidcProviderConfig[];
}

/** Starts identity + access + mail over a fresh database of `mode`, with a SettableClock at now. */
export async function startIdentityHarness(
  mode: DatabaseKind,
  options: HarnessOptions = {},
): Promise<IdentityHarness> {
  const smtp = await startSmtpSink();
  const test = await createTestDatabase(mode);
  const clock = new SettableClock(Date.now());
  const database = test.database;
  const access = createAccessModule({
    database,
    clock,
    permissionCatalog: () => [],
    permissionCacheTtlMs: 0,
  });
  let identityService: IdentityService | undefined;
  const mail = createMailModule({
    database,
    clock,
    config: {
      smtpUrl: smtp.url,
      mailFrom: 'Tradeloom <no-reply@exchange.example.com>',
      publicUrl: PUBLIC_URL,
    },
    antiPhishingCodeOf: async (userId) => (await identityService?.antiPhishingCodeOf(userId)) ?? null,
    audit: access.service.audit,
  });
  const identity = createIdentityModule({
    database,
    clock,
    config: {
      publicUrl: PUBLIC_URL,
      cookieSecure: true,
      sessionIdleMs: options.sessionIdleMs ?? 30 * 60_000,
      sessionAbsoluteMs: options.sessionAbsoluteMs ?? 12 * 3_600_000,
      ...(options.oidcProviders === undefined ? {} : { oidcProviders: options.oidcProviders }),
    },
    mail: mail.service,
    audit: access.service.audit,
    rateLimiter: options.rateLimiter ?? null,
    secretKey: options.secretKey ?? randomBytes(32),
    onUserCreated: async (userId, within) => {
      await access.service.assignRole(userId, 'user', 'system', undefined, within);
    },
    ...(options.tuning === undefined ? {} : { tuning: options.tuning }),
  });
  identityService = identity.service;
  const modules = [identity.module, access.module, mail.module];
  await migrate(database, {
    sources: [
      { dir: defaultMigrationsDir },
      ...modules.map((module) => ({ module: module.name, dir: module.migrationsDir ?? '' })),
    ],
  });
  await access.service.ensureSystemRoles();
  const api = await startApi(mode, {
    test,
    engine: null,
    modules,
    resolvePermissions: (userId) => access.service.resolvePermissions(userId),
    ...(options.pipelineRateLimiter === undefined ? {} : { rateLimiter: options.pipelineRateLimiter }),
    ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
    env: { PUBLIC_URL },
  });
  const recipientIs = (to: string) => (message: ParsedMail) => {
    const groups = message.to === undefined ? [] : Array.isArray(message.to) ? message.to : [message.to];
    return groups.some((group) => group.value.some((address) => address.address === to));
  };
  return {
    api,
    identity: identity.service,
    access: access.service,
    mail: mail.service,
    smtp,
    clock,
    browser: (userAgent) => new TestBrowser(api.url, userAgent),
    mailTo: async (to, subject) => {
      await mail.service.deliverPending();
      return smtp.waitFor((message) => recipientIs(to)(message) && (message.subject ?? '').includes(subject));
    },
    mailsTo: async (to) => {
      await mail.service.deliverPending();
      return smtp.messages.filter(recipientIs(to));
    },
    tokenIn: (message, path) => {
      const escaped = `${PUBLIC_URL}${path}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const match = new RegExp(`${escaped}\\?token=([A-Za-z0-9_%-]+)`).exec(message.text ?? '');
      if (match?.[1] === undefined) throw new Error(`no ${path} link in mail '${message.subject}'`);
      return decodeURIComponent(match[1]);
    },
    stop: async () => {
      await api.stop();
      await identity.module.close?.();
      await mail.service.close();
      await test.drop();
      await smtp.close();
    },
  };
}
