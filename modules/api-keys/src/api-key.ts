import type { ApiKeyScope } from '@tradeloom/kernel';

/** How a key signs: a shared secret (HMAC-SHA256) or the user's own Ed25519 key pair. */
export type ApiKeyType = 'HMAC' | 'ED25519';

/** The key types, in the order the API documents them. */
export const API_KEY_TYPES = ['HMAC', 'ED25519'] as const satisfies readonly ApiKeyType[];

/** 'active', or why the key no longer works. */
export type ApiKeyStatus = 'active' | 'expired' | 'revoked';

/** A key as its owner sees it: never the secret. */
export interface ApiKeyView {
  id: string;
  userId: string;
  label: string;
  type: ApiKeyType;
  /** The public identifier sent in X-MBX-APIKEY. */
  apiKey: string;
  /** Ed25519 keys: the public key (PEM); null for HMAC. */
  publicKey: string | null;
  scopes: ApiKeyScope[];
  /** Canonical addresses and CIDR ranges; empty means any IP. */
  ipAllowList: string[];
  /** ISO 8601 timestamps. */
  expiresAt: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  revokedAt: string | null;
  status: ApiKeyStatus;
}

/** What a new key is made of. */
export interface CreateApiKeyInput {
  label: string;
  type: ApiKeyType;
  /** Scopes from API_KEY_SCOPES; at least one. */
  scopes: readonly string[];
  /** Addresses and CIDR ranges (IPv4, IPv6); required with the 'withdraw' scope. */
  ipAllowList?: readonly string[];
  expiresAt?: Date | null;
  /** ED25519 only: the public key (PEM, or its 32 bytes in base64 or hex). */
  publicKey?: string;
}

/** A new key; `secret` (HMAC only) is shown this once and never stored in the clear. */
export interface CreatedApiKey {
  key: ApiKeyView;
  secret: string | null;
}

/** Who a verified signed request comes from. */
export interface ApiKeyAuthentication {
  userId: string;
  apiKeyId: string;
  scopes: readonly ApiKeyScope[];
}

/** The second-factor checks of the identity module that self-service key creation needs. */
export interface SecondFactor {
  /** Throws a DomainError when the code is wrong (a TOTP code is accepted once only). */
  verifySecondFactor(userId: string, code: string): Promise<void>;
  hasSecondFactor(userId: string): Promise<boolean>;
}
