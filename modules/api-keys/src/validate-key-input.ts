import { API_KEY_SCOPES, type ApiKeyScope, DomainError } from '@tradeloom/kernel';
import { API_KEY_TYPES, type ApiKeyType, type CreateApiKeyInput } from './api-key.js';
import { normalizeEd25519PublicKey } from './ed25519-public-key.js';
import './errors.js';
import { normalizeIpAllowList } from './ip-allow-list.js';

/** The longest label, in characters. */
export const labelLengthMax = 64;

/** A key request, checked and in the form it is stored. */
export interface ValidKeyInput {
  label: string;
  type: ApiKeyType;
  scopes: ApiKeyScope[];
  ipAllowList: string[];
  expiresAt: string | null;
  publicKeyPem: string | null;
}

/**
 * Checks a key request against the rules every path shares (HTTP and CLI): a label, known scopes,
 * a valid allow-list (required with 'withdraw'), a future expiry, and a public key exactly for
 * Ed25519 keys.
 */
export function validateKeyInput(input: CreateApiKeyInput, nowMs: number): ValidKeyInput {
  const label = input.label.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  if (label.length === 0 || label.length > labelLengthMax || /[\u0000-\u001f\u007f]/.test(label)) {
    throw new DomainError(
      'API_KEY_LABEL_INVALID',
      `The label must be 1 to ${labelLengthMax} printable characters`,
      { labelLengthMax },
    );
  }
  if (!(API_KEY_TYPES as readonly string[]).includes(input.type)) {
    throw new DomainError('VALIDATION_FAILED', `The key type must be one of ${API_KEY_TYPES.join(', ')}`);
  }

  if (input.scopes.length === 0) {
    throw new DomainError('API_KEY_SCOPES_REQUIRED', 'Give the key at least one scope', {
      known: API_KEY_SCOPES,
    });
  }
  const unknown = input.scopes.filter((scope) => !(API_KEY_SCOPES as readonly string[]).includes(scope));
  if (unknown.length > 0) {
    throw new DomainError('API_KEY_SCOPE_UNKNOWN', `Unknown scope: ${unknown.join(', ')}`, {
      unknown,
      known: API_KEY_SCOPES,
    });
  }
  const scopes = API_KEY_SCOPES.filter((scope) => input.scopes.includes(scope));

  const ipAllowList = normalizeIpAllowList(input.ipAllowList ?? []);
  if (scopes.includes('withdraw') && ipAllowList.length === 0) {
    throw new DomainError(
      'API_KEY_IP_ALLOW_LIST_REQUIRED',
      "A key with the 'withdraw' scope needs an IP allow-list: list the addresses your bot withdraws from",
    );
  }

  let expiresAt: string | null = null;
  if (input.expiresAt !== undefined && input.expiresAt !== null) {
    const ms = input.expiresAt.getTime();
    if (!Number.isFinite(ms) || ms <= nowMs) {
      throw new DomainError('API_KEY_EXPIRY_INVALID', 'The expiry must be a time in the future');
    }
    expiresAt = input.expiresAt.toISOString();
  }

  let publicKeyPem: string | null = null;
  if (input.type === 'ED25519') {
    if (input.publicKey === undefined || input.publicKey.trim() === '') {
      throw new DomainError('API_KEY_PUBLIC_KEY_INVALID', 'An Ed25519 key needs your public key (PEM)');
    }
    publicKeyPem = normalizeEd25519PublicKey(input.publicKey);
  } else if (input.publicKey !== undefined) {
    throw new DomainError(
      'API_KEY_PUBLIC_KEY_INVALID',
      'HMAC keys take no public key (the secret is generated); choose type ED25519 to bring your own key',
    );
  }
  return { label, type: input.type, scopes, ipAllowList, expiresAt, publicKeyPem };
}
