import { DomainError } from '@tradeloom/kernel';
import * as client from 'openid-client';
import './errors.js';
import { findIdentityOwner, finishExternalLogin, linkIdentity } from './federated-login.js';
import type { IdentityContext, RequestContext } from './identity-context.js';
import type { OidcProviderConfig } from './identity-options.js';
import type { LoginResult } from './log-in.js';
import { normalizeEmail } from './normalize-email.js';
import { audit } from './notify.js';
import { insertUser, isUniqueViolation } from './register-user.js';
import { macOf } from './secret-keys.js';
import { isoOf } from './timestamps.js';
import { findUserByEmail } from './user-repository.js';

/** How long a user has between leaving for the provider and coming back. */
export const OIDC_LOGIN_TTL_MS = 10 * 60_000;

/** Why a callback was refused (`details.reason` of IDENTITY_OIDC_FAILED). */
export type OidcRefusal = 'state' | 'provider_error' | 'code_exchange' | 'no_email';

function failed(reason: OidcRefusal): DomainError {
  return new DomainError('IDENTITY_OIDC_FAILED', 'The sign-in with the provider did not complete', {
    reason,
  });
}

/** The providers a login page may offer (no secrets). */
export function listOidcProviders(context: IdentityContext): { id: string; label: string }[] {
  return (context.config.oidcProviders ?? []).map(({ id, label }) => ({ id, label }));
}

/** Where a provider sends the browser back. */
export function oidcRedirectUri(context: IdentityContext, providerId: string): string {
  return `${context.config.publicUrl}/api/v1/auth/oidc/${encodeURIComponent(providerId)}/callback`;
}

function providerOf(context: IdentityContext, providerId: string): OidcProviderConfig {
  const provider = context.config.oidcProviders?.find((candidate) => candidate.id === providerId);
  if (provider === undefined) {
    throw new DomainError('IDENTITY_OIDC_PROVIDER_UNKNOWN', 'No such sign-in provider');
  }
  return provider;
}

/**
 * Provider metadata (discovery document, keys) fetched once per process and kept; a failed fetch is
 * forgotten so the next login retries. Plain http:// issuers are accepted only on loopback (tests and
 * local development), never for a remote provider.
 */
export function createOidcDiscovery(): (provider: OidcProviderConfig) => Promise<client.Configuration> {
  const cache = new Map<string, Promise<client.Configuration>>();
  return (provider) => {
    const cached = cache.get(provider.id);
    if (cached !== undefined) return cached;
    const issuer = new URL(provider.issuer);
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
    const pending = client.discovery(
      issuer,
      provider.clientId,
      undefined,
      client.ClientSecretPost(provider.clientSecret),
      issuer.protocol === 'http:' && loopback ? { execute: [client.allowInsecureRequests] } : {},
    );
    cache.set(provider.id, pending);
    pending.catch(() => cache.delete(provider.id));
    return pending;
  };
}

/** One discovery cache per identity context. */
const discoveries = new WeakMap<IdentityContext, ReturnType<typeof createOidcDiscovery>>();
function discover(context: IdentityContext, provider: OidcProviderConfig): Promise<client.Configuration> {
  let discovery = discoveries.get(context);
  if (discovery === undefined) {
    discovery = createOidcDiscovery();
    discoveries.set(context, discovery);
  }
  return discovery(provider);
}

function stateHash(context: IdentityContext, state: string): string {
  return macOf(context.keys.macKey, 'oidc-state', state);
}

/**
 * Starts an authorization-code flow with PKCE (S256), a random state and nonce. The verifier and
 * nonce stay in `oidc_logins` (only the state's HMAC is the key); the state also goes into a cookie
 * so the callback is accepted only in the browser that started it (no login CSRF).
 */
