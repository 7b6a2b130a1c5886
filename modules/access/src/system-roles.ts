import { PERMISSION_ADMIN_AUDIT } from './access-permissions.js';
import { ALL_PERMISSIONS } from './permission-catalog.js';

/** The role that holds every permission; it cannot be edited, deleted or left without a holder. */
export const SUPER_ADMIN = 'super_admin';

/** A role every installation has; created by ensureSystemRoles with these defaults. */
export interface SystemRoleDefinition {
  name: string;
  description: string;
  permissions: readonly string[];
}

/**
 * The system roles and their default permissions, by prefix so permissions that modules add later
 * are granted without editing the roles. Admins may edit all of them but super_admin.
 */
export const SYSTEM_ROLES: readonly SystemRoleDefinition[] = [
  {
    name: SUPER_ADMIN,
    description: 'Every permission, including managing roles',
    permissions: [ALL_PERMISSIONS],
  },
  { name: 'admin', description: 'Platform administration (admin:*)', permissions: ['admin:*'] },
  { name: 'support', description: 'Customer support (support:*)', permissions: ['support:*'] },
  {
    name: 'compliance',
    description: 'Compliance review (compliance:*) and the audit log',
    permissions: ['compliance:*', PERMISSION_ADMIN_AUDIT],
  },
  { name: 'finance', description: 'Finance operations (finance:*)', permissions: ['finance:*'] },
  { name: 'user', description: 'A registered user (user:*)', permissions: ['user:*'] },
];
