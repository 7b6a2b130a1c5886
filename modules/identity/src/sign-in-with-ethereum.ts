import { randomBytes } from 'node:crypto';
import { DomainError } from '@tradeloom/kernel';
import { getAddress, type Hex, isHex, verifyMessage } from 'viem';
import { parseSiweMessage } from 'viem/siwe';
import './errors.js';
import { findIdentityOwner, finishExternalLogin, linkIdentity } from './federated-login.js';
import type { IdentityContext, RequestContext } from './identity-context.js';
import type { LoginResult } from './log-in.js';
import type { ReauthProof } from './reauthenticate.js';
import { reauthenticate } from './reauthenticate.js';
import { isoOf } from './timestamps.js';

/** How long a nonce handed out for a SIWE message stays usable. */
export const SIWE_NONCE_TTL_MS = 10 * 60_000;
/** A message issued further in the future than this (clock skew) is refused. */
const ISSUED_AT_SKEW_MS = 60_000;
/** Chains accepted in `Chain ID` when the configuration names none: Ethereum mainnet. */
export const DEFAULT_SIWE_CHAIN_IDS: readonly number[] = [1];

/** Why a SIWE message was refused (`details.reason` of IDENTITY_SIWE_INVALID). */
export type SiweRefusal =
  | 'malformed'
  | 'domain'
  | 'uri'
  | 'chain'
  | 'nonce'
  | 'expired'
  | 'not_yet_valid'
  | 'issued_in_future'
  | 'signature';

function refused(reason: SiweRefusal): DomainError {
  return new DomainError('IDENTITY_SIWE_INVALID', 'The signed message was refused', { reason });
}

/** Hands out a fresh nonce for one SIWE message (stored, single use, 10 minutes). */
export async function issueSiweNonce(
  context: IdentityContext,
): Promise<{ nonce: string; expiresAtMs: number }> {
  const nonce = randomBytes(16).toString('hex');
  const now = context.clock.nowMs();
  const expiresAtMs = now + SIWE_NONCE_TTL_MS;
  // Spent and expired nonces are worthless: each issue sweeps them (the expiry index keeps it cheap).
  await context.database.query('DELETE FROM siwe_nonces WHERE expires_at < $1', [
    isoOf(now - SIWE_NONCE_TTL_MS),
  ]);
  await context.database.query(
    'INSERT INTO siwe_nonces (nonce, created_at, expires_at) VALUES ($1, $2, $3)',
    [nonce, isoOf(now), isoOf(expiresAtMs)],
  );
  return { nonce, expiresAtMs };
}

/**
 * Checks an EIP-4361 message and its signature and returns the checksummed address that signed it.
 * The message must name this platform (domain = host of publicUrl, uri on its origin), an accepted
 * chain, a live nonce we issued (used up here, even when a later check fails, so a message is tried
 * once), and be within its validity window. Only EOA signatures (EIP-191) are verified.
 */
export async function verifySiweMessage(
  context: IdentityContext,
  input: { message: string; signature: string },
): Promise<string> {
  const fields = parseSiweMessage(input.message);
  if (
    fields.address === undefined ||
    fields.domain === undefined ||
    fields.uri === undefined ||
    fields.nonce === undefined ||
    fields.chainId === undefined ||
    fields.version !== '1'
  ) {
    throw refused('malformed');
  }
  const publicUrl = new URL(context.config.publicUrl);
  if (fields.domain !== publicUrl.host) throw refused('domain');
  if (fields.scheme !== undefined && `${fields.scheme}:` !== publicUrl.protocol) throw refused('domain');
  let uri: URL;
  try {
    uri = new URL(fields.uri);
  } catch {
    throw refused('uri');
  }
  if (uri.origin !== publicUrl.origin) throw refused('uri');
  const chainIds = context.config.siweChainIds ?? DEFAULT_SIWE_CHAIN_IDS;
  if (!chainIds.includes(fields.chainId)) throw refused('chain');
  await useNonce(context, fields.nonce);
  const now = context.clock.nowMs();
  if (fields.expirationTime !== undefined && fields.expirationTime.getTime() <= now) throw refused('expired');
  if (fields.notBefore !== undefined && fields.notBefore.getTime() > now) throw refused('not_yet_valid');
  if (fields.issuedAt === undefined || Number.isNaN(fields.issuedAt.getTime())) throw refused('malformed');
  if (fields.issuedAt.getTime() > now + ISSUED_AT_SKEW_MS) throw refused('issued_in_future');
  // Without an expirationTime the nonce's own lifetime bounds how old a usable message can be.
  if (fields.issuedAt.getTime() < now - SIWE_NONCE_TTL_MS) throw refused('expired');
  if (!isHex(input.signature)) throw refused('signature');
  const valid = await verifyMessage({
    address: fields.address,
    message: input.message,
    signature: input.signature as Hex,
  }).catch(() => false);
  if (!valid) throw refused('signature');
  return getAddress(fields.address);
}

async function useNonce(context: IdentityContext, nonce: string): Promise<void> {
  // Conditional update: of two requests racing with one nonce, one wins.
  const { rows } = await context.database.query(
    `UPDATE siwe_nonces SET used_at = $2 WHERE nonce = $1 AND used_at IS NULL AND expires_at > $2
     RETURNING nonce`,
    [nonce, isoOf(context.clock.nowMs())],
  );
  if (rows.length === 0) throw refused('nonce');
}

/**
 * Signs in with a wallet linked to an account (IDENTITY_IDENTITY_NOT_LINKED otherwise: wallets do not
 * create accounts, see README); with 2FA on, answers the pending-login step like a password login.
 */
export async function signInWithEthereum(
  context: IdentityContext,
  input: { message: string; signature: string },
  request: RequestContext,
  replacedSessionId?: string,
): Promise<LoginResult> {
  const address = await verifySiweMessage(context, input);
  const userId = await findIdentityOwner(context.database, 'siwe', address);
  if (userId === null) {
    throw new DomainError('IDENTITY_IDENTITY_NOT_LINKED', 'This wallet is not linked to an account', {
      address,
    });
  }
  return finishExternalLogin(
    context,
    { userId, provider: 'siwe', subject: address, method: 'siwe' },
    request,
    replacedSessionId,
  );
}

/**
 * Links a wallet to the signed-in user: a signed SIWE message proves the key, the current password
 * (and a code with 2FA on) proves the person, since a linked wallet is a way into the account.
 */
export async function linkEthereumAddress(
  context: IdentityContext,
  userId: string,
  input: ReauthProof & { message: string; signature: string },
  request: RequestContext,
): Promise<{ address: string }> {
  await reauthenticate(context, userId, input, request);
  const address = await verifySiweMessage(context, input);
  await context.database.transaction((tx) =>
    linkIdentity(context, tx, { userId, provider: 'siwe', subject: address, email: null, ip: request.ip }),
  );
  return { address };
}
