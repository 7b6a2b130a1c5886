import { type AccessService, createAccessModule } from '@tradeloom/access';
import { type ApiKeysService, createApiKeysModule, rateLimiterReplayGuard } from '@tradeloom/api-keys';
import { createBinanceModule } from '@tradeloom/binance';
import type { Config } from '@tradeloom/config';
import { type Database, defaultMigrationsDir, type MigrationSource } from '@tradeloom/db';
import { createIdentityModule, type IdentityService } from '@tradeloom/identity';
import { createJobQueue, type JobQueue } from '@tradeloom/jobs';
import { type Clock, type PlatformModule, type RateLimiter, systemClock } from '@tradeloom/kernel';
import { createKycModule, type KycService } from '@tradeloom/kyc';
import { createMailModule, type MailService } from '@tradeloom/mail';
import { createMarketStreamModule, type MarketStreamService } from '@tradeloom/market-stream';
import { createNotificationsModule, type NotificationsModuleService } from '@tradeloom/notifications';
import { createProjectionWaiter, projectionMigrationsDir } from '@tradeloom/projection';
import { createRateLimiter } from '@tradeloom/rate-limit';
import { createSpotModule, type SpotService } from '@tradeloom/spot';
import { createSupportModule, type SupportService } from '@tradeloom/support';
import { createWalletModule, type WalletService } from '@tradeloom/wallet';
import { type DeferredEngine, deferredEngine } from './deferred-engine.js';
import { createOperationsModule } from './operations-module.js';

/** The job that delivers the mail outbox. */
export const MAIL_DELIVERY_JOB = 'mail-deliver';
/** The job that deletes expired identity data. */
export const IDENTITY_PURGE_JOB = 'identity-purge';

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
  kyc: KycService;
  notifications: NotificationsModuleService;
  support: SupportService;
  spot: SpotService;
  /** Live market data and the Binance WebSocket streams (market-stream: start its feed when serving). */
  marketStream: MarketStreamService;
  /** The engine the modules use: bind the opened engine (or its client) before serving requests. */
  engine: DeferredEngine;
  database: Database;
  rateLimiter: RateLimiter | null;
  /** Background jobs: in-process (embedded) or BullMQ (server); runs where `jobs.start()` is called. */
  jobs: JobQueue;
  resolvePermissions: (userId: string) => Promise<ReadonlySet<string>>;
  /** Closes what the modules hold (timers, SMTP, Redis); not the database. */
  close(): Promise<void>;
}

