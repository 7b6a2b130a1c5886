import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, type ConfigIssue } from './config-error.js';

/** pino's levels; `silent` turns logging off. */
export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A pino log level. */
export type LogLevel = (typeof logLevels)[number];

interface CommonConfig {
  /** TCP port of the HTTP API (0 = any free port). */
  port: number;
  host: string;
  /** Absolute directory of the engine's journal and, in embedded mode, the database. */
  dataDir: string;
  logLevel: LogLevel;
  /** Browser origins allowed to call the API cross-origin (`scheme://host[:port]`). */
  corsOrigins: readonly string[];
  /** Where users reach the platform (links in emails, WebAuthn origin); no trailing slash. */
  publicUrl: string;
  portalPort: number;
  adminPort: number;
  /**
   * 32-byte key (hex) that encrypts secrets at rest (API-key secrets, TOTP seeds). Null in embedded
   * mode when unset: the process then keeps one in DATA_DIR/secrets/master.key.
   */
  masterKey: Buffer | null;
  /** smtp:// or smtps:// server for outgoing mail; null keeps mail in the outbox table only. */
  smtpUrl: string | null;
  mailFrom: string;
  /** Whether session cookies carry `Secure` (browsers accept it on http://localhost). */
  cookieSecure: boolean;
  /** A session ends after this long without a request… */
  sessionIdleMs: number;
  /** …and after this long in any case. */
  sessionAbsoluteMs: number;
  /** Requests per minute one IP may make across the API (stricter limits per route on top). */
  rateLimitIpPerMinute: number;
  /** Proxies in front whose X-Forwarded-For is trusted for the client IP (0 = none). */
  trustProxyHops: number;
  /** Seed the demo (admin, traders, markets, liquidity) into an empty database at start. */
  demoSeed: boolean;
  /** OpenID Connect providers users may sign in with (OIDC_PROVIDERS). */
  oidcProviders: readonly OidcProvider[];
  wallet: WalletConfig;
}

/** Operator settings of deposits, withdrawals and transfers. USDT amounts are decimal strings. */
export interface WalletConfig {
  /** A new withdrawal address is usable this long after it is added (WITHDRAWAL_ADDRESS_DELAY_HOURS). */
  newAddressDelayMs: number;
  /** Withdrawals worth more need a second admin (WITHDRAWAL_FOUR_EYES_ABOVE_USDT). */
  fourEyesAboveUsdt: string;
  /** Internal transfers worth more need a second-factor code (TRANSFER_2FA_ABOVE_USDT). */
  transferTwoFactorAboveUsdt: string;
  /** Pending deposits expire after this long (DEPOSIT_EXPIRY_HOURS). */
  depositExpiryMs: number;
  /** Withdrawals pending review expire after this long (WITHDRAWAL_EXPIRY_HOURS). */
  withdrawalExpiryMs: number;
  /** Daily PnL snapshots are kept this many days (PNL_RETENTION_DAYS). */
  pnlRetentionDays: number;
  /** Payment gateways deposits can be paid through (PAYMENT_GATEWAYS); secrets inside. */
  paymentGateways: readonly PaymentGatewayConfig[];
}

/** One payment gateway: the test adapter (HMAC of the raw body) or a Stripe-style one. */
export type PaymentGatewayConfig =
  | { type: 'test'; name?: string; secret: string }
  | { type: 'stripe'; name?: string; webhookSecret: string; apiKey?: string; apiBase?: string };

const gatewayName = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/);
const paymentGatewaysSchema = z.array(
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('test'), name: gatewayName.optional(), secret: z.string().min(16) }).strict(),
    z
      .object({
        type: z.literal('stripe'),
        name: gatewayName.optional(),
        webhookSecret: z.string().min(16),
        apiKey: z.string().min(1).optional(),
        apiBase: urlWithProtocols(['https:', 'http:']).optional(),
      })
      .strict(),
  ]),
);

/** One OpenID Connect provider; Google is `{ id: 'google', issuer: 'https://accounts.google.com', … }`. */
export interface OidcProvider {
  id: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  label: string;
}

const oidcProvidersSchema = z
  .array(
    z
      .object({
        id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/),
        issuer: urlWithProtocols(['https:', 'http:']),
        clientId: z.string().min(1),
        clientSecret: z.string().min(1),
        label: z.string().min(1).max(64),
      })
      .strict(),
  )
  .refine((providers) => new Set(providers.map((provider) => provider.id)).size === providers.length);

