import type { Database, Queryable } from '@tradeloom/db';
import { type AuditSink, type Clock, DomainError, type PermissionDefinition } from '@tradeloom/kernel';
import { ACCESS_PERMISSIONS } from './access-permissions.js';
import { lockAuditAppends } from './append-audit-entry.js';
import { createAuditSink, isDatabase } from './audit-log.js';
import type { AuditEntry } from './audit-row.js';
import './errors.js';
import { type AuditFilter, type AuditPage, listAuditEntries } from './list-audit-entries.js';
import { PERMISSION_CACHE_TTL_MS, PermissionCache } from './permission-cache.js';
import {
  ALL_PERMISSIONS,
  catalogOf,
  expandPermissions,
  type PermissionCatalog,
} from './permission-catalog.js';
import {
  countHolders,
  deleteRoleRow,
  deleteUserRole,
  findRole,
  insertRole,
  insertUserRole,
  listRoleRows,
  type RoleRow,
  roleNamesOf,
  rolePermissionsOf,
  updateRoleRow,
} from './role-repository.js';
import { checkDescription, checkPermissionEntries, checkRoleName, isOperatorActor } from './role-rules.js';
import { SUPER_ADMIN, SYSTEM_ROLES } from './system-roles.js';
import { type AuditVerification, VERIFY_BATCH_SIZE_MAX, verifyAuditChain } from './verify-audit-chain.js';

/** A role, with what its entries grant today. */
export interface Role extends RoleRow {
  /** The catalog permissions the role's entries expand to, sorted. */
  effectivePermissions: string[];
}

/** A new role. */
export interface NewRole {
  name: string;
  description?: string;
  /** Catalog names and prefix patterns ('support:*'). */
  permissions: readonly string[];
}

/** A change to a role: the fields given replace the stored ones. */
export interface RoleChange {
  description?: string;
  permissions?: readonly string[];
}

/** What the access module offers other modules, the API composition and the CLI. */
export interface AccessService {
  /** The hash-chained audit log, for every module to record into. */
  audit: AuditSink;
  /** The permissions a user's roles grant (cached briefly; see README). */
  resolvePermissions(userId: string): Promise<ReadonlySet<string>>;
  /** The names of a user's roles, sorted. */
  rolesOf(userId: string): Promise<string[]>;
  /** Grants a role (audited); false when the user held it already. */
  assignRole(
    userId: string,
    roleName: string,
    actor: string,
    ip?: string,
    within?: Queryable,
  ): Promise<boolean>;
  /** Takes a role away (audited); false when the user did not hold it. */
  revokeRole(userId: string, roleName: string, actor: string, ip?: string): Promise<boolean>;
  /** Creates the system roles that are missing (idempotent; each creation audited). */
  ensureSystemRoles(): Promise<void>;
  listRoles(): Promise<Role[]>;
  /** One role; ACCESS_ROLE_NOT_FOUND when there is none. */
  getRole(name: string): Promise<Role>;
  createRole(role: NewRole, actor: string, ip?: string): Promise<Role>;
  updateRole(name: string, change: RoleChange, actor: string, ip?: string): Promise<Role>;
  deleteRole(name: string, actor: string, ip?: string): Promise<void>;
  /** Every permission modules define, by name. */
  permissionCatalog(): readonly PermissionDefinition[];
  /** Walks the whole audit chain; reports the first entry that breaks it. */
  verifyAuditChain(): Promise<AuditVerification>;
  /** Audit entries, newest first. */
  listAudit(filter?: AuditFilter): Promise<AuditPage>;
}

/** What the access service is built from. */
export interface AccessServiceOptions {
  database: Database;
  clock: Clock;
  /** Every module's permissions (read on each use, so modules may be assembled after this one). */
  permissionCatalog: () => readonly PermissionDefinition[];
  /** How long a resolved permission set is reused (default 5,000 ms; 0 turns the cache off). */
  permissionCacheTtlMs?: number;
}