/** Builds every module and wires their services together. */
export function composePlatform(deps: PlatformDeps): Platform {
  const { config, database, masterKey } = deps;
  const clock = deps.clock ?? systemClock;
  const prefix = deps.redisKeyPrefix ?? (config.mode === 'server' ? config.redisKeyPrefix : 'tl');
  const rateLimiter =
    deps.rateLimiter === undefined
      ? createRateLimiter({ redisUrl: config.redisUrl, keyPrefix: `${prefix}:rl` })
      : deps.rateLimiter;
  const jobs = createJobQueue({ redisUrl: config.redisUrl, prefix: `${prefix}-jobs` });
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
  const engine = deferredEngine();
  const projection = createProjectionWaiter(database);
  const notifications = createNotificationsModule({
    database,
    audit: access.service.audit,
    mail: mail.service,
    jobs,
    publicUrl: config.publicUrl,
    clock,
    // Segments by KYC level (resolved when an announcement is sent, once both modules exist).
    audience: {
      count: (minLevel) => kyc.service.countUsersAtLevel(minLevel),
      page: (minLevel, after, limit) => kyc.service.usersAtLevel(minLevel, after, limit),
    },
  });
  const kyc = createKycModule({
    database,
    audit: access.service.audit,
    mail: mail.service,
    masterKey,
    publicUrl: config.publicUrl,
    dataDir: config.dataDir,
    clock,
    // KYC mails its decisions itself: the notice is in the app only.
    notify: async (userId, notice, within) => {
      await notifications.service.notify(userId, notice, {
        ...(within === undefined ? {} : { within }),
        email: false,
      });
    },
  });
  const wallet = createWalletModule({
    database,
    engine,
    audit: access.service.audit,
    identity: identity.service,
    mail: mail.service,
    jobs,
    clock,
    settings: { ...config.wallet, publicUrl: config.publicUrl },
    kycLevelOf: (userId) => kyc.service.levelOf(userId),
  });
  const support = createSupportModule({
    database,
    audit: access.service.audit,
    mail: mail.service,
    masterKey,
    publicUrl: config.publicUrl,
    dataDir: config.dataDir,
    clock,
    permissionsOf: (userId) => access.service.resolvePermissions(userId),
    // Agents mail replies themselves: the notice is in the app only.
    notify: async (userId, notice, within) => {
      await notifications.service.notify(userId, notice, {
        ...(within === undefined ? {} : { within }),
        email: false,
      });
    },
    userContext: {
      kycLevelOf: (userId) => kyc.service.levelOf(userId),
      recentDeposits: async (userId) =>
        (await wallet.service.deposits.list({ userId, limit: 5 })).deposits.map((d) => ({
          id: d.id,
          asset: d.asset,
          amount: d.amount,
          status: d.status,
          createdAt: d.createdAt,
        })),
      recentWithdrawals: async (userId) =>
        Promise.all(
          (await wallet.service.withdrawals.list({ userId, limit: 5 })).map(async (w) => {
            const view = await wallet.service.withdrawals.view(w);
            return {
              id: view.id,
              asset: view.asset,
              amount: view.amount,
              status: view.status,
              createdAt: view.createdAt,
            };
          }),
        ),
    },
  });
  const spot = createSpotModule({
    database,
    engine,
    assets: wallet.service.assets,
    engineAccountOf: (userId) => wallet.service.engineAccountOf(userId),
    audit: access.service.audit,
    projected: (seq) => projection.waitFor(seq),
    clock,
  });
  const marketStream = createMarketStreamModule({
    database,
    spot: spot.service,
    clock,
    redis: config.mode === 'server' ? { url: config.redisUrl, keyPrefix: prefix } : null,
    // User data streams: listen keys are the binance module's (built next; resolved at connect time).
    userData: {
      userOfListenKey: (key) => binance.service.listenKeys.userOf(key),
      engineAccountOf: (userId) => wallet.service.engineAccountOf(userId),
      assetPrecision: async (asset) => (await wallet.service.assets.getAsset(asset)).precision,
    },
  });
  const binance = createBinanceModule({
    database,
    engine,
    spot: spot.service,
    wallet: wallet.service,
    rateLimiter,
    clock,
    depthSnapshot: (symbol, limit) => marketStream.service.depthSnapshot(symbol, limit),
    projected: (seq, timeoutMs) => projection.waitFor(seq, timeoutMs),
    apiKeys: apiKeys.service,
    userData: marketStream.service.userData,
  });
  // The outbox is polled by one repeating job; several workers may run it (rows are claimed with SKIP LOCKED).
  jobs.define(
    MAIL_DELIVERY_JOB,
    async () => {
      await mail.service.deliverPending({ limit: 100 });
    },
    { repeatEveryMs: 2_000, repeatData: null },
  );
  // Spent tokens, ended sessions and old login history: nothing depends on their prompt removal.
  jobs.define(
    IDENTITY_PURGE_JOB,
    async () => {
      await identity.service.purgeExpired();
    },
    { repeatEveryMs: 3_600_000, repeatData: null },
  );
  const operations = createOperationsModule({ jobs, audit: access.service.audit });
  modules.push(
    apiKeys.module,
    identity.module,
    access.module,
    mail.module,
    wallet.module,
    kyc.module,
    notifications.module,
    support.module,
    spot.module,
    binance.module,
    marketStream.module,
    operations,
  );
  const migrationOrder = [
    identity.module,
    access.module,
    mail.module,
    apiKeys.module,
    wallet.module,
    kyc.module,
    notifications.module,
    support.module,
    spot.module,
    binance.module,
  ];
  return {
    modules,
    migrationSources: [
      { dir: defaultMigrationsDir },
      { module: 'projection', dir: projectionMigrationsDir },
      ...migrationOrder.flatMap((module) =>
        module.migrationsDir === undefined ? [] : [{ module: module.name, dir: module.migrationsDir }],
      ),
    ],
    identity: identity.service,
    access: access.service,
    mail: mail.service,
    apiKeys: apiKeys.service,
    wallet: wallet.service,
    kyc: kyc.service,
    notifications: notifications.service,
    support: support.service,
    spot: spot.service,
    marketStream: marketStream.service,
    engine,
    database,
    rateLimiter,
    jobs,
    resolvePermissions: (userId) => access.service.resolvePermissions(userId),
    close: async () => {
      await jobs.close();
      for (const module of [...modules].reverse()) await module.close?.();
      await rateLimiter?.close();
    },
  };
}
