import type { PermissionDefinition } from '@tradeloom/kernel';

/** Currencies, networks, limits and deposit methods. */
export const PERMISSION_WALLET_ASSETS = 'admin:wallet.assets';
/** See and decide deposits (approve credits the user through the engine). */
export const PERMISSION_FINANCE_DEPOSITS = 'finance:deposits';
/** See and decide withdrawals (approve, reject, mark paid). */
export const PERMISSION_FINANCE_WITHDRAWALS = 'finance:withdrawals';
/** Ledger reconciliation, alerts and every user's history. */
export const PERMISSION_FINANCE_LEDGER = 'finance:ledger';

export const walletPermissions: readonly PermissionDefinition[] = [
  { name: PERMISSION_WALLET_ASSETS, description: 'Manage currencies, networks, limits and deposit methods' },
  { name: PERMISSION_FINANCE_DEPOSITS, description: 'Review deposits: approve (credits the user) or reject' },
  {
    name: PERMISSION_FINANCE_WITHDRAWALS,
    description: 'Review withdrawals: approve, reject, complete; large ones need a second admin',
  },
  {
    name: PERMISSION_FINANCE_LEDGER,
    description: "Ledger reconciliation, alerts and any user's wallet history",
  },
];
