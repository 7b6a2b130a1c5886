import type { IdentityConfig } from './identity-options.js';

/** Who the platform is to WebAuthn authenticators. */
export interface RelyingParty {
  /** The RP id: the host name of `publicUrl` (no port); credentials are scoped to it. */
  rpID: string;
  /** The only origin a ceremony may come from: `publicUrl`'s. */
  origin: string;
  name: string;
}

/** The relying party of a configuration. */
export function relyingPartyOf(config: IdentityConfig, name: string): RelyingParty {
  const url = new URL(config.publicUrl);
  return { rpID: url.hostname, origin: url.origin, name };
}
