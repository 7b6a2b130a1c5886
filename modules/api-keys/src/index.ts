import { fileURLToPath } from 'node:url';
import type { Database } from '@tradeloom/db';
import { type AuditSink, type Clock, type PlatformModule, systemClock } from '@tradeloom/kernel';
import type { SecondFactor } from './api-key.js';
import './errors.js';
import { createMemoryReplayGuard, type ReplayGuard } from './replay-guard.js';
import { ADMIN_API_KEYS_PERMISSION, registerApiKeyRoutes } from './routes.js';
import { type ApiKeysService, createApiKeysService } from './service.js';
import { createSignedRequestAuthenticator } from './signed-request-authenticator.js';

export type {
  ApiKeyAuthentication,
  ApiKeyStatus,
  ApiKeyType,
  ApiKeyView,
  CreateApiKeyInput,
  CreatedApiKey,
  SecondFactor,
} from './api-key.js';
export { API_KEY_TYPES } from './api-key.js';
export { API_KEY_ERRORS, type ApiKeyErrorCode } from './errors.js';
export { recvWindowDefaultMs, recvWindowMaxMs, type SignedParams } from './read-signed-params.js';
export { createMemoryReplayGuard, type ReplayGuard, rateLimiterReplayGuard } from './replay-guard.js';
export { ADMIN_API_KEYS_PERMISSION } from './routes.js';
export {
  type ApiKeysService,
  type KeyListFilter,
  keysPerUserMax,
  type SignedPayload,
  type SignedRequest,
} from './service.js';

/** What the api-keys module needs. */
export interface ApiKeysModuleDeps {
  database: Database;
  clock?: Clock;
  /** The platform master key (32 bytes); HMAC secrets are encrypted under a key derived from it. */
  secretKey: Buffer;
  audit: AuditSink;
  /** The identity module's second-factor checks (self-service key creation needs them). */
  secondFactor: SecondFactor;
  /**
   * Where accepted signatures are remembered against replays. Default: this process's memory, right
   * for embedded mode; with several API processes pass `rateLimiterReplayGuard(redisRateLimiter)`.
   */
  replayGuard?: ReplayGuard;
  /** How long a key stays cached per process; a revocation elsewhere takes this long to apply here. */
  keyCacheTtlMs?: number;
}

/**
 * The api-keys module: the api_keys table, the signed-request authenticator (X-MBX-APIKEY,
 * Binance's signing rules), the account routes and the admin overview.
 */
export function createApiKeysModule(deps: ApiKeysModuleDeps): {
  module: PlatformModule;
  service: ApiKeysService;
} {
  const clock = deps.clock ?? systemClock;
  const service = createApiKeysService({
    database: deps.database,
    clock,
    secretKey: deps.secretKey,
    audit: deps.audit,
    secondFactor: deps.secondFactor,
    replayGuard: deps.replayGuard ?? createMemoryReplayGuard({ clock }),
    keyCacheTtlMs: deps.keyCacheTtlMs ?? 5_000,
  });
  const module: PlatformModule = {
    name: 'api-keys',
    migrationsDir: fileURLToPath(new URL('../migrations/', import.meta.url)),
    permissions: [
      { name: ADMIN_API_KEYS_PERMISSION, description: "See every user's API keys and revoke any of them" },
    ],
    authenticators: [createSignedRequestAuthenticator(service)],
    routes: (app) => registerApiKeyRoutes(app, service),
  };
  return { module, service };
}
