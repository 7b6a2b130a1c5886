// The verification levels. What each unlocks is enforced where the money moves: the wallet's limits
// per asset and level (/api/v1/admin/wallet/assets/:code/limits/:level) apply to a user's deposits and
// withdrawals; P2P and futures read the same level when they land.

export interface KycLevel {
  level: number;
  name: string;
  description: string;
}

export const KYC_LEVELS: readonly KycLevel[] = [
  { level: 0, name: 'Unverified', description: 'A registered account: the wallet limits of level 0.' },
  { level: 1, name: 'Basic', description: 'Name, date of birth and country.' },
  { level: 2, name: 'Identity', description: 'An identity document and a selfie.' },
  { level: 3, name: 'Enhanced', description: 'Proof of address.' },
];

export const KYC_LEVEL_MAX = 3;
