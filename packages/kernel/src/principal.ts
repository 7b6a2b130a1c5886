/** How a request proved who it is. */
export type AuthMethod = 'session' | 'apiKey';

/** API-key scopes: what a key may be used for, on top of its owner's permissions. */
export const API_KEY_SCOPES = [
  'read',
  'spot_trade',
  'futures_trade',
  'withdraw',
  'transfer',
  'deposit_address',
] as const;

/** One API-key scope. */
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** What an authenticator established about a request, before permissions are resolved. */
export interface Authentication {
  userId: string;
  method: AuthMethod;
  /** The session row's id (method 'session'). */
  sessionId?: string;
  /** The token a cookie-authenticated unsafe request must echo in X-CSRF-Token (method 'session'). */
  csrfToken?: string;
  /** The key's id and scopes (method 'apiKey'). */
  apiKeyId?: string;
  scopes?: readonly ApiKeyScope[];
}

/** The authenticated caller of a request, with the permissions its roles grant. */
export interface Principal extends Authentication {
  permissions: ReadonlySet<string>;
}

/**
 * Looks at a request and says who sent it: null when the request carries no credential of its
 * kind; throws a DomainError (401) when it carries one that is invalid, expired or replayed.
 */
export type Authenticator = (request: import('fastify').FastifyRequest) => Promise<Authentication | null>;

declare module 'fastify' {
  interface FastifyRequest {
    /** Who sent the request; null on a public route called anonymously. */
    principal: import('./principal.js').Principal | null;
    /**
     * The body exactly as received, for signature checks (signed API-key requests): set for JSON
     * and form bodies, null when the request has none.
     */
    rawBody: string | null;
  }
}
