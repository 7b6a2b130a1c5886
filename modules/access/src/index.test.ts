// Proves the access module over real HTTP on both drivers: its admin routes answer 401 without a
// caller, 403 without the permission, and work with it; a limited admin reaches only its own area;
// role rules surface as their error codes; the audit log lists with filters and a cursor, and verifies.
import { type StartedApi, startApi } from '@tradeloom/api/testing';
import { bothModes, type TestDatabase } from '@tradeloom/db/testing';
import { type Authenticator, newId, type PermissionDefinition, type PlatformModule } from '@tradeloom/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessService, createAccessModule } from './index.js';
import { createAccessTestDatabase } from './testing.js';

// --- Test scaffolding, not product code: there is no identity module yet. This authenticator trusts
// the x-test-user header as a cookie session would be trusted, CSRF token included, so the real access
// pipeline (401, CSRF, 403) runs in front of the routes.
const TEST_CSRF = 'test-csrf-token';
const headerAuthenticator: Authenticator = async (request) => {
  const userId = request.headers['x-test-user'];
  return typeof userId === 'string' ? { userId, method: 'session', csrfToken: TEST_CSRF } : null;
};
// Another module's admin area, to show an admin of one area cannot call another's routes.
const otherArea: PlatformModule = {
  name: 'test-area',
  authenticators: [headerAuthenticator],
  permissions: [{ name: 'admin:wallets', description: 'Manage wallets' }],
  routes: (app) => {
    app.get('/api/v1/admin/test-wallets', { config: { permission: 'admin:wallets' } }, async () => ({
      ok: true,
    }));
  },
};
// --- end of scaffolding

const CATALOG: readonly PermissionDefinition[] = [
  ...(otherArea.permissions ?? []),
  { name: 'support:tickets', description: 'Answer tickets' },
];

