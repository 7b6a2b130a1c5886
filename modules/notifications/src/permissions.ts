import type { PermissionDefinition } from '@tradeloom/kernel';

/** Send announcements to all users or a segment. */
export const PERMISSION_ANNOUNCEMENTS = 'admin:announcements';

export const notificationPermissions: readonly PermissionDefinition[] = [
  {
    name: PERMISSION_ANNOUNCEMENTS,
    description: 'Send announcements to all users or a segment (in the app, by mail)',
  },
];
