// Proves the role rules on both drivers: system roles created once, permission resolution (union,
// patterns, super_admin = everything), role CRUD with its refusals, no privilege escalation by users,
// the last super_admin kept, every change audited with before/after, and the cache's staleness bound.
import { type Database, openDatabase } from '@tradeloom/db';
import { bothModes, type TestDatabase } from '@tradeloom/db/testing';
import { DomainError, newId, type PermissionDefinition, SettableClock } from '@tradeloom/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessService, createAccessService } from './access-service.js';
import { createAccessTestDatabase } from './testing.js';

const CATALOG: readonly PermissionDefinition[] = [
  { name: 'admin:users', description: 'Manage users' },
  { name: 'admin:wallets', description: 'Manage wallets' },
  { name: 'support:tickets', description: 'Answer tickets' },
  { name: 'compliance:kyc', description: 'Review KYC' },
  { name: 'finance:payouts', description: 'Approve payouts' },
  { name: 'user:trade', description: 'Trade' },
];
const ALL = [...CATALOG.map((p) => p.name), 'admin:audit', 'admin:roles'].sort();

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error.code;
}

const sorted = (set: ReadonlySet<string>): string[] => [...set].sort();

describe.each(bothModes)('access service on %s', (mode) => {
  let test: TestDatabase;
  let database: Database;
  let service: AccessService;
  const clock = new SettableClock(Date.UTC(2024, 5, 1));
  const root = newId('usr');

  beforeAll(async () => {
    test = await createAccessTestDatabase(mode);
    database = test.database;
    service = createAccessService({ database, clock, permissionCatalog: () => CATALOG });
    await service.ensureSystemRoles();
    await service.assignRole(root, 'super_admin', 'cli:test');
  });
  afterAll(() => test.drop());

  it('creates the six system roles once, audited once, with defaults by prefix', async () => {
    await service.ensureSystemRoles();
    const roles = await service.listRoles();
    expect(roles.map((role) => [role.name, role.isSystem])).toEqual([
      ['admin', true],
      ['compliance', true],
      ['finance', true],
      ['super_admin', true],
      ['support', true],
      ['user', true],
    ]);
    const byName = new Map(roles.map((role) => [role.name, role.effectivePermissions]));
    expect(byName.get('super_admin')).toEqual(ALL);
    expect(byName.get('admin')).toEqual(['admin:audit', 'admin:roles', 'admin:users', 'admin:wallets']);
    expect(byName.get('compliance')).toEqual(['admin:audit', 'compliance:kyc']);
    expect(byName.get('support')).toEqual(['support:tickets']);
    expect(byName.get('user')).toEqual(['user:trade']);
    const created = await service.listAudit({ action: 'access.role.create', actor: 'system' });
    expect(created.entries).toHaveLength(6);
    expect(created.entries.map((entry) => entry.target).sort()).toEqual(
      ['admin', 'compliance', 'finance', 'super_admin', 'support', 'user'].map((name) => `role:${name}`),
    );
  });

  it('resolves the union of a user’s roles; super_admin holds the whole catalog', async () => {
    const user = newId('usr');
    expect(sorted(await service.resolvePermissions(user))).toEqual([]);
    await service.assignRole(user, 'support', root);
    await service.assignRole(user, 'finance', root);
    expect(sorted(await service.resolvePermissions(user))).toEqual(['finance:payouts', 'support:tickets']);
    expect(await service.rolesOf(user)).toEqual(['finance', 'support']);
    expect(sorted(await service.resolvePermissions(root))).toEqual(ALL);
  });

  it('grants permissions as the catalog has them today: new names under a pattern, none for removed names', async () => {
    const catalog: PermissionDefinition[] = [...CATALOG];
    const growing = createAccessService({ database, clock, permissionCatalog: () => catalog });
    await growing.createRole({ name: 'ops', permissions: ['admin:wallets', 'support:*'] }, 'cli:test');
    const user = newId('usr');
    await growing.assignRole(user, 'ops', 'cli:test');
    expect(sorted(await growing.resolvePermissions(user))).toEqual(['admin:wallets', 'support:tickets']);
    catalog.push({ name: 'support:refunds', description: 'Refund' });
    catalog.splice(
      catalog.findIndex((p) => p.name === 'admin:wallets'),
      1,
    );
    clock.advance(10_000);
    expect(sorted(await growing.resolvePermissions(user))).toEqual(['support:refunds', 'support:tickets']);
  });

  it('creates, edits and deletes a role, auditing each change with before and after', async () => {
    const role = await service.createRole(
      {
        name: 'desk_lead',
        description: 'Desk lead',
        permissions: ['support:*', 'admin:users', 'admin:users'],
      },
      root,
      '192.0.2.1',
    );
    expect(role).toMatchObject({
      name: 'desk_lead',
      permissions: ['admin:users', 'support:*'],
      effectivePermissions: ['admin:users', 'support:tickets'],
      isSystem: false,
    });
    const edited = await service.updateRole(
      'desk_lead',
      { permissions: ['support:tickets'] },
      root,
      '192.0.2.1',
    );
    expect(edited.effectivePermissions).toEqual(['support:tickets']);
    expect(edited.description).toBe('Desk lead');
    await service.deleteRole('desk_lead', root, '192.0.2.1');
    expect(await codeOf(service.getRole('desk_lead'))).toBe('ACCESS_ROLE_NOT_FOUND');

    const page = await service.listAudit({ target: 'role:desk_lead' });
    expect(
      page.entries.map(({ actor, action, ip, before, after }) => ({ actor, action, ip, before, after })),
    ).toEqual([
      {
        actor: root,
        action: 'access.role.delete',
        ip: '192.0.2.1',
        before: { name: 'desk_lead', description: 'Desk lead', permissions: ['support:tickets'] },
        after: null,
      },
      {
        actor: root,
        action: 'access.role.update',
        ip: '192.0.2.1',
        before: { name: 'desk_lead', description: 'Desk lead', permissions: ['admin:users', 'support:*'] },
        after: { name: 'desk_lead', description: 'Desk lead', permissions: ['support:tickets'] },
      },
      {
        actor: root,
        action: 'access.role.create',
        ip: '192.0.2.1',
        before: null,
        after: { name: 'desk_lead', description: 'Desk lead', permissions: ['admin:users', 'support:*'] },
      },
    ]);
  });

  it('refuses bad names, unknown permissions, duplicates and unknown roles', async () => {
    expect(await codeOf(service.createRole({ name: 'Bad Name', permissions: [] }, root))).toBe(
      'ACCESS_ROLE_INVALID',
    );
    expect(await codeOf(service.createRole({ name: 'x', permissions: [] }, root))).toBe(
      'ACCESS_ROLE_INVALID',
    );
    const unknown = await service
      .createRole({ name: 'typo', permissions: ['admin:userz', '*'] }, root)
      .catch((error: unknown) => error);
    expect(unknown).toMatchObject({
      code: 'ACCESS_UNKNOWN_PERMISSION',
      details: { unknown: ['*', 'admin:userz'] },
    });
    expect(await codeOf(service.createRole({ name: 'support', permissions: [] }, root))).toBe(
      'ACCESS_ROLE_EXISTS',
    );
    expect(await codeOf(service.updateRole('nope', { description: 'x' }, root))).toBe(
      'ACCESS_ROLE_NOT_FOUND',
    );
    expect(await codeOf(service.deleteRole('nope', root))).toBe('ACCESS_ROLE_NOT_FOUND');
    expect(await codeOf(service.assignRole(newId('usr'), 'nope', root))).toBe('ACCESS_ROLE_NOT_FOUND');
    expect(await codeOf(service.revokeRole(newId('usr'), 'nope', root))).toBe('ACCESS_ROLE_NOT_FOUND');
  });

  it('protects system roles: none deleted, super_admin not edited, the others editable', async () => {
    for (const name of ['super_admin', 'admin', 'user']) {
      expect(await codeOf(service.deleteRole(name, root))).toBe('ACCESS_SYSTEM_ROLE');
    }
    expect(await codeOf(service.updateRole('super_admin', { permissions: ['admin:users'] }, root))).toBe(
      'ACCESS_SYSTEM_ROLE',
    );
    const finance = await service.updateRole('finance', { permissions: ['finance:*', 'admin:audit'] }, root);
    expect(finance).toMatchObject({
      isSystem: true,
      effectivePermissions: ['admin:audit', 'finance:payouts'],
    });
  });

  it('refuses to delete a role users still hold', async () => {
    await service.createRole({ name: 'held', permissions: ['user:trade'] }, root);
    const holder = newId('usr');
    await service.assignRole(holder, 'held', root);
    expect(await codeOf(service.deleteRole('held', root))).toBe('ACCESS_ROLE_IN_USE');
    await service.revokeRole(holder, 'held', root);
    await service.deleteRole('held', root);
  });

  it('assigns and revokes idempotently, auditing only changes, and resolves the change at once', async () => {
    const user = newId('usr');
    expect(sorted(await service.resolvePermissions(user))).toEqual([]);
    expect(await service.assignRole(user, 'support', root, '192.0.2.8')).toBe(true);
    expect(await service.assignRole(user, 'support', root)).toBe(false);
    expect(sorted(await service.resolvePermissions(user))).toEqual(['support:tickets']);
    expect(await service.revokeRole(user, 'support', root, '192.0.2.8')).toBe(true);
    expect(await service.revokeRole(user, 'support', root)).toBe(false);
    expect(sorted(await service.resolvePermissions(user))).toEqual([]);
    const page = await service.listAudit({ target: user });
    expect(page.entries.map(({ action, ip, before, after }) => ({ action, ip, before, after }))).toEqual([
      { action: 'access.role.revoke', ip: '192.0.2.8', before: { roles: ['support'] }, after: { roles: [] } },
      { action: 'access.role.assign', ip: '192.0.2.8', before: { roles: [] }, after: { roles: ['support'] } },
    ]);
  });

  it("assigns inside a caller's transaction, and nothing of it stays when that rolls back", async () => {
    const user = newId('usr');
    await expect(
      database.transaction(async (tx) => {
        await service.assignRole(user, 'user', 'system', undefined, tx);
        throw new Error('user creation failed');
      }),
    ).rejects.toThrow('user creation failed');
    expect(await service.rolesOf(user)).toEqual([]);
    expect((await service.listAudit({ target: user })).entries).toEqual([]);
    await database.transaction((tx) => service.assignRole(user, 'user', 'system', undefined, tx));
    expect(await service.rolesOf(user)).toEqual(['user']);
  });

  it('keeps the last super_admin, also against two concurrent revocations', async () => {
    expect(await codeOf(service.revokeRole(root, 'super_admin', root))).toBe('ACCESS_LAST_SUPER_ADMIN');
    const other =
      mode === 'postgres' && test.url !== undefined
        ? await openDatabase({ url: test.url, poolSizeMax: 2 })
        : database;
    try {
      const otherService = createAccessService({ database: other, clock, permissionCatalog: () => CATALOG });
      // Several rounds: without serialisation the race is lost only some of the time.
      for (let round = 0; round < 5; round += 1) {
        const second = newId('usr');
        await service.assignRole(second, 'super_admin', root);
        const results = await Promise.allSettled([
          service.revokeRole(root, 'super_admin', 'cli:test'),
          otherService.revokeRole(second, 'super_admin', 'cli:test'),
        ]);
        expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
        const refused = results.find((result) => result.status === 'rejected');
        expect(refused?.status === 'rejected' && (refused.reason as DomainError).code).toBe(
          'ACCESS_LAST_SUPER_ADMIN',
        );
        const { rows } = await database.query(
          `SELECT user_id FROM user_roles WHERE role_name = 'super_admin'`,
        );
        expect(rows).toHaveLength(1);
        const survivor = rows[0]?.user_id as string;
        if (survivor !== root) {
          await service.assignRole(root, 'super_admin', 'cli:test');
          await service.revokeRole(survivor, 'super_admin', 'cli:test');
        }
      }
    } finally {
      if (other !== database) await other.close();
    }
  });

  it('lets a user actor grant, revoke or define only what it holds itself; operators anything', async () => {
    const admin = newId('usr');
    await service.assignRole(admin, 'admin', root);
    const target = newId('usr');
    const escalation = await service
      .assignRole(target, 'super_admin', admin)
      .catch((error: unknown) => error);
    expect(escalation).toMatchObject({
      code: 'ACCESS_PRIVILEGE_ESCALATION',
      details: { missing: ['compliance:kyc', 'finance:payouts', 'support:tickets', 'user:trade'] },
    });
    expect(await codeOf(service.assignRole(admin, 'support', admin))).toBe('ACCESS_PRIVILEGE_ESCALATION');
    expect(await codeOf(service.createRole({ name: 'sneaky', permissions: ['finance:*'] }, admin))).toBe(
      'ACCESS_PRIVILEGE_ESCALATION',
    );
    expect(
      await codeOf(service.updateRole('admin', { permissions: ['admin:*', 'finance:payouts'] }, admin)),
    ).toBe('ACCESS_PRIVILEGE_ESCALATION');
    // Taking a role away from someone more privileged is refused too.
    expect(await codeOf(service.revokeRole(root, 'super_admin', admin))).toBe('ACCESS_PRIVILEGE_ESCALATION');
    // Within its own permissions an admin may work: a narrower role, granted to someone.
    await service.createRole({ name: 'user_manager', permissions: ['admin:users'] }, admin);
    expect(await service.assignRole(target, 'user_manager', admin)).toBe(true);
    // An unknown kind of actor holds nothing, so it can grant nothing that carries a permission.
    expect(await codeOf(service.assignRole(target, 'admin', 'webhook:x'))).toBe(
      'ACCESS_PRIVILEGE_ESCALATION',
    );
    expect(await service.assignRole(target, 'finance', 'cli:ops')).toBe(true);
    expect(sorted(await service.resolvePermissions(admin))).toEqual([
      'admin:audit',
      'admin:roles',
      'admin:users',
      'admin:wallets',
    ]);
  });

  it('sees changes made by another process after the cache TTL at the latest', async () => {
    const local = new SettableClock(Date.UTC(2024, 6, 1));
    const processA = createAccessService({ database, clock: local, permissionCatalog: () => CATALOG });
    const processB = createAccessService({
      database,
      clock: local,
      permissionCatalog: () => CATALOG,
      permissionCacheTtlMs: 5_000,
    });
    const user = newId('usr');
    expect(sorted(await processB.resolvePermissions(user))).toEqual([]);
    await processA.assignRole(user, 'support', 'cli:test');
    expect(sorted(await processA.resolvePermissions(user))).toEqual(['support:tickets']);
    local.advance(4_999);
    expect(sorted(await processB.resolvePermissions(user))).toEqual([]);
    local.advance(1);
    expect(sorted(await processB.resolvePermissions(user))).toEqual(['support:tickets']);
    // A role edit in B's own process is seen by B at once.
    await processB.updateRole('support', { permissions: ['support:*', 'user:*'] }, 'cli:test');
    expect(sorted(await processB.resolvePermissions(user))).toEqual(['support:tickets', 'user:trade']);
    await processB.updateRole('support', { permissions: ['support:*'] }, 'cli:test');
  });

  it('leaves an audit chain that verifies after all of the above', async () => {
    const verification = await service.verifyAuditChain();
    expect(verification.ok).toBe(true);
    expect(verification.entries).toBeGreaterThan(20);
  });
});
