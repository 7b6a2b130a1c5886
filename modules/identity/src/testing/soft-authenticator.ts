// A software WebAuthn authenticator for tests: real P-256 keys (node:crypto), real CBOR attestation
// objects ('none' attestation) and real ES256 assertions, so the server's verification is exercised
// byte for byte as with a browser and a hardware key.
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';

/** A CBOR value the minimal encoder below handles. */
type CborValue = number | string | Uint8Array | Map<CborValue, CborValue>;

/** Deterministic-enough CBOR (RFC 8949) for what WebAuthn needs: ints, byte/text strings, maps. */
function cbor(value: CborValue): Buffer {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error('cbor: integers only');
    return value >= 0 ? head(0, value) : head(1, -1 - value);
  }
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), Buffer.from(value)]);
  const parts: Buffer[] = [head(5, value.size)];
  for (const [key, item] of value) parts.push(cbor(key), cbor(item));
  return Buffer.concat(parts);
}

function head(major: number, length: number): Buffer {
  const type = major << 5;
  if (length < 24) return Buffer.from([type | length]);
  if (length < 0x100) return Buffer.from([type | 24, length]);
  if (length < 0x10000) return Buffer.from([type | 25, length >> 8, length & 0xff]);
  const out = Buffer.alloc(5);
  out[0] = type | 26;
  out.writeUInt32BE(length, 1);
  return out;
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

/** One credential the authenticator holds. */
export interface SoftCredential {
  id: string;
  rpId: string;
  userHandle: string;
  privateKey: KeyObject;
  /** The signature counter; each assertion increments it first. */
  counter: number;
}

/** What a ceremony may be told to do differently (to test refusals). */
export interface CeremonyOverrides {
  /** The origin the "browser" puts in clientDataJSON (default: the authenticator's origin). */
  origin?: string;
  /** Sign with this credential instead of the first allowed one. */
  credentialId?: string;
  /** Use this counter value instead of incrementing. */
  counter?: number;
  /** Leave the user-verified flag off. */
  withoutUserVerification?: boolean;
}

/** A platform authenticator plus the browser glue around it, for one origin. */
export class SoftAuthenticator {
  readonly credentials = new Map<string, SoftCredential>();
  /** Authenticator model id in attested credential data (16 bytes). */
  readonly aaguid = Buffer.from('5f1e1e7a5d5e4c0fa11ce7e57ed0a0a0', 'hex');

  constructor(readonly origin: string) {}

  /** navigator.credentials.create(): a new credential for the options' RP and user. */
  register(
    options: PublicKeyCredentialCreationOptionsJSON,
    overrides: CeremonyOverrides = {},
  ): RegistrationResponseJSON {
    const rpId = options.rp.id ?? new URL(this.origin).hostname;
    if (!options.pubKeyCredParams.some((param) => param.alg === -7)) throw new Error('ES256 not offered');
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    if (jwk.x === undefined || jwk.y === undefined) throw new Error('no EC coordinates');
    const credentialId = randomBytes(32);
    const id = credentialId.toString('base64url');
    const coseKey = cbor(
      new Map<CborValue, CborValue>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, Buffer.from(jwk.x, 'base64url')],
        [-3, Buffer.from(jwk.y, 'base64url')],
      ]),
    );
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(credentialId.length);
    const authData = Buffer.concat([
      this.authDataHead(rpId, FLAG_UP | FLAG_AT | (overrides.withoutUserVerification ? 0 : FLAG_UV), 0),
      this.aaguid,
      idLength,
      credentialId,
      coseKey,
    ]);
    const attestationObject = cbor(
      new Map<CborValue, CborValue>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    const clientDataJSON = this.clientData('webauthn.create', options.challenge, overrides);
    this.credentials.set(id, { id, rpId, userHandle: options.user.id, privateKey, counter: 0 });
    return {
      id,
      rawId: id,
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON,
        attestationObject: attestationObject.toString('base64url'),
        transports: ['internal', 'hybrid'],
      },
    };
  }

  /** navigator.credentials.get(): an ES256 assertion over authenticatorData ‖ SHA-256(clientDataJSON). */
  authenticate(
    options: PublicKeyCredentialRequestOptionsJSON,
    overrides: CeremonyOverrides = {},
  ): AuthenticationResponseJSON {
    const rpId = options.rpId ?? new URL(this.origin).hostname;
    const allowed = options.allowCredentials?.map((descriptor) => descriptor.id);
    const credential =
      overrides.credentialId !== undefined
        ? this.credentials.get(overrides.credentialId)
        : [...this.credentials.values()].find(
            (candidate) =>
              candidate.rpId === rpId &&
              (allowed === undefined || allowed.length === 0 || allowed.includes(candidate.id)),
          );
    if (credential === undefined) throw new Error('SoftAuthenticator: no credential for this request');
    const counter = overrides.counter ?? credential.counter + 1;
    credential.counter = Math.max(credential.counter, counter);
    const flags = FLAG_UP | (overrides.withoutUserVerification ? 0 : FLAG_UV);
    const authenticatorData = this.authDataHead(credential.rpId, flags, counter);
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, overrides);
    const clientDataHash = createHash('sha256').update(Buffer.from(clientDataJSON, 'base64url')).digest();
    // Node signs EC keys in DER (ASN.1 SEQUENCE of r and s), the encoding WebAuthn uses for ES256.
    const signature = sign(
      'sha256',
      Buffer.concat([authenticatorData, clientDataHash]),
      credential.privateKey,
    );
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON,
        authenticatorData: authenticatorData.toString('base64url'),
        signature: signature.toString('base64url'),
        userHandle: credential.userHandle,
      },
    };
  }

  private authDataHead(rpId: string, flags: number, counter: number): Buffer {
    const rpIdHash = createHash('sha256').update(rpId).digest();
    const tail = Buffer.alloc(5);
    tail[0] = flags;
    tail.writeUInt32BE(counter, 1);
    return Buffer.concat([rpIdHash, tail]);
  }

  private clientData(type: string, challenge: string, overrides: CeremonyOverrides): string {
    const json = JSON.stringify({
      type,
      challenge,
      origin: overrides.origin ?? this.origin,
      crossOrigin: false,
    });
    return Buffer.from(json, 'utf8').toString('base64url');
  }
}
