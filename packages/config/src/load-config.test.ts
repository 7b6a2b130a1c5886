// Proves loadConfig's defaults, both modes, that every invalid variable is reported at once, and that
// error messages never contain the (possibly secret) values.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { loadConfig } from './load-config.js';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const server = {
  DATABASE_URL: 'postgres://tradeloom:db-pass-123@db.internal:5432/tradeloom',
  REDIS_URL: 'rediss://:redis-pass-456@cache.internal:6380/0',
  MASTER_KEY: 'ab'.repeat(32),
};

const walletDefaults = {
  newAddressDelayMs: 24 * 3_600_000,
  fourEyesAboveUsdt: '10000',
  transferTwoFactorAboveUsdt: '1000',
  depositExpiryMs: 168 * 3_600_000,
  withdrawalExpiryMs: 72 * 3_600_000,
  pnlRetentionDays: 400,
  paymentGateways: [],
};

const defaults = {
  wallet: walletDefaults,
  publicUrl: 'http://localhost:3000',
  portalPort: 3000,
  adminPort: 3001,
  masterKey: null,
  smtpUrl: null,
  mailFrom: 'Tradeloom <no-reply@localhost>',
  cookieSecure: true,
  sessionIdleMs: 30 * 60_000,
  sessionAbsoluteMs: 12 * 3_600_000,
  rateLimitIpPerMinute: 1_200,
  trustProxyHops: 0,
  demoSeed: true,
};

