/** The engine's wallet types, in the order the portal shows them. */
export const WALLET_TYPES = ['SPOT', 'FUNDING', 'FIAT', 'FUTURES', 'P2P', 'ECO'] as const;
export type WalletType = (typeof WALLET_TYPES)[number];

export function isWalletType(value: string): value is WalletType {
  return (WALLET_TYPES as readonly string[]).includes(value);
}