/** Builds the access service: roles, permission resolution and the audit log. */
export function createAccessService(options: AccessServiceOptions): AccessService {
  const { database, clock } = options;
  const audit = createAuditSink(database, clock);
  const cache = new PermissionCache(clock, options.permissionCacheTtlMs ?? PERMISSION_CACHE_TTL_MS);
  const catalog = (): PermissionCatalog => catalogOf([...ACCESS_PERMISSIONS, ...options.permissionCatalog()]);
  const nowIso = (): string => new Date(clock.nowMs()).toISOString();

  const permissionsOf = async (db: Queryable, userId: string): Promise<Set<string>> => {
    const current = catalog();
    const granted = new Set<string>();
    for (const role of await rolePermissionsOf(db, userId)) {
      const entries = role.name === SUPER_ADMIN ? [ALL_PERMISSIONS] : role.permissions;
      for (const permission of expandPermissions(entries, current)) granted.add(permission);
    }
    return granted;
  };

  const effectiveOf = (
    role: Pick<RoleRow, 'name' | 'permissions'>,
    current: PermissionCatalog,
  ): Set<string> =>
    expandPermissions(role.name === SUPER_ADMIN ? [ALL_PERMISSIONS] : role.permissions, current);

  const withEffective = (role: RoleRow, current: PermissionCatalog): Role => ({
    ...role,
    effectivePermissions: [...effectiveOf(role, current)].sort(),
  });

  /** Refuses a user actor that would hand out, take away or redefine permissions it does not hold. */
  const assertHolds = async (
    db: Queryable,
    actor: string,
    permissions: ReadonlySet<string>,
  ): Promise<void> => {
    if (isOperatorActor(actor)) return;
    const held = await permissionsOf(db, actor);
    const missing = [...permissions].filter((permission) => !held.has(permission)).sort();
    if (missing.length > 0) {
      throw new DomainError(
        'ACCESS_PRIVILEGE_ESCALATION',
        'You can only grant, revoke or edit roles whose permissions you hold yourself',
        { missing },
      );
    }
  };

  const requireRole = async (db: Queryable, name: string): Promise<RoleRow> => {
    const role = await findRole(db, name);
    if (role === undefined) {
      throw new DomainError('ACCESS_ROLE_NOT_FOUND', `No role '${name}'`, { role: name });
    }
    return role;
  };

  /** Runs a role change serialised with every other role change and audit append (one lock order). */
  const change = async <T>(within: Queryable | undefined, fn: (tx: Queryable) => Promise<T>): Promise<T> => {
    if (within !== undefined && !isDatabase(within)) {
      await lockAuditAppends(within);
      return fn(within);
    }
    return (within ?? database).transaction(async (tx) => {
      await lockAuditAppends(tx);
      return fn(tx);
    });
  };

  const snapshot = (role: Pick<RoleRow, 'name' | 'description' | 'permissions'>) => ({
    name: role.name,
    description: role.description,
    permissions: role.permissions,
  });

  return {
    audit,

    async resolvePermissions(userId) {
      const cached = cache.get(userId);
      if (cached !== undefined) return cached;
      const generation = cache.generation;
      const permissions: ReadonlySet<string> = await permissionsOf(database, userId);
      cache.set(userId, permissions, generation);
      return permissions;
    },

    rolesOf: (userId) => roleNamesOf(database, userId),

    async assignRole(userId, roleName, actor, ip, within) {
      const changed = await change(within, async (tx) => {
        const role = await requireRole(tx, roleName);
        await assertHolds(tx, actor, effectiveOf(role, catalog()));
        const before = await roleNamesOf(tx, userId);
        if (!(await insertUserRole(tx, { userId, roleName, grantedBy: actor }, nowIso()))) return false;
        const after = [...before, roleName].sort();
        await audit.record(
          {
            actor,
            action: 'access.role.assign',
            target: userId,
            ip,
            before: { roles: before },
            after: { roles: after },
          },
          tx,
        );
        return true;
      });
      // Within a caller's transaction this runs before its commit: another read may cache the old set
      // until the TTL ends. A new user's first grant (the use of `within`) has nothing cached yet.
      cache.invalidate(userId);
      return changed;
    },

    async revokeRole(userId, roleName, actor, ip) {
      const changed = await change(undefined, async (tx) => {
        const role = await requireRole(tx, roleName);
        await assertHolds(tx, actor, effectiveOf(role, catalog()));
        const before = await roleNamesOf(tx, userId);
        if (!before.includes(roleName)) return false;
        if (roleName === SUPER_ADMIN && (await countHolders(tx, SUPER_ADMIN)) <= 1) {
          throw new DomainError('ACCESS_LAST_SUPER_ADMIN', 'The last super_admin cannot lose the role');
        }
        await deleteUserRole(tx, userId, roleName);
        const after = before.filter((name) => name !== roleName);
        await audit.record(
          {
            actor,
            action: 'access.role.revoke',
            target: userId,
            ip,
            before: { roles: before },
            after: { roles: after },
          },
          tx,
        );
        return true;
      });
      cache.invalidate(userId);
      return changed;
    },

    async ensureSystemRoles() {
      await change(undefined, async (tx) => {
        for (const definition of SYSTEM_ROLES) {
          const existing = await findRole(tx, definition.name);
          if (existing === undefined) {
            const created = { ...definition, permissions: [...definition.permissions].sort() };
            await insertRole(tx, { ...created, isSystem: true }, nowIso());
            await audit.record(
              {
                actor: 'system',
                action: 'access.role.create',
                target: `role:${definition.name}`,
                after: snapshot(created),
              },
              tx,
            );
          } else if (!existing.isSystem) {
            // A role an admin created under a name that later became a system role: keep its
            // permissions (super_admin's are implied by its name), protect it from now on.
            await updateRoleRow(tx, existing.name, { ...existing, isSystem: true }, nowIso());
            await audit.record(
              {
                actor: 'system',
                action: 'access.role.update',
                target: `role:${existing.name}`,
                before: { ...snapshot(existing), isSystem: false },
                after: { ...snapshot(existing), isSystem: true },
              },
              tx,
            );
          }
        }
      });
      cache.invalidate();
    },

    async listRoles() {
      const current = catalog();
      return (await listRoleRows(database)).map((role) => withEffective(role, current));
    },

    async getRole(name) {
      return withEffective(await requireRole(database, name), catalog());
    },

    async createRole(input, actor, ip) {
      checkRoleName(input.name);
      const description = input.description ?? '';
      checkDescription(description);
      const current = catalog();
      const permissions = checkPermissionEntries(input.permissions, current);
      const created = await change(undefined, async (tx) => {
        await assertHolds(tx, actor, expandPermissions(permissions, current));
        const role = { name: input.name, description, permissions };
        if (!(await insertRole(tx, { ...role, isSystem: false }, nowIso()))) {
          throw new DomainError('ACCESS_ROLE_EXISTS', `A role '${input.name}' exists already`, {
            role: input.name,
          });
        }
        await audit.record(
          { actor, action: 'access.role.create', target: `role:${role.name}`, ip, after: snapshot(role) },
          tx,
        );
        return requireRole(tx, role.name);
      });
      return withEffective(created, current);
    },

    async updateRole(name, input, actor, ip) {
      const current = catalog();
      const permissions =
        input.permissions === undefined ? undefined : checkPermissionEntries(input.permissions, current);
      if (input.description !== undefined) checkDescription(input.description);
      const updated = await change(undefined, async (tx) => {
        const before = await requireRole(tx, name);
        if (before.name === SUPER_ADMIN) {
          throw new DomainError(
            'ACCESS_SYSTEM_ROLE',
            'super_admin holds every permission and cannot be edited',
          );
        }
        const after = {
          name,
          description: input.description ?? before.description,
          permissions: permissions ?? before.permissions,
        };
        if (after.description === before.description && sameEntries(after.permissions, before.permissions)) {
          return before;
        }
        // Both what the role granted and what it will grant: no taking away what one cannot give.
        await assertHolds(
          tx,
          actor,
          new Set([...effectiveOf(before, current), ...expandPermissions(after.permissions, current)]),
        );
        await updateRoleRow(tx, name, { ...after, isSystem: before.isSystem }, nowIso());
        await audit.record(
          {
            actor,
            action: 'access.role.update',
            target: `role:${name}`,
            ip,
            before: snapshot(before),
            after: snapshot(after),
          },
          tx,
        );
        return requireRole(tx, name);
      });
      cache.invalidate();
      return withEffective(updated, current);
    },

    async deleteRole(name, actor, ip) {
      await change(undefined, async (tx) => {
        const role = await requireRole(tx, name);
        if (role.isSystem)
          throw new DomainError('ACCESS_SYSTEM_ROLE', `'${name}' is a system role and cannot be deleted`);
        const holders = await countHolders(tx, name);
        if (holders > 0) {
          throw new DomainError('ACCESS_ROLE_IN_USE', `${holders} user(s) hold '${name}': revoke it first`, {
            holders,
          });
        }
        await assertHolds(tx, actor, effectiveOf(role, catalog()));
        await deleteRoleRow(tx, name);
        await audit.record(
          { actor, action: 'access.role.delete', target: `role:${name}`, ip, before: snapshot(role) },
          tx,
        );
      });
      cache.invalidate();
    },

    permissionCatalog: () => catalog().definitions,

    verifyAuditChain: () => verifyAuditChain(database, VERIFY_BATCH_SIZE_MAX),

    listAudit: (filter = {}) => listAuditEntries(database, filter),
  };
}

function sameEntries(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((entry, index) => entry === b[index]);
}

export type { AuditEntry, AuditFilter, AuditPage, AuditVerification };