/** Everything in one process: PGlite under dataDir, in-process engine, queue and pub/sub. */
export interface EmbeddedConfig extends CommonConfig {
  mode: 'embedded';
  databaseUrl: null;
  redisUrl: null;
}

/** PostgreSQL and Redis servers; processes may be split across machines. */
export interface ServerConfig extends CommonConfig {
  mode: 'server';
  databaseUrl: string;
  redisUrl: string;
  /** Where the engine process listens: a Unix socket path, or a TCP port on loopback. */
  engineAddress: string | number;
  /** Prefix of every Redis key of this deployment (several deployments may share one Redis). */
  redisKeyPrefix: string;
}

/** The validated configuration of a Tradeloom process. */
export type Config = EmbeddedConfig | ServerConfig;

/** How the environment variables are read: the ones we know, strings or absent. */
export type Environment = Readonly<Record<string, string | undefined>>;

// What each variable must hold. Messages are built from this table only, never from the value: a
// value may be a secret (a URL with a password), and error messages end up in logs and terminals.
const expected = {
  PORT: 'an integer from 0 to 65535',
  HOST: 'a host name or IP address to listen on, without spaces (e.g. 0.0.0.0 or 127.0.0.1)',
  DATA_DIR: 'a directory path',
  DATABASE_URL: 'a postgres:// or postgresql:// URL with a host name',
  REDIS_URL: 'a redis:// or rediss:// URL with a host name',
  LOG_LEVEL: `one of ${logLevels.join(', ')}`,
  PUBLIC_URL: 'an http:// or https:// URL without a path (e.g. https://exchange.example.com)',
  PORTAL_PORT: 'an integer from 0 to 65535',
  ADMIN_PORT: 'an integer from 0 to 65535',
  MASTER_KEY: '64 hexadecimal characters (32 random bytes, e.g. from `openssl rand -hex 32`)',
  SMTP_URL: 'an smtp:// or smtps:// URL with a host name',
  MAIL_FROM: 'a sender address, e.g. Tradeloom <no-reply@example.com>',
  COOKIE_SECURE: 'true or false',
  SESSION_IDLE_MINUTES: 'an integer number of minutes from 1 to 10080',
  SESSION_ABSOLUTE_HOURS: 'an integer number of hours from 1 to 8760',
  RATE_LIMIT_IP_PER_MINUTE: 'an integer from 1 to 1000000',
  TRUST_PROXY_HOPS: 'an integer from 0 to 10',
  DEMO_SEED: 'true or false',
  REDIS_KEY_PREFIX: 'letters, digits, - and _ (1 to 40 characters)',
  ENGINE_ADDRESS: 'a Unix socket path, or a TCP port number on 127.0.0.1',
  OIDC_PROVIDERS:
    'a JSON array of { id (a-z, 0-9, -), issuer (URL), clientId, clientSecret, label } with distinct ids',
  WITHDRAWAL_ADDRESS_DELAY_HOURS: 'an integer number of hours from 0 to 720',
  WITHDRAWAL_FOUR_EYES_ABOVE_USDT: 'a plain decimal number of USDT, e.g. 10000',
  TRANSFER_2FA_ABOVE_USDT: 'a plain decimal number of USDT, e.g. 1000',
  DEPOSIT_EXPIRY_HOURS: 'an integer number of hours from 1 to 8760',
  WITHDRAWAL_EXPIRY_HOURS: 'an integer number of hours from 1 to 8760',
  PNL_RETENTION_DAYS: 'an integer number of days from 1 to 3650',
  PAYMENT_GATEWAYS:
    'a JSON array of { "type": "test", "secret" (16+ characters), "name"? } or { "type": "stripe", "webhookSecret" (16+), "apiKey"?, "apiBase"?, "name"? }',
  CORS_ORIGINS:
    'a comma-separated list of origins, each scheme://host[:port] with scheme http or https and no path (e.g. https://app.example.com)',
} as const;

type Variable = keyof typeof expected;

function urlWithProtocols(protocols: readonly string[]) {
  return z.string().refine((value) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    return protocols.includes(url.protocol) && url.hostname !== '';
  });
}

function isOrigin(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
}