describe('loadConfig', () => {
  it('runs embedded with defaults when nothing is set', () => {
    expect(loadConfig({}, { cwd: '/srv/tradeloom' })).toEqual({
      mode: 'embedded',
      port: 8080,
      host: '0.0.0.0',
      dataDir: '/srv/tradeloom/data',
      databaseUrl: null,
      redisUrl: null,
      logLevel: 'info',
      corsOrigins: [],
      oidcProviders: [],
      ...defaults,
    });
  });

  it('resolves DATA_DIR against the working directory by default', () => {
    expect(loadConfig({ DATA_DIR: 'var/tl' }).dataDir).toBe(resolve('var/tl'));
    expect(loadConfig({ DATA_DIR: '/abs/dir' }).dataDir).toBe('/abs/dir');
  });

  it('treats empty variables as unset', () => {
    const config = loadConfig({ PORT: '', DATABASE_URL: ' ', REDIS_URL: '', CORS_ORIGINS: '' });
    expect(config.mode).toBe('embedded');
    expect(config.port).toBe(8080);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      ...server,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: '/var/lib/tradeloom',
      LOG_LEVEL: 'debug',
      CORS_ORIGINS: 'https://app.example.com, http://localhost:3000/ ,',
      PUBLIC_URL: 'https://exchange.example.com/',
      PORTAL_PORT: '4000',
      ADMIN_PORT: '4001',
      SMTP_URL: 'smtp://mail.internal:25',
      MAIL_FROM: 'Ex <no-reply@example.com>',
      COOKIE_SECURE: 'false',
      SESSION_IDLE_MINUTES: '15',
      SESSION_ABSOLUTE_HOURS: '8',
      RATE_LIMIT_IP_PER_MINUTE: '600',
      TRUST_PROXY_HOPS: '1',
      ENGINE_ADDRESS: '7070',
      DEMO_SEED: 'true',
      WITHDRAWAL_ADDRESS_DELAY_HOURS: '0',
      WITHDRAWAL_FOUR_EYES_ABOVE_USDT: '2500.5',
      TRANSFER_2FA_ABOVE_USDT: '0',
      DEPOSIT_EXPIRY_HOURS: '24',
      WITHDRAWAL_EXPIRY_HOURS: '12',
      PNL_RETENTION_DAYS: '30',
      PAYMENT_GATEWAYS: '[{"type":"test","secret":"gateway-secret-0123"}]',
    });
    expect(config).toEqual({
      mode: 'server',
      port: 0,
      host: '127.0.0.1',
      dataDir: '/var/lib/tradeloom',
      databaseUrl: server.DATABASE_URL,
      redisUrl: server.REDIS_URL,
      logLevel: 'debug',
      corsOrigins: ['https://app.example.com', 'http://localhost:3000'],
      oidcProviders: [],
      publicUrl: 'https://exchange.example.com',
      portalPort: 4000,
      adminPort: 4001,
      masterKey: Buffer.from(server.MASTER_KEY, 'hex'),
      smtpUrl: 'smtp://mail.internal:25',
      mailFrom: 'Ex <no-reply@example.com>',
      cookieSecure: false,
      sessionIdleMs: 15 * 60_000,
      sessionAbsoluteMs: 8 * 3_600_000,
      rateLimitIpPerMinute: 600,
      trustProxyHops: 1,
      engineAddress: 7070,
      redisKeyPrefix: 'tl',
      demoSeed: true,
      wallet: {
        newAddressDelayMs: 0,
        fourEyesAboveUsdt: '2500.5',
        transferTwoFactorAboveUsdt: '0',
        depositExpiryMs: 24 * 3_600_000,
        withdrawalExpiryMs: 12 * 3_600_000,
        pnlRetentionDays: 30,
        paymentGateways: [{ type: 'test', secret: 'gateway-secret-0123' }],
      },
    });
  });

  it('accepts postgresql:// and redis:// too', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://db/x',
      REDIS_URL: 'redis://cache',
      MASTER_KEY: server.MASTER_KEY,
    });
    expect(config.mode).toBe('server');
    // Opt-in on a server: a printed demo password must not reach production by default.
    expect(config.demoSeed).toBe(false);
  });

  it.each([
    ['PORT', 'eighty', 'an integer from 0 to 65535'],
    ['PORT', '65536', 'an integer from 0 to 65535'],
    ['PORT', '-1', 'an integer from 0 to 65535'],
    ['PORT', '80.5', 'an integer from 0 to 65535'],
    ['HOST', 'local host', 'a host name or IP address'],
    ['LOG_LEVEL', 'verbose', 'one of fatal, error, warn, info, debug, trace, silent'],
    ['WITHDRAWAL_FOUR_EYES_ABOVE_USDT', '1e5', 'a plain decimal number of USDT'],
    ['TRANSFER_2FA_ABOVE_USDT', '-1', 'a plain decimal number of USDT'],
    ['WITHDRAWAL_ADDRESS_DELAY_HOURS', '721', 'an integer number of hours from 0 to 720'],
    ['PAYMENT_GATEWAYS', '[{"type":"paypal","secret":"x"}]', 'a JSON array of'],
    ['PAYMENT_GATEWAYS', '{not json', 'a JSON array of'],
    [
      'CORS_ORIGINS',
      'https://ok.example.com,https://x.example.com/path',
      'a comma-separated list of origins',
    ],
    ['CORS_ORIGINS', '*', 'a comma-separated list of origins'],
    ['CORS_ORIGINS', 'ftp://files.example.com', 'a comma-separated list of origins'],
    ['OIDC_PROVIDERS', '{not json', 'a JSON array'],
    ['OIDC_PROVIDERS', '[{"id":"google","issuer":"https://accounts.google.com"}]', 'a JSON array'],
    [
      'OIDC_PROVIDERS',
      '[{"id":"a","issuer":"https://a.example","clientId":"c","clientSecret":"s","label":"A"},' +
        '{"id":"a","issuer":"https://b.example","clientId":"c","clientSecret":"s","label":"B"}]',
      'a JSON array',
    ],
  ])('rejects %s=%s', (variable, value, text) => {
    const error = configError({ [variable]: value });
    expect(error.issues).toEqual([{ variable, expected: expect.stringContaining(text) }]);
    expect(error.message).toContain(`${variable}: expected ${text}`);
  });

  it('reads OIDC_PROVIDERS', () => {
    const google = {
      id: 'google',
      issuer: 'https://accounts.google.com',
      clientId: 'client-id.apps.googleusercontent.com',
      clientSecret: 'google-secret',
      label: 'Google',
    };
    expect(loadConfig({ OIDC_PROVIDERS: JSON.stringify([google]) }).oidcProviders).toEqual([google]);
  });

  it('rejects a DATABASE_URL that is not a postgres URL', () => {
    const error = configError({ ...server, DATABASE_URL: 'mysql://u:p@h/db' });
    expect(error.issues.map((issue) => issue.variable)).toEqual(['DATABASE_URL']);
  });

  it('rejects a REDIS_URL that is not a redis URL', () => {
    const error = configError({ ...server, REDIS_URL: 'http://cache' });
    expect(error.issues.map((issue) => issue.variable)).toEqual(['REDIS_URL']);
  });

  it('requires REDIS_URL in server mode', () => {
    const error = configError({ DATABASE_URL: server.DATABASE_URL, MASTER_KEY: server.MASTER_KEY });
    expect(error.issues).toEqual([
      { variable: 'REDIS_URL', expected: expect.stringContaining('required in server mode') },
    ]);
  });

  it('refuses REDIS_URL without DATABASE_URL (a half-configured server)', () => {
    const error = configError({ REDIS_URL: server.REDIS_URL });
    expect(error.issues).toEqual([
      { variable: 'DATABASE_URL', expected: expect.stringContaining('set both, or neither') },
    ]);
  });

  it('lists every bad variable in one error, in a stable order', () => {
    const error = configError({
      PORT: 'x',
      HOST: 'a b',
      LOG_LEVEL: 'loud',
      DATABASE_URL: 'not a url',
      CORS_ORIGINS: 'nope',
    });
    expect(error.issues.map((issue) => issue.variable)).toEqual([
      'PORT',
      'HOST',
      'DATABASE_URL',
      'REDIS_URL',
      'LOG_LEVEL',
      'MASTER_KEY',
      'CORS_ORIGINS',
    ]);
    expect(error.message.split('\n')).toHaveLength(1 + 7);
    expect(error.name).toBe('ConfigError');
  });

  it('requires MASTER_KEY in server mode and checks its form', () => {
    const { MASTER_KEY: _omitted, ...withoutKey } = server;
    expect(configError(withoutKey).issues).toEqual([
      { variable: 'MASTER_KEY', expected: expect.stringContaining('required in server mode') },
    ]);
    expect(configError({ ...server, MASTER_KEY: 'abc' }).issues.map((issue) => issue.variable)).toEqual([
      'MASTER_KEY',
    ]);
  });

  it('never puts a value in the message', () => {
    const secrets = ['db-pass-123', 'redis-pass-456', 'hunter2', 'cors-secret'];
    const cases: Record<string, string>[] = [
      { DATABASE_URL: 'mysql://admin:db-pass-123@db/x', REDIS_URL: 'http://:redis-pass-456@cache' },
      { DATABASE_URL: 'postgres://admin:hunter2@/x', REDIS_URL: server.REDIS_URL },
      { DATABASE_URL: 'postgres://admin:db-pass-123@db/x' },
      { REDIS_URL: 'rediss://:redis-pass-456@cache' },
      { CORS_ORIGINS: 'https://user:cors-secret@app.example.com', PORT: 'hunter2', LOG_LEVEL: 'hunter2' },
    ];
    for (const env of cases) {
      const error = configError(env);
      const shown = `${error.message} ${JSON.stringify(error.issues)} ${String(error.stack)}`;
      for (const secret of secrets) expect(shown).not.toContain(secret);
    }
  });
});
