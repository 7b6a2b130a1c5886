import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { acquireEmbeddedLock, composePlatform, loadMasterKey, openPlatformDatabase } from '@tradeloom/api';
import type { Config } from '@tradeloom/config';
import { type Database, migrate } from '@tradeloom/db';
import { EngineClient, EngineHost, localEngineGateway } from '@tradeloom/engine-app';
import { API_KEY_SCOPES, DomainError } from '@tradeloom/kernel';

/** Where the CLI writes: stdout for results, stderr for problems (tests capture both). */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Reads a line from stdin (a password piped in); null when stdin is a terminal or empty. */
  readStdin(): Promise<string | null>;
}

const HELP = `Usage: npm run tradeloom -- <command> [options]

Commands:
  migrate                                   apply pending database migrations
  create-admin --email <email> [--role <role>] [--password-stdin]
                                            create a verified user with a role (default super_admin);
                                            prints a generated password once unless one is piped in
  reset-2fa --user <id|email> --reason <text>
                                            remove a user's second factors (the user is mailed)
  create-api-key --user <id|email> --scopes <s1,s2> [--ip <cidr,...>] [--label <text>]
                 [--type HMAC|ED25519] [--public-key <pem|base64>] [--expires-days <n>]
                                            create an API key; prints the key and secret once
  engine-status                             engine sequence, snapshot, projection lag
  verify-audit                              check the audit log's hash chain
  help                                      this text

Every command that changes something is recorded in the audit log as cli:<os user>.
Embedded mode (no DATABASE_URL): stop the platform first; server mode works beside running processes.`;

