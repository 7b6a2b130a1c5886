import type { PermissionDefinition } from '@tradeloom/kernel';

/** Create and change spot markets (grid, filters, fees, status). */
export const PERMISSION_SPOT_MARKETS = 'admin:spot.markets';

export const spotPermissions: readonly PermissionDefinition[] = [
  {
    name: PERMISSION_SPOT_MARKETS,
    description: 'Create spot markets and change their filters, fees and status',
  },
];
