import type { Database } from '@tradeloom/db';
import { type AuditSink, type Clock, DomainError, newId } from '@tradeloom/kernel';
import type {
  ApiKeyAuthentication,
  ApiKeyView,
  CreateApiKeyInput,
  CreatedApiKey,
  SecondFactor,
} from './api-key.js';
import { importEd25519PublicKey } from './ed25519-public-key.js';
import './errors.js';
import { generateCredential, isCredentialShaped } from './generate-credential.js';
import { compileIpAllowList } from './ip-allow-list.js';
import { KeyCache, type LoadedKey } from './key-cache.js';
import { readSignedParams, type SignedParams, type SignedRequestText } from './read-signed-params.js';
import type { ReplayGuard } from './replay-guard.js';
import * as repository from './repository.js';
import { createSecretBox } from './secret-box.js';
import { ed25519Verifier, hmacVerifier, type SignatureVerifier } from './signature-verifier.js';
import { type ValidKeyInput, validateKeyInput } from './validate-key-input.js';

/** Keys that still work (not revoked, not expired) a user may hold at once. */
export const keysPerUserMax = 30;
/** A signed request may be stamped at most this far ahead of the server clock (Binance: 1 s). */
export const timestampAheadMaxMs = 1_000;
/** last_used_at/ip are written at most this often per key and process (unless the IP changes). */
export const lastUsedWriteIntervalMs = 60_000;

/** A signed HTTP request: the X-MBX-APIKEY header, its parameters as sent, and the client IP. */
export interface SignedRequest extends SignedRequestText {
  apiKey: string;
  ip: string;
  /**
   * What the request asks for ('GET /api/v3/account'): the replay guard remembers signatures per
   * target, since a Binance signature covers the parameters only and a client may send the same
   * parameters to two endpoints in the same millisecond.
   */
  target?: string;
}

/** A signed payload whose parameters were already read (the WebSocket API signs its own way). */
export interface SignedPayload {
  apiKey: string;
  ip: string;
  payload: string;
  signature: string;
  timestampMs: number;
  recvWindowMs: number;
  /** As SignedRequest.target ('ws-api order.place'). */
  target?: string;
}

interface UsableKey {
  key: LoadedKey;
  verify: SignatureVerifier;
}

/** The admin overview's filter. */
export interface KeyListFilter {
  userId?: string;
  /** At most 200 (default 50). */
  limit?: number;
  offset?: number;
}

/** API keys: create, list, revoke, and authenticate the requests they sign. */
export interface ApiKeysService {
  /**
   * Creates a key for `userId` on an operator's behalf (CLI, admin tooling): no second factor,
   * audited as `actor`. A user's own key goes through `createOwnKey`.
   */
  createKey(userId: string, input: CreateApiKeyInput, actor: string, ip?: string): Promise<CreatedApiKey>;
  /** Creates a user's own key: needs their second factor enrolled, and its code. */
  createOwnKey(
    userId: string,
    input: CreateApiKeyInput,
    twoFactorCode: string,
    ip?: string,
  ): Promise<CreatedApiKey>;
  /** A user's keys, newest first (never secrets). */
  listKeys(userId: string): Promise<ApiKeyView[]>;
  /** Revokes one of the user's keys; another user's key is API_KEY_NOT_FOUND. Idempotent. */
  revokeKey(userId: string, keyId: string, actor: string, ip?: string): Promise<ApiKeyView>;
  /** Every user's keys (admin overview). */
  listAllKeys(filter?: KeyListFilter): Promise<ApiKeyView[]>;
  /** Revokes any user's key (admin, support). */
  revokeAnyKey(keyId: string, actor: string, ip?: string): Promise<ApiKeyView>;
  /** Verifies a Binance-style signed HTTP request and says whose key signed it. */
  authenticateSignedRequest(request: SignedRequest): Promise<ApiKeyAuthentication>;
  /** Verifies a signature over a payload built by the caller (same checks as signed requests). */
  authenticateSignedPayload(request: SignedPayload): Promise<ApiKeyAuthentication>;
}

/** What the service is built from. */
export interface ApiKeysServiceDeps {
  database: Database;
  clock: Clock;
  secretKey: Buffer;
  audit: AuditSink;
  secondFactor: SecondFactor;
  replayGuard: ReplayGuard;
  keyCacheTtlMs: number;
}

