import type { PermissionDefinition } from '@tradeloom/kernel';

/** Manage roles and who holds them. */
export const PERMISSION_ADMIN_ROLES = 'admin:roles';
/** Read and verify the audit log. */
export const PERMISSION_ADMIN_AUDIT = 'admin:audit';

/** The permissions the access module's routes check. */
export const ACCESS_PERMISSIONS: readonly PermissionDefinition[] = [
  { name: PERMISSION_ADMIN_ROLES, description: 'Manage roles and role assignments' },
  { name: PERMISSION_ADMIN_AUDIT, description: 'Read and verify the audit log' },
];
