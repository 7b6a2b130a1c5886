import { type LinkedIdentity, listIdentities } from './federated-login.js';
import type { IdentityContext, RequestContext } from './identity-context.js';
import type { LoginResult } from './log-in.js';
import { finishOidcLogin, listOidcProviders, startOidcLogin } from './oidc-login.js';
import type { ReauthProof } from './reauthenticate.js';
import { issueSiweNonce, linkEthereumAddress, signInWithEthereum } from './sign-in-with-ethereum.js';

/** Sign-in through external proofs (wallet, OpenID Connect): what identity's federation routes call. */
export interface FederationService {
  issueSiweNonce(): Promise<{ nonce: string; expiresAtMs: number }>;
  signInWithEthereum(
    input: { message: string; signature: string },
    request: RequestContext,
    replacedSessionId?: string,
  ): Promise<LoginResult>;
  linkEthereumAddress(
    userId: string,
    input: ReauthProof & { message: string; signature: string },
    request: RequestContext,
  ): Promise<{ address: string }>;
  listIdentities(userId: string): Promise<LinkedIdentity[]>;
  listOidcProviders(): { id: string; label: string }[];
  startOidcLogin(
    providerId: string,
  ): Promise<{ authorizationUrl: string; state: string; expiresAtMs: number }>;
  finishOidcLogin(
    input: { providerId: string; query: URLSearchParams; stateCookie: string | undefined },
    request: RequestContext,
    replacedSessionId?: string,
  ): Promise<LoginResult>;
}

/** Builds the federation service over identity's resolved context. */
export function createFederationService(context: IdentityContext): FederationService {
  return {
    issueSiweNonce: () => issueSiweNonce(context),
    signInWithEthereum: (input, request, replaced) => signInWithEthereum(context, input, request, replaced),
    linkEthereumAddress: (userId, input, request) => linkEthereumAddress(context, userId, input, request),
    listIdentities: (userId) => listIdentities(context, userId),
    listOidcProviders: () => listOidcProviders(context),
    startOidcLogin: (providerId) => startOidcLogin(context, providerId),
    finishOidcLogin: (input, request, replaced) => finishOidcLogin(context, input, request, replaced),
  };
}