/** The api-keys service over its table. */
export function createApiKeysService(deps: ApiKeysServiceDeps): ApiKeysService {
  const { database, clock, audit } = deps;
  const box = createSecretBox(deps.secretKey);
  const isoNow = () => new Date(clock.nowMs()).toISOString();

  async function loadKey(apiKey: string): Promise<LoadedKey | null> {
    const row = await repository.findKeyByApiKey(database, apiKey);
    if (row === null) return null;
    const revoked = row.revokedAt !== null;
    let verify: LoadedKey['verify'] = null;
    if (!revoked) {
      if (row.type === 'HMAC') {
        if (row.secretCiphertext === null) throw new Error(`api-keys: HMAC key ${row.id} has no secret`);
        verify = hmacVerifier(box.open(row.secretCiphertext, row.id));
      } else {
        if (row.publicKey === null) throw new Error(`api-keys: Ed25519 key ${row.id} has no public key`);
        verify = ed25519Verifier(importEd25519PublicKey(row.publicKey));
      }
    }
    return {
      id: row.id,
      userId: row.userId,
      apiKey: row.apiKey,
      scopes: row.scopes,
      expiresAtMs: row.expiresAt === null ? null : Date.parse(row.expiresAt),
      revoked,
      allows: compileIpAllowList(row.ipAllowList),
      verify,
      lastUsedAtMs: row.lastUsedAt === null ? null : Date.parse(row.lastUsedAt),
      lastUsedIp: row.lastUsedIp,
    };
  }
  const cache = new KeyCache(loadKey, clock, deps.keyCacheTtlMs, 100_000);

  async function insert(userId: string, valid: ValidKeyInput, actor: string, ip: string | undefined) {
    const id = newId('key');
    const secret = valid.type === 'HMAC' ? generateCredential() : null;
    const key = await database.transaction(async (tx) => {
      const createdAt = isoNow();
      await repository.lockUserKeys(tx, userId);
      if ((await repository.countUsableKeys(tx, userId, createdAt)) >= keysPerUserMax) throw limitReached();
      const row = await repository.insertKey(tx, {
        id,
        userId,
        label: valid.label,
        type: valid.type,
        apiKey: generateCredential(),
        secretCiphertext: secret === null ? null : box.seal(secret, id),
        publicKey: valid.publicKeyPem,
        scopes: valid.scopes,
        ipAllowList: valid.ipAllowList,
        expiresAt: valid.expiresAt,
        createdAt,
        createdBy: actor,
      });
      // What an auditor needs to see what the key may do; never the secret, the public identifier
      // or the public key.
      await audit.record(
        {
          actor,
          action: 'api-keys.key.create',
          target: id,
          ...(ip === undefined ? {} : { ip }),
          after: {
            userId,
            label: valid.label,
            type: valid.type,
            scopes: valid.scopes,
            ipAllowList: valid.ipAllowList,
            expiresAt: valid.expiresAt,
          },
        },
        tx,
      );
      return row;
    });
    return { key: repository.viewOf(key, clock.nowMs()), secret };
  }

  async function revoke(
    row: repository.ApiKeyRow,
    actor: string,
    ip: string | undefined,
  ): Promise<ApiKeyView> {
    const view = await database.transaction(async (tx) => {
      const current = await repository.findKeyForUpdate(tx, row.id);
      if (current === null) throw notFound();
      if (current.revokedAt !== null) return repository.viewOf(current, clock.nowMs());
      const revoked = await repository.markRevoked(tx, row.id, isoNow(), actor);
      await audit.record(
        {
          actor,
          action: 'api-keys.key.revoke',
          target: row.id,
          ...(ip === undefined ? {} : { ip }),
          before: { userId: row.userId, label: row.label, revokedAt: null },
          after: { userId: row.userId, label: row.label, revokedAt: revoked.revokedAt },
        },
        tx,
      );
      return repository.viewOf(revoked, clock.nowMs());
    });
    // After the commit: a request racing the revocation cannot reload and cache the key as usable.
    cache.forget(row.apiKey);
    return view;
  }

  async function usableKey(apiKey: string, nowMs: number): Promise<UsableKey> {
    if (!isCredentialShaped(apiKey)) throw invalidKey();
    const key = await cache.get(apiKey);
    if (key === null) throw invalidKey();
    const verify = key.verify;
    if (key.revoked || verify === null) throw new DomainError('API_KEY_REVOKED', 'This API key was revoked');
    if (key.expiresAtMs !== null && key.expiresAtMs <= nowMs) {
      throw new DomainError('API_KEY_EXPIRED', 'This API key has expired');
    }
    return { key, verify };
  }

  async function authenticate(
    { key, verify }: UsableKey,
    signed: SignedParams,
    ip: string,
    nowMs: number,
    target: string,
  ): Promise<ApiKeyAuthentication> {
    // Binance's rule: timestamp < serverTime + 1000 and serverTime - timestamp <= recvWindow.
    if (
      !(signed.timestampMs < nowMs + timestampAheadMaxMs && nowMs - signed.timestampMs <= signed.recvWindowMs)
    ) {
      throw new DomainError(
        'API_KEY_TIMESTAMP_OUTSIDE_WINDOW',
        "The request's timestamp is outside the receive window: sync your clock (GET /api/v1/time)",
        { serverTime: nowMs, recvWindow: signed.recvWindowMs },
      );
    }
    const canonicalSignature = verify(signed.payload, signed.signature);
    if (canonicalSignature === null) {
      throw new DomainError('API_KEY_SIGNATURE_INVALID', 'The signature does not match the request');
    }
    // After the signature: only the key's holder learns that the IP is not allowed.
    if (!key.allows(ip)) {
      throw new DomainError('API_KEY_IP_NOT_ALLOWED', "This IP address is not in the API key's allow-list", {
        ip,
      });
    }
    // The longest a signature stays acceptable: from 1 s before its timestamp to recvWindow after.
    const lifetimeMs = Math.ceil(signed.recvWindowMs) + timestampAheadMaxMs;
    if (!(await deps.replayGuard.firstUse(`${key.id}:${target}:${canonicalSignature}`, lifetimeMs))) {
      throw new DomainError(
        'API_KEY_REPLAYED',
        'This signed request was already received: sign each request anew',
      );
    }
    await noteUse(key, nowMs, ip);
    return { userId: key.userId, apiKeyId: key.id, scopes: key.scopes };
  }

  // Mutates the cached key: its throttle state lives as long as the cache entry.
  async function noteUse(key: LoadedKey, nowMs: number, ip: string): Promise<void> {
    const since = key.lastUsedAtMs === null ? Number.POSITIVE_INFINITY : nowMs - key.lastUsedAtMs;
    if (since < lastUsedWriteIntervalMs && (key.lastUsedIp === ip || since < 1_000)) return;
    key.lastUsedAtMs = nowMs;
    key.lastUsedIp = ip;
    await repository.recordUse(database, key.id, new Date(nowMs).toISOString(), ip);
  }

  return {
    async createKey(userId, input, actor, ip) {
      if (actor === userId) {
        throw new Error('api-keys: a user creates their own key with createOwnKey (second factor required)');
      }
      return insert(userId, validateKeyInput(input, clock.nowMs()), actor, ip);
    },

    async createOwnKey(userId, input, twoFactorCode, ip) {
      if (!(await deps.secondFactor.hasSecondFactor(userId))) {
        throw new DomainError(
          'API_KEY_TWO_FACTOR_REQUIRED',
          'Enable two-factor authentication before creating API keys',
        );
      }
      // Checked before the code is spent: a TOTP code works once, a rejected form must not burn it.
      const valid = validateKeyInput(input, clock.nowMs());
      if ((await repository.countUsableKeys(database, userId, isoNow())) >= keysPerUserMax)
        throw limitReached();
      await deps.secondFactor.verifySecondFactor(userId, twoFactorCode);
      return insert(userId, valid, userId, ip);
    },

    async listKeys(userId) {
      const nowMs = clock.nowMs();
      return (await repository.listKeysOfUser(database, userId)).map((row) => repository.viewOf(row, nowMs));
    },

    async revokeKey(userId, keyId, actor, ip) {
      const row = await repository.findKeyForUpdate(database, keyId);
      if (row === null || row.userId !== userId) throw notFound();
      return revoke(row, actor, ip);
    },

    async listAllKeys(filter = {}) {
      const nowMs = clock.nowMs();
      const rows = await repository.listAllKeys(database, {
        userId: filter.userId ?? null,
        limit: Math.min(Math.max(filter.limit ?? 50, 1), 200),
        offset: Math.max(filter.offset ?? 0, 0),
      });
      return rows.map((row) => repository.viewOf(row, nowMs));
    },

    async revokeAnyKey(keyId, actor, ip) {
      const row = await repository.findKeyForUpdate(database, keyId);
      if (row === null) throw notFound();
      return revoke(row, actor, ip);
    },

    async authenticateSignedRequest(request) {
      const nowMs = clock.nowMs();
      // The key first: a request without a working key learns nothing about its parameters.
      const usable = await usableKey(request.apiKey, nowMs);
      return authenticate(usable, readSignedParams(request), request.ip, nowMs, request.target ?? '');
    },

    async authenticateSignedPayload(request) {
      const nowMs = clock.nowMs();
      return authenticate(
        await usableKey(request.apiKey, nowMs),
        request,
        request.ip,
        nowMs,
        request.target ?? '',
      );
    },
  };
}

function invalidKey(): DomainError {
  return new DomainError('API_KEY_INVALID', 'Invalid API key (X-MBX-APIKEY)');
}

function notFound(): DomainError {
  return new DomainError('API_KEY_NOT_FOUND', 'No such API key');
}

function limitReached(): DomainError {
  return new DomainError(
    'API_KEY_LIMIT_REACHED',
    `You already have ${keysPerUserMax} API keys: revoke one to create another`,
    { keysPerUserMax },
  );
}
