// Test support for this module's own tests (not exported). Two parts are SCAFFOLDING, standing in
// for the identity module, which is being built concurrently; the lead replaces them with identity's
// session authenticator and `identityService.verifySecondFactor/hasSecondFactor` when it lands:
//   - scaffoldSessionModule: a header-based "signed-in user" (x-scaffold-user) with a fixed CSRF token;
//   - ScaffoldSecondFactor: 2FA enrolment as a set of user ids, one fixed valid code.
// Everything else is real: the access module (audit log, roles), the database, the HTTP server.
import { fileURLToPath } from 'node:url';
import { createAccessModule } from '@tradeloom/access';
import { accessMigrationSource } from '@tradeloom/access/testing';
import { type StartedApi, startApi } from '@tradeloom/api/testing';
import { type DatabaseKind, defaultMigrationsDir } from '@tradeloom/db';
import { createTestDatabase, type TestDatabase } from '@tradeloom/db/testing';
import {
  type ApiApp,
  type Authenticator,
  type Clock,
  DomainError,
  defineErrorCodes,
  type PlatformModule,
} from '@tradeloom/kernel';
import type { SecondFactor } from './api-key.js';
import { type ApiKeysModuleDeps, createApiKeysModule } from './index.js';
import type { ApiKeysService } from './service.js';

defineErrorCodes({ SCAFFOLD_TWO_FACTOR_CODE_INVALID: 401 });

/** SCAFFOLDING: the one code the stand-in second factor accepts. */
export const SCAFFOLD_TWO_FACTOR_CODE = '246810';
/** SCAFFOLDING: the CSRF token of every stand-in session. */
export const SCAFFOLD_CSRF_TOKEN = 'scaffold-csrf-token';

/** SCAFFOLDING for identity's second factor: enrolled users accept SCAFFOLD_TWO_FACTOR_CODE. */
export class ScaffoldSecondFactor implements SecondFactor {
  readonly enrolled = new Set<string>();
  readonly verified: string[] = [];
  async hasSecondFactor(userId: string): Promise<boolean> {
    return this.enrolled.has(userId);
  }
  async verifySecondFactor(userId: string, code: string): Promise<void> {
    if (!this.enrolled.has(userId) || code !== SCAFFOLD_TWO_FACTOR_CODE) {
      throw new DomainError('SCAFFOLD_TWO_FACTOR_CODE_INVALID', 'Wrong two-factor code');
    }
    this.verified.push(userId);
  }
}

// SCAFFOLDING for identity's session cookie: the header names the signed-in user.
const scaffoldSessionAuthenticator: Authenticator = async (request) => {
  const userId = request.headers['x-scaffold-user'];
  if (typeof userId !== 'string') return null;
  return { userId, method: 'session', sessionId: 'ses_scaffold', csrfToken: SCAFFOLD_CSRF_TOKEN };
};

/** SCAFFOLDING: a module contributing the stand-in session authenticator. */
export const scaffoldSessionModule: PlatformModule = {
  name: 'scaffold-session',
  authenticators: [scaffoldSessionAuthenticator],
};

/** Headers of a stand-in session request (with the CSRF token unsafe methods need). */
export function sessionHeaders(userId: string): Record<string, string> {
  return { 'x-scaffold-user': userId, 'x-csrf-token': SCAFFOLD_CSRF_TOKEN };
}

/** The api-keys migrations, for a test database. */
export const apiKeysMigrationSource = {
  module: 'api-keys',
  dir: fileURLToPath(new URL('../migrations/', import.meta.url)),
};

/** A test database with the platform's, access's and this module's migrations. */
export function createApiKeysTestDatabase(mode: DatabaseKind): Promise<TestDatabase> {
  return createTestDatabase(mode, {
    migrate: { sources: [{ dir: defaultMigrationsDir }, accessMigrationSource, apiKeysMigrationSource] },
  });
}

/** The real access module and this module over one database, with the stand-in second factor. */
export function createModules(
  test: TestDatabase,
  options: { clock?: Clock; keyCacheTtlMs?: number; replayGuard?: ApiKeysModuleDeps['replayGuard'] } = {},
) {
  const secondFactor = new ScaffoldSecondFactor();
  let apiKeysModule: PlatformModule | undefined;
  const access = createAccessModule({
    database: test.database,
    permissionCatalog: () => apiKeysModule?.permissions ?? [],
    permissionCacheTtlMs: 0,
  });
  const apiKeys = createApiKeysModule({
    database: test.database,
    secretKey: Buffer.alloc(32, 7),
    audit: access.service.audit,
    secondFactor,
    ...options,
  });
  apiKeysModule = apiKeys.module;
  return { access, apiKeys, secondFactor };
}

/** A running API with the modules, and what tests reach into. */
export interface ApiKeysTestbed {
  api: StartedApi;
  test: TestDatabase;
  service: ApiKeysService;
  secondFactor: ScaffoldSecondFactor;
  access: ReturnType<typeof createAccessModule>['service'];
  stop(): Promise<void>;
}

/** Starts the API (no engine) over a fresh database with access, api-keys and the stand-in session. */
export async function startTestbed(
  mode: DatabaseKind,
  options: { clock?: Clock; keyCacheTtlMs?: number; mount?: (app: ApiApp) => void } = {},
): Promise<ApiKeysTestbed> {
  const test = await createApiKeysTestDatabase(mode);
  const { access, apiKeys, secondFactor } = createModules(test, options);
  await access.service.ensureSystemRoles();
  const api = await startApi(mode, {
    test,
    engine: null,
    modules: [scaffoldSessionModule, access.module, apiKeys.module],
    resolvePermissions: (userId) => access.service.resolvePermissions(userId),
    ...(options.mount === undefined ? {} : { mount: options.mount }),
  });
  return {
    api,
    test,
    service: apiKeys.service,
    secondFactor,
    access: access.service,
    stop: async () => {
      await api.stop();
      await test.drop();
    },
  };
}