/** Runs one CLI command; resolves with the process exit code. */
export async function runCli(argv: readonly string[], config: Config, io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help') {
    io.out(HELP);
    return command === undefined ? 1 : 0;
  }
  const actor = `cli:${userInfo().username}`;
  const { values } = parseArgs({
    args: [...rest],
    options: {
      email: { type: 'string' },
      role: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      user: { type: 'string' },
      reason: { type: 'string' },
      scopes: { type: 'string' },
      ip: { type: 'string' },
      label: { type: 'string' },
      type: { type: 'string' },
      'public-key': { type: 'string' },
      'expires-days': { type: 'string' },
    },
    strict: true,
  });
  const required = (name: keyof typeof values): string => {
    const value = values[name];
    if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required`);
    return value.trim();
  };

  // Embedded mode is one process: refuse to open the files under a running platform.
  const release = config.mode === 'embedded' ? await acquireEmbeddedLock(config.dataDir, 'cli') : null;
  const database = await openPlatformDatabase(config);
  try {
    const masterKey = await loadMasterKey(config);
    const platform = composePlatform({ config, database, masterKey, rateLimiter: null });
    try {
      const result = await migrate(database, { sources: platform.migrationSources });
      await platform.access.ensureSystemRoles();
      const findUser = async (ref: string) => {
        const user = ref.includes('@')
          ? await platform.identity.findUserByEmail(ref)
          : await platform.identity.getUser(ref);
        if (user === null) throw new UsageError(`no user ${ref}`);
        return user;
      };
      switch (command) {
        case 'migrate':
          io.out(result.applied.length === 0 ? 'up to date' : `applied ${result.applied.join(', ')}`);
          await platform.access.audit.record({
            actor,
            action: 'cli.migrate',
            after: { applied: result.applied },
          });
          return 0;
        case 'create-admin': {
          const email = required('email');
          const role = values.role ?? 'super_admin';
          const piped = values['password-stdin'] === true ? await io.readStdin() : null;
          const password = piped ?? `${randomBytes(18).toString('base64url')}`;
          const user = await platform.identity.createUser({ email, password, emailVerified: true }, actor);
          await platform.access.assignRole(user.id, role, actor);
          io.out(`created ${user.id} <${user.email}> with role ${role}`);
          if (piped === null) io.out(`password (shown once): ${password}`);
          return 0;
        }
        case 'reset-2fa': {
          const user = await findUser(required('user'));
          await platform.identity.resetTwoFactor(user.id, required('reason'), actor);
          io.out(`second factors of ${user.id} removed; the user was notified`);
          return 0;
        }
        case 'create-api-key': {
          const user = await findUser(required('user'));
          const scopes = required('scopes')
            .split(',')
            .map((s) => s.trim());
          const unknown = scopes.filter((s) => !(API_KEY_SCOPES as readonly string[]).includes(s));
          if (unknown.length > 0)
            throw new UsageError(
              `unknown scopes ${unknown.join(', ')} (known: ${API_KEY_SCOPES.join(', ')})`,
            );
          const days = values['expires-days'] === undefined ? null : Number(values['expires-days']);
          if (days !== null && (!Number.isInteger(days) || days < 1))
            throw new UsageError('--expires-days must be a positive integer');
          const type = (values.type ?? 'HMAC').toUpperCase();
          if (type !== 'HMAC' && type !== 'ED25519') throw new UsageError('--type must be HMAC or ED25519');
          const created = await platform.apiKeys.createKey(
            user.id,
            {
              label: values.label ?? 'created by operator',
              type,
              scopes,
              ipAllowList: values.ip === undefined ? [] : values.ip.split(',').map((s) => s.trim()),
              expiresAt: days === null ? null : new Date(Date.now() + days * 86_400_000),
              ...(values['public-key'] === undefined ? {} : { publicKey: values['public-key'] }),
            },
            actor,
          );
          io.out(`key id:  ${created.key.id}`);
          io.out(`api key: ${created.key.apiKey}`);
          if (created.secret !== null) io.out(`secret (shown once): ${created.secret}`);
          return 0;
        }
        case 'verify-audit': {
          const report = await platform.access.verifyAuditChain();
          io.out(
            report.ok
              ? `audit chain ok: ${report.entries} entries, head ${report.headId ?? '-'} ${report.headHash ?? ''}`
              : `audit chain BROKEN at entry ${String(report.firstBadId)}: ${JSON.stringify(report.fault)}`,
          );
          await platform.access.audit.record({
            actor,
            action: 'cli.verify-audit',
            after: { ok: report.ok, entries: report.entries },
          });
          return report.ok ? 0 : 2;
        }
        case 'engine-status': {
          const status = await engineStatus(config, database, io);
          await platform.access.audit.record({ actor, action: 'cli.engine-status', after: status });
          return 0;
        }
        default:
          throw new UsageError(`unknown command ${command}`);
      }
    } finally {
      await platform.close();
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${HELP}`);
      return 1;
    }
    if (error instanceof DomainError) {
      io.err(
        `${error.code}: ${error.message}${error.details === undefined ? '' : ` ${JSON.stringify(error.details)}`}`,
      );
      return 1;
    }
    throw error;
  } finally {
    await database.close();
    await release?.();
  }
}

class UsageError extends Error {}

/** Prints the engine's sequence, last snapshot and the projection's lag; returns the figures. */
async function engineStatus(
  config: Config,
  database: Database,
  io: CliIo,
): Promise<{ commandSeq: number; snapshotSeq: number; projectedSeq: number }> {
  const { rows } = await database.query('SELECT last_applied_seq FROM engine_projection_state WHERE id = 1');
  const projectedSeq = rows[0]?.last_applied_seq === undefined ? 0 : Number(rows[0].last_applied_seq);
  let status: { commandSeq: number; durableSeq?: number; recovery?: { snapshotSeq?: number } };
  if (config.mode === 'server') {
    const client = await EngineClient.connect(config.engineAddress);
    try {
      status = await client.query({ query: 'status' });
    } finally {
      client.close();
    }
  } else {
    const host = await EngineHost.open({ dataDir: config.dataDir, fsync: false });
    try {
      status = await localEngineGateway(host).query({ query: 'status' });
    } finally {
      await host.close();
    }
  }
  const snapshotSeq = status.recovery?.snapshotSeq ?? 0;
  io.out(`engine sequence:   ${status.commandSeq}`);
  io.out(`durable sequence:  ${status.durableSeq ?? status.commandSeq}`);
  io.out(`last snapshot at:  ${snapshotSeq}`);
  io.out(`projected up to:   ${projectedSeq} (lag ${status.commandSeq - projectedSeq})`);
  return { commandSeq: status.commandSeq, snapshotSeq, projectedSeq };
}