function port(fallback: number) {
  return z
    .string()
    .regex(/^\d{1,5}$/)
    .transform(Number)
    .pipe(z.number().int().min(0).max(65_535))
    .default(fallback);
}

function integer(min: number, max: number, fallback: number) {
  return z
    .string()
    .regex(/^\d{1,7}$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .default(fallback);
}

const decimal = (fallback: string) =>
  z
    .string()
    .regex(/^\d{1,20}(\.\d{1,18})?$/)
    .default(fallback);

const environmentSchema = z.object({
  PORT: z
    .string()
    .regex(/^\d{1,5}$/)
    .transform(Number)
    .pipe(z.number().int().min(0).max(65_535))
    .default(8080),
  HOST: z
    .string()
    .regex(/^[^\s]+$/)
    .default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: urlWithProtocols(['postgres:', 'postgresql:']).optional(),
  REDIS_URL: urlWithProtocols(['redis:', 'rediss:']).optional(),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  PUBLIC_URL: z
    .string()
    .refine((value) => isOrigin(value.replace(/\/$/, '')))
    .transform((value) => value.replace(/\/$/, ''))
    .optional(),
  PORTAL_PORT: port(3000),
  ADMIN_PORT: port(3001),
  MASTER_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/)
    .transform((value) => Buffer.from(value, 'hex'))
    .optional(),
  SMTP_URL: urlWithProtocols(['smtp:', 'smtps:']).optional(),
  MAIL_FROM: z.string().regex(/@/).default('Tradeloom <no-reply@localhost>'),
  COOKIE_SECURE: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .default(true),
  SESSION_IDLE_MINUTES: integer(1, 10_080, 30),
  SESSION_ABSOLUTE_HOURS: integer(1, 8_760, 12),
  RATE_LIMIT_IP_PER_MINUTE: integer(1, 1_000_000, 1_200),
  TRUST_PROXY_HOPS: integer(0, 10, 0),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/)
    .default('tl'),
  DEMO_SEED: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  ENGINE_ADDRESS: z
    .string()
    .regex(/^(\d{1,5}|[^\s]+)$/)
    .transform((value) => (/^\d+$/.test(value) ? Number(value) : value))
    .optional(),
  WITHDRAWAL_ADDRESS_DELAY_HOURS: integer(0, 720, 24),
  WITHDRAWAL_FOUR_EYES_ABOVE_USDT: decimal('10000'),
  TRANSFER_2FA_ABOVE_USDT: decimal('1000'),
  DEPOSIT_EXPIRY_HOURS: integer(1, 8_760, 168),
  WITHDRAWAL_EXPIRY_HOURS: integer(1, 8_760, 72),
  PNL_RETENTION_DAYS: integer(1, 3_650, 400),
  PAYMENT_GATEWAYS: z
    .string()
    .transform((value, ctx) => {
      try {
        return JSON.parse(value) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not JSON' });
        return z.NEVER;
      }
    })
    .pipe(paymentGatewaysSchema)
    .default([]),
  CORS_ORIGINS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim().replace(/\/$/, ''))
        .filter((origin) => origin !== ''),
    )
    .pipe(z.array(z.string().refine(isOrigin)))
    .default([]),
  OIDC_PROVIDERS: z
    .string()
    .transform((value, ctx) => {
      try {
        return JSON.parse(value) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not JSON' });
        return z.NEVER;
      }
    })
    .pipe(oidcProvidersSchema)
    .default([]),
});

/** Options of `loadConfig`. */
export interface LoadConfigOptions {
  /** Directory a relative DATA_DIR is resolved against (default: the working directory). */
  cwd?: string;
}

/**
 * Reads and validates the configuration from environment variables; throws a `ConfigError` listing
 * every invalid variable. Server mode when DATABASE_URL is set (REDIS_URL then required), else embedded.
 */
