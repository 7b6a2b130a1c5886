import { fileURLToPath } from 'node:url';
import type { Database } from '@tradeloom/db';
import { type Clock, type PermissionDefinition, type PlatformModule, systemClock } from '@tradeloom/kernel';
import { ACCESS_PERMISSIONS } from './access-permissions.js';
import { type AccessService, createAccessService } from './access-service.js';
import { registerAuditRoutes } from './audit-routes.js';
import './errors.js';
import { registerRoleRoutes } from './role-routes.js';

/** What the access module is built from. */
export interface AccessModuleDeps {
  database: Database;
  clock?: Clock;
  /** Every installed module's permissions (this module's own are added if missing). */
  permissionCatalog: () => readonly PermissionDefinition[];
  /** How long a user's resolved permissions are reused in this process (default 5,000 ms). */
  permissionCacheTtlMs?: number;
}

/** The access module: roles and permissions, the hash-chained audit log, and their admin routes. */
export function createAccessModule(deps: AccessModuleDeps): {
  module: PlatformModule;
  service: AccessService;
} {
  const service = createAccessService({
    database: deps.database,
    clock: deps.clock ?? systemClock,
    permissionCatalog: deps.permissionCatalog,
    ...(deps.permissionCacheTtlMs === undefined ? {} : { permissionCacheTtlMs: deps.permissionCacheTtlMs }),
  });
  const module: PlatformModule = {
    name: 'access',
    migrationsDir: fileURLToPath(new URL('../migrations/', import.meta.url)),
    permissions: ACCESS_PERMISSIONS,
    routes: (app) => {
      registerRoleRoutes(app, service);
      registerAuditRoutes(app, service);
    },
  };
  return { module, service };
}

export {
  ACCESS_PERMISSIONS,
  PERMISSION_ADMIN_AUDIT,
  PERMISSION_ADMIN_ROLES,
} from './access-permissions.js';
export type {
  AccessService,
  AccessServiceOptions,
  NewRole,
  Role,
  RoleChange,
} from './access-service.js';
export { GENESIS_HASH } from './audit-hash.js';
export type { AuditEntry } from './audit-row.js';
export { ACCESS_ERRORS } from './errors.js';
export { AUDIT_PAGE_SIZE_MAX, type AuditFilter, type AuditPage } from './list-audit-entries.js';
export { isOperatorActor } from './role-rules.js';
export { SUPER_ADMIN, SYSTEM_ROLES, type SystemRoleDefinition } from './system-roles.js';
export type { AuditChainFault, AuditVerification } from './verify-audit-chain.js';
