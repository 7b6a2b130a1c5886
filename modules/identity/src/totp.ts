import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';

/** RFC 6238 as authenticator apps expect it: SHA-1, 6 digits, 30 s steps, 160-bit seeds. */
export const TOTP_PERIOD_S = 30;
const SECRET_BYTES = 20;

/** A new TOTP seed in base32. */
export function newTotpSecret(): string {
  return generateSecret({ length: SECRET_BYTES });
}

/** The otpauth:// URI and its QR code (a PNG data URL) for authenticator apps. */
export async function totpProvisioning(
  secret: string,
  issuer: string,
  account: string,
): Promise<{ uri: string; qrCodeDataUrl: string }> {
  const uri = generateURI({ issuer, label: account, secret, period: TOTP_PERIOD_S, digits: 6 });
  return { uri, qrCodeDataUrl: await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2 }) };
}

/** The time step of a moment. */
export function totpStepAt(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_S);
}

/**
 * The time step a 6-digit code matches, within `toleranceSteps` of now and strictly after
 * `afterStep` (the last one accepted: a code is good once); null when none does.
 */
export async function matchTotp(input: {
  secret: string;
  code: string;
  nowMs: number;
  toleranceSteps: number;
  afterStep: number | null;
}): Promise<number | null> {
  if (!/^\d{6}$/.test(input.code)) return null;
  const epoch = Math.floor(input.nowMs / 1000);
  const newestStep = totpStepAt(input.nowMs) + input.toleranceSteps;
  // otplib refuses an afterTimeStep past the window (a clock set back): then nothing can match.
  if (input.afterStep !== null && input.afterStep >= newestStep) return null;
  const result = await verify({
    secret: input.secret,
    token: input.code,
    epoch,
    period: TOTP_PERIOD_S,
    epochTolerance: input.toleranceSteps * TOTP_PERIOD_S,
    ...(input.afterStep === null ? {} : { afterTimeStep: input.afterStep }),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}
