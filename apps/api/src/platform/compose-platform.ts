import { type AccessService, createAccessModule } from '@tradeloom/access';
import { type ApiKeysService, createApiKeysModule, rateLimiterReplayGuard } from '@tradeloom/api-keys';
import type { Config } from '@tradeloom/config';
import { type Database, defaultMigrationsDir, type MigrationSource } from '@tradeloom/db';
import { createIdentityModule, type IdentityService } from '@tradeloom/identity';
import { type Clock, type PlatformModule, type RateLimiter, systemClock } from '@tradeloom/kernel';
import { createMailModule, type MailService } from '@tradeloom/mail';
import { createRateLimiter } from '@tradeloom/rate-limit';
import { createWalletModule, type WalletService } from '@tradeloom/wallet';

/** What the platform's modules are built from. */
export interface PlatformDeps {
  config: Config;
  database: Database;
  /** Encrypts secrets at rest (loadMasterKey). */
  masterKey: Buffer;
  clock?: Clock;
  /** Prefix of every Redis key of this deployment (tests use one per run). */
  redisKeyPrefix?: string;
  /** Null turns rate limiting off (tests that send many requests on purpose). */
  rateLimiter?: RateLimiter | null;
}

/** The assembled modules and their services, shared by the API, the worker and the CLI. */
export interface Platform {
  /** In the order their authenticators are asked (API keys before the session cookie). */
  modules: readonly PlatformModule[];
  /** In dependency order (identity's users table first). */
  migrationSources: readonly MigrationSource[];
  identity: IdentityService;
  access: AccessService;
  mail: MailService;
  apiKeys: ApiKeysService;
  wallet: WalletService;
  database: Database;
  rateLimiter: RateLimiter | null;
  resolvePermissions: (userId: string) => Promise<ReadonlySet<string>>;
  /** Closes what the modules hold (timers, SMTP, Redis); not the database. */
  close(): Promise<void>;
}

/** Builds every module and wires their services together. */
export function composePlatform(deps: PlatformDeps): Platform {
  const { config, database, masterKey } = deps;
  const clock = deps.clock ?? systemClock;
  const prefix = deps.redisKeyPrefix ?? 'tl';
  const rateLimiter =
    deps.rateLimiter === undefined
      ? createRateLimiter({ redisUrl: config.redisUrl, keyPrefix: `${prefix}:rl` })
      : deps.rateLimiter;
  const modules: PlatformModule[] = [];
  const access = createAccessModule({
    database,
    clock,
    permissionCatalog: () => modules.flatMap((module) => module.permissions ?? []),
  });
  // Mail renders each user's anti-phishing code, which identity owns: resolved late, once both exist.
  let identityService: IdentityService | null = null;
  const mail = createMailModule({
    database,
    clock,
    audit: access.service.audit,
    config: { smtpUrl: config.smtpUrl, mailFrom: config.mailFrom, publicUrl: config.publicUrl },
    antiPhishingCodeOf: async (userId) =>
      identityService === null ? null : identityService.antiPhishingCodeOf(userId),
  });
  const identity = createIdentityModule({
    database,
    config,
    clock,
    mail: mail.service,
    audit: access.service.audit,
    rateLimiter,
    secretKey: masterKey,
    // Every account holds the 'user' role from its first moment, in the same transaction.
    onUserCreated: async (userId, within) => {
      await access.service.assignRole(userId, 'user', 'system', undefined, within);
    },
  });
  identityService = identity.service;
  const apiKeys = createApiKeysModule({
    database,
    clock,
    secretKey: masterKey,
    audit: access.service.audit,
    secondFactor: identity.service,
    // Several API processes must share the signatures they have seen, or a replay sent to another
    // process would pass: the Redis-backed limiter's store holds them in server mode.
    ...(config.mode === 'server' && rateLimiter !== null
      ? { replayGuard: rateLimiterReplayGuard(rateLimiter) }
      : {}),
  });
  const wallet = createWalletModule({ database });
  modules.push(apiKeys.module, identity.module, access.module, mail.module, wallet.module);
  const migrationOrder = [identity.module, access.module, mail.module, apiKeys.module, wallet.module];
  return {
    modules,
    migrationSources: [
      { dir: defaultMigrationsDir },
      ...migrationOrder.flatMap((module) =>
        module.migrationsDir === undefined ? [] : [{ module: module.name, dir: module.migrationsDir }],
      ),
    ],
    identity: identity.service,
    access: access.service,
    mail: mail.service,
    apiKeys: apiKeys.service,
    wallet: wallet.service,
    database,
    rateLimiter,
    resolvePermissions: (userId) => access.service.resolvePermissions(userId),
    close: async () => {
      for (const module of [...modules].reverse()) await module.close?.();
      await rateLimiter?.close();
    },
  };
}