export function loadConfig(env: Environment = process.env, options: LoadConfigOptions = {}): Config {
  // An empty variable (`DATABASE_URL=` in a compose file) means unset, as it does for most tools.
  const present: Partial<Record<Variable, string>> = {};
  for (const variable of Object.keys(expected) as Variable[]) {
    const value = env[variable]?.trim();
    if (value !== undefined && value !== '') present[variable] = value;
  }

  const issues = new Map<Variable, ConfigIssue>();
  const addIssue = (variable: Variable, text: string = expected[variable]): void => {
    if (!issues.has(variable)) issues.set(variable, { variable, expected: text });
  };

  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const variable = issue.path[0];
      if (typeof variable === 'string' && variable in expected) addIssue(variable as Variable);
    }
  }
  // Checked on presence, not on the parse, so a malformed DATABASE_URL still reports a missing REDIS_URL.
  if (present.DATABASE_URL !== undefined && present.REDIS_URL === undefined) {
    addIssue('REDIS_URL', `${expected.REDIS_URL}: required in server mode (DATABASE_URL is set)`);
  }
  if (present.REDIS_URL !== undefined && present.DATABASE_URL === undefined) {
    addIssue(
      'DATABASE_URL',
      `${expected.DATABASE_URL}: REDIS_URL is set, so server mode was meant; set both, or neither for embedded mode`,
    );
  }
  if (present.DATABASE_URL !== undefined && present.MASTER_KEY === undefined) {
    addIssue('MASTER_KEY', `${expected.MASTER_KEY}: required in server mode (every process must share it)`);
  }
  if (!parsed.success || issues.size > 0) {
    const order = Object.keys(expected);
    throw new ConfigError(
      [...issues.values()].sort((a, b) => order.indexOf(a.variable) - order.indexOf(b.variable)),
    );
  }

  const values = parsed.data;
  const common: CommonConfig = {
    port: values.PORT,
    host: values.HOST,
    dataDir: resolve(options.cwd ?? process.cwd(), values.DATA_DIR),
    logLevel: values.LOG_LEVEL,
    corsOrigins: values.CORS_ORIGINS,
    oidcProviders: values.OIDC_PROVIDERS,
    // Users reach the platform through the portal (it forwards /api/* to the API): mailed links,
    // passkeys and the WebSocket origin check are the portal's.
    publicUrl:
      values.PUBLIC_URL ?? `http://localhost:${values.PORTAL_PORT === 0 ? 3000 : values.PORTAL_PORT}`,
    portalPort: values.PORTAL_PORT,
    adminPort: values.ADMIN_PORT,
    masterKey: values.MASTER_KEY ?? null,
    smtpUrl: values.SMTP_URL ?? null,
    mailFrom: values.MAIL_FROM,
    cookieSecure: values.COOKIE_SECURE,
    sessionIdleMs: values.SESSION_IDLE_MINUTES * 60_000,
    sessionAbsoluteMs: values.SESSION_ABSOLUTE_HOURS * 3_600_000,
    rateLimitIpPerMinute: values.RATE_LIMIT_IP_PER_MINUTE,
    trustProxyHops: values.TRUST_PROXY_HOPS,
    // A demo admin with a printed password has no place on a production server: opt-in there.
    demoSeed: values.DEMO_SEED ?? values.DATABASE_URL === undefined,
    wallet: {
      newAddressDelayMs: values.WITHDRAWAL_ADDRESS_DELAY_HOURS * 3_600_000,
      fourEyesAboveUsdt: values.WITHDRAWAL_FOUR_EYES_ABOVE_USDT,
      transferTwoFactorAboveUsdt: values.TRANSFER_2FA_ABOVE_USDT,
      depositExpiryMs: values.DEPOSIT_EXPIRY_HOURS * 3_600_000,
      withdrawalExpiryMs: values.WITHDRAWAL_EXPIRY_HOURS * 3_600_000,
      pnlRetentionDays: values.PNL_RETENTION_DAYS,
      paymentGateways: values.PAYMENT_GATEWAYS,
    },
  };
  if (values.DATABASE_URL !== undefined && values.REDIS_URL !== undefined) {
    return {
      ...common,
      mode: 'server',
      databaseUrl: values.DATABASE_URL,
      redisUrl: values.REDIS_URL,
      redisKeyPrefix: values.REDIS_KEY_PREFIX,
      engineAddress:
        values.ENGINE_ADDRESS === undefined
          ? resolve(common.dataDir, 'engine.sock')
          : typeof values.ENGINE_ADDRESS === 'number'
            ? values.ENGINE_ADDRESS
            : resolve(options.cwd ?? process.cwd(), values.ENGINE_ADDRESS),
    };
  }
  return { ...common, mode: 'embedded', databaseUrl: null, redisUrl: null };
}