export async function startOidcLogin(
  context: IdentityContext,
  providerId: string,
): Promise<{ authorizationUrl: string; state: string; expiresAtMs: number }> {
  const provider = providerOf(context, providerId);
  const configuration = await discover(context, provider).catch(() => {
    throw new DomainError('IDENTITY_OIDC_FAILED', 'The sign-in provider cannot be reached', {
      reason: 'provider_error',
    });
  });
  const state = client.randomState();
  const nonce = client.randomNonce();
  const codeVerifier = client.randomPKCECodeVerifier();
  const now = context.clock.nowMs();
  const expiresAtMs = now + OIDC_LOGIN_TTL_MS;
  await context.database.query('DELETE FROM oidc_logins WHERE expires_at < $1', [
    isoOf(now - OIDC_LOGIN_TTL_MS),
  ]);
  await context.database.query(
    `INSERT INTO oidc_logins (state_hash, provider, nonce, code_verifier, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [stateHash(context, state), provider.id, nonce, codeVerifier, isoOf(now), isoOf(expiresAtMs)],
  );
  const url = client.buildAuthorizationUrl(configuration, {
    redirect_uri: oidcRedirectUri(context, provider.id),
    scope: 'openid email profile',
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  });
  return { authorizationUrl: url.href, state, expiresAtMs };
}

/**
 * The callback: state (query = cookie = a live row of this provider, used up here), code exchange
 * with the PKCE verifier, id_token validated by openid-client (issuer, audience, signature, expiry,
 * nonce). Then the person is found by (provider, sub); else by email, linked only when the provider
 * says the email is verified; else a new account (no password) is created. Ends like a password
 * login (TOTP step when 2FA is on).
 */
export async function finishOidcLogin(
  context: IdentityContext,
  input: { providerId: string; query: URLSearchParams; stateCookie: string | undefined },
  request: RequestContext,
  replacedSessionId?: string,
): Promise<LoginResult> {
  const provider = providerOf(context, input.providerId);
  const state = input.query.get('state');
  if (state === null || input.stateCookie === undefined || state !== input.stateCookie) throw failed('state');
  const { rows } = await context.database.query(
    `UPDATE oidc_logins SET used_at = $3
     WHERE state_hash = $1 AND provider = $2 AND used_at IS NULL AND expires_at > $3
     RETURNING nonce, code_verifier`,
    [stateHash(context, state), provider.id, isoOf(context.clock.nowMs())],
  );
  const login = rows[0];
  if (login === undefined) throw failed('state');
  if (input.query.has('error')) throw failed('provider_error');
  const callbackUrl = new URL(oidcRedirectUri(context, provider.id));
  callbackUrl.search = input.query.toString();
  let person: { sub: string; email?: unknown; email_verified?: unknown };
  try {
    const configuration = await discover(context, provider);
    const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: String(login.code_verifier),
      expectedState: state,
      expectedNonce: String(login.nonce),
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (claims === undefined) throw failed('code_exchange');
    // Some providers put the email in the id_token (Google), others only at the UserInfo endpoint.
    person =
      typeof claims.email === 'string'
        ? claims
        : await client.fetchUserInfo(configuration, tokens.access_token, claims.sub);
  } catch {
    throw failed('code_exchange');
  }
  const providerKey = `oidc:${provider.id}` as const;
  const subject = person.sub;
  const email = typeof person.email === 'string' ? normalizeEmail(person.email) : null;
  const emailVerified = person.email_verified === true;
  const userId =
    (await findIdentityOwner(context.database, providerKey, subject)) ??
    (await adoptOrCreateUser(context, { providerKey, subject, email, emailVerified }, request));
  return finishExternalLogin(
    context,
    { userId, provider: providerKey, subject, method: 'oidc' },
    request,
    replacedSessionId,
  );
}

async function adoptOrCreateUser(
  context: IdentityContext,
  input: { providerKey: `oidc:${string}`; subject: string; email: string | null; emailVerified: boolean },
  request: RequestContext,
): Promise<string> {
  const { email } = input;
  if (email === null) throw failed('no_email');
  try {
    return await context.database.transaction(async (tx) => {
      const existing = await findUserByEmail(tx, email);
      if (existing !== null) {
        // Only the provider's word that it checked the mailbox lets its account into an existing one.
        if (!input.emailVerified) {
          throw new DomainError(
            'IDENTITY_OIDC_EMAIL_UNVERIFIED',
            'An account uses this email; sign in to it first (the provider has not verified the address)',
          );
        }
        await linkIdentity(context, tx, {
          userId: existing.id,
          provider: input.providerKey,
          subject: input.subject,
          email,
          ip: request.ip,
        });
        return existing.id;
      }
      const userId = await insertUser(context, tx, {
        email,
        passwordHash: null,
        displayName: null,
        emailVerified: input.emailVerified,
      });
      await audit(context, tx, {
        actor: userId,
        action: 'identity.user.register',
        target: userId,
        ip: request.ip,
        after: { method: 'oidc', provider: input.providerKey, emailVerified: input.emailVerified },
      });
      await linkIdentity(context, tx, {
        userId,
        provider: input.providerKey,
        subject: input.subject,
        email,
        ip: request.ip,
      });
      return userId;
    });
  } catch (error) {
    // A concurrent callback for the same person won the race: sign in as what it created.
    if (!isUniqueViolation(error)) throw error;
    const owner = await findIdentityOwner(context.database, input.providerKey, input.subject);
    if (owner === null) throw error;
    return owner;
  }
}