describe.each(bothModes)('access module over HTTP on %s', (mode) => {
  let test: TestDatabase;
  let api: StartedApi;
  let service: AccessService;
  const root = newId('usr');
  const roleManager = newId('usr');
  const auditor = newId('usr');
  const nobody = newId('usr');

  const call = (method: string, path: string, as?: string, body?: unknown): Promise<Response> =>
    fetch(`${api.url}${path}`, {
      method,
      headers: {
        ...(as === undefined ? {} : { 'x-test-user': as, 'x-csrf-token': TEST_CSRF }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    test = await createAccessTestDatabase(mode);
    const access = createAccessModule({
      database: test.database,
      permissionCatalog: () => CATALOG,
    });
    service = access.service;
    await service.ensureSystemRoles();
    await service.assignRole(root, 'super_admin', 'cli:test');
    await service.createRole({ name: 'role_manager', permissions: ['admin:roles'] }, 'cli:test');
    await service.createRole({ name: 'auditor', permissions: ['admin:audit'] }, 'cli:test');
    await service.assignRole(roleManager, 'role_manager', 'cli:test');
    await service.assignRole(auditor, 'auditor', 'cli:test');
    api = await startApi(mode, {
      test,
      engine: null,
      modules: [access.module, otherArea],
      resolvePermissions: service.resolvePermissions,
    });
  });
  afterAll(async () => {
    await api.stop();
    await test.drop();
  });

  it('answers 401 to an anonymous caller and 403 to a user without the permission', async () => {
    for (const path of ['/api/v1/admin/roles', '/api/v1/admin/permissions', '/api/v1/admin/audit']) {
      const anonymous = await call('GET', path);
      expect(anonymous.status, path).toBe(401);
      expect(await anonymous.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
      const forbidden = await call('GET', path, nobody);
      expect(forbidden.status, path).toBe(403);
      expect(await forbidden.json()).toMatchObject({ code: 'FORBIDDEN' });
    }
  });

  it('lets a limited admin reach its own area only', async () => {
    expect((await call('GET', '/api/v1/admin/roles', roleManager)).status).toBe(200);
    const audit = await call('GET', '/api/v1/admin/audit', roleManager);
    expect(audit.status).toBe(403);
    expect(await audit.json()).toMatchObject({ code: 'FORBIDDEN', details: { permission: 'admin:audit' } });
    expect((await call('GET', '/api/v1/admin/test-wallets', roleManager)).status).toBe(403);

    expect((await call('GET', '/api/v1/admin/audit', auditor)).status).toBe(200);
    expect((await call('GET', '/api/v1/admin/audit/verify', auditor)).status).toBe(200);
    expect((await call('GET', '/api/v1/admin/roles', auditor)).status).toBe(403);
    expect((await call('PUT', `/api/v1/admin/users/${auditor}/roles/admin`, auditor)).status).toBe(403);

    expect((await call('GET', '/api/v1/admin/test-wallets', root)).status).toBe(200);
  });

  it('refuses an unsafe request without the CSRF token before the permission check', async () => {
    const response = await fetch(`${api.url}/api/v1/admin/roles`, {
      method: 'POST',
      headers: { 'x-test-user': root, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'csrf_probe', permissions: [] }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'CSRF_TOKEN_INVALID' });
  });

  it('lists the permission catalog with the module’s own permissions', async () => {
    const response = await call('GET', '/api/v1/admin/permissions', roleManager);
    expect(await response.json()).toEqual({
      permissions: [
        { name: 'admin:audit', description: 'Read and verify the audit log' },
        { name: 'admin:roles', description: 'Manage roles and role assignments' },
        { name: 'admin:wallets', description: 'Manage wallets' },
        { name: 'support:tickets', description: 'Answer tickets' },
      ],
    });
  });

  it('creates, edits, grants, revokes and deletes a role', async () => {
    const created = await call('POST', '/api/v1/admin/roles', root, {
      name: 'wallet_desk',
      description: 'Wallet desk',
      permissions: ['admin:wallets'],
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      name: 'wallet_desk',
      permissions: ['admin:wallets'],
      effectivePermissions: ['admin:wallets'],
      isSystem: false,
    });
    const patched = await call('PATCH', '/api/v1/admin/roles/wallet_desk', root, {
      permissions: ['admin:wallets', 'support:*'],
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({
      description: 'Wallet desk',
      effectivePermissions: ['admin:wallets', 'support:tickets'],
    });

    const user = newId('usr');
    expect((await call('GET', '/api/v1/admin/test-wallets', user)).status).toBe(403);
    const granted = await call('PUT', `/api/v1/admin/users/${user}/roles/wallet_desk`, root);
    expect(await granted.json()).toEqual({
      userId: user,
      roles: ['wallet_desk'],
      permissions: ['admin:wallets', 'support:tickets'],
    });
    expect((await call('GET', '/api/v1/admin/test-wallets', user)).status).toBe(200);
    expect(await (await call('GET', `/api/v1/admin/users/${user}/roles`, roleManager)).json()).toMatchObject({
      roles: ['wallet_desk'],
    });

    const inUse = await call('DELETE', '/api/v1/admin/roles/wallet_desk', root);
    expect(inUse.status).toBe(409);
    expect(await inUse.json()).toMatchObject({ code: 'ACCESS_ROLE_IN_USE', details: { holders: 1 } });
    const revoked = await call('DELETE', `/api/v1/admin/users/${user}/roles/wallet_desk`, root);
    expect(await revoked.json()).toEqual({ userId: user, roles: [], permissions: [] });
    expect((await call('GET', '/api/v1/admin/test-wallets', user)).status).toBe(403);
    const deleted = await call('DELETE', '/api/v1/admin/roles/wallet_desk', root);
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    const roles = (await (await call('GET', '/api/v1/admin/roles', root)).json()) as {
      roles: { name: string }[];
    };
    expect(roles.roles.map((role) => role.name)).not.toContain('wallet_desk');
  });

  it('answers each refusal with its code and status', async () => {
    const expectError = async (response: Promise<Response>, status: number, code: string): Promise<void> => {
      const answered = await response;
      expect({ status: answered.status, body: await answered.json() }).toMatchObject({
        status,
        body: { code },
      });
    };
    await expectError(
      call('PATCH', '/api/v1/admin/roles/nope', root, { description: 'x' }),
      404,
      'ACCESS_ROLE_NOT_FOUND',
    );
    await expectError(
      call('PUT', `/api/v1/admin/users/${nobody}/roles/nope`, root),
      404,
      'ACCESS_ROLE_NOT_FOUND',
    );
    await expectError(
      call('POST', '/api/v1/admin/roles', root, { name: 'support', permissions: [] }),
      409,
      'ACCESS_ROLE_EXISTS',
    );
    await expectError(
      call('POST', '/api/v1/admin/roles', root, { name: 'typo', permissions: ['admin:walets'] }),
      400,
      'ACCESS_UNKNOWN_PERMISSION',
    );
    await expectError(
      call('POST', '/api/v1/admin/roles', root, { name: 'Bad Name', permissions: [] }),
      400,
      'VALIDATION_FAILED',
    );
    await expectError(call('DELETE', '/api/v1/admin/roles/admin', root), 409, 'ACCESS_SYSTEM_ROLE');
    await expectError(
      call('PATCH', '/api/v1/admin/roles/super_admin', root, { description: 'x' }),
      409,
      'ACCESS_SYSTEM_ROLE',
    );
    await expectError(
      call('DELETE', `/api/v1/admin/users/${root}/roles/super_admin`, root),
      409,
      'ACCESS_LAST_SUPER_ADMIN',
    );
    // role_manager holds admin:roles only: it cannot hand out more than that.
    await expectError(
      call('PUT', `/api/v1/admin/users/${roleManager}/roles/super_admin`, roleManager),
      403,
      'ACCESS_PRIVILEGE_ESCALATION',
    );
    await expectError(
      call('GET', '/api/v1/admin/audit?cursor=abc', auditor),
      400,
      'ACCESS_AUDIT_CURSOR_INVALID',
    );
    await expectError(call('GET', '/api/v1/admin/audit?limit=1000', auditor), 400, 'VALIDATION_FAILED');
  });

  it('lists audit entries newest first with filters and a cursor, and verifies the chain', async () => {
    const subject = newId('usr');
    for (const role of ['support', 'finance', 'compliance']) {
      await call('PUT', `/api/v1/admin/users/${subject}/roles/${role}`, root);
    }
    const first = await call('GET', `/api/v1/admin/audit?target=${subject}&limit=2`, auditor);
    const page1 = (await first.json()) as {
      entries: { id: string; action: string; actor: string; ip: string; after: unknown }[];
      nextCursor?: string;
    };
    expect(page1.entries.map((entry) => entry.after)).toEqual([
      { roles: ['compliance', 'finance', 'support'] },
      { roles: ['finance', 'support'] },
    ]);
    expect(page1.entries[0]).toMatchObject({ actor: root, action: 'access.role.assign', ip: '127.0.0.1' });
    expect(page1.nextCursor).toBe(page1.entries[1]?.id);
    const second = await call(
      'GET',
      `/api/v1/admin/audit?target=${subject}&limit=2&cursor=${page1.nextCursor}`,
      auditor,
    );
    const page2 = (await second.json()) as { entries: { after: unknown }[]; nextCursor?: string };
    expect(page2).toEqual({ entries: [expect.objectContaining({ after: { roles: ['support'] } })] });

    const byAction = (await (
      await call('GET', '/api/v1/admin/audit?action=access.role.*&actor=system', auditor)
    ).json()) as {
      entries: { action: string }[];
    };
    expect(byAction.entries.length).toBeGreaterThanOrEqual(6);
    expect(new Set(byAction.entries.map((entry) => entry.action))).toEqual(new Set(['access.role.create']));
    const future = await call('GET', '/api/v1/admin/audit?from=2999-01-01T00:00:00Z', auditor);
    expect(await future.json()).toEqual({ entries: [] });
    const past = (await (
      await call('GET', '/api/v1/admin/audit?to=2000-01-01T00:00:00%2B02:00', auditor)
    ).json()) as {
      entries: unknown[];
    };
    expect(past.entries).toEqual([]);

    const verify = await call('GET', '/api/v1/admin/audit/verify', auditor);
    const verification = (await verify.json()) as { ok: boolean; entries: number; headHash: string };
    expect(verification.ok).toBe(true);
    expect(verification.entries).toBeGreaterThan(10);
    expect(verification.headHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('documents its routes in the OpenAPI document', async () => {
    const document = (await (await fetch(`${api.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/api/v1/admin/') && !path.includes('test-wallets'))
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(operations).toEqual([
      'DELETE /api/v1/admin/roles/{name}',
      'DELETE /api/v1/admin/users/{userId}/roles/{role}',
      'GET /api/v1/admin/audit',
      'GET /api/v1/admin/audit/verify',
      'GET /api/v1/admin/permissions',
      'GET /api/v1/admin/roles',
      'GET /api/v1/admin/users/{userId}/roles',
      'PATCH /api/v1/admin/roles/{name}',
      'POST /api/v1/admin/roles',
      'PUT /api/v1/admin/users/{userId}/roles/{role}',
    ]);
  });
});
