import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import type { JsonResponse, TestBrowser } from '../testing.js';
import type { SoftAuthenticator } from './soft-authenticator.js';

/** What the registration verify route answers. */
export interface PasskeyAddedBody {
  passkey: { id: string; label: string; aaguid: string };
  recoveryCodes: string[] | null;
  csrfToken: string | null;
  endedSessions: number;
}

/**
 * Adds a passkey to the signed-in browser's account through the real routes: re-authentication
 * (password, and `code` with 2FA on), the authenticator's registration response, verification.
 * `tamper` may change the response before it is sent. Returns the verify answer.
 */
export async function addPasskey(
  browser: TestBrowser,
  authenticator: SoftAuthenticator,
  proof: { currentPassword: string; code?: string },
  tamper: (response: RegistrationResponseJSON) => RegistrationResponseJSON = (response) => response,
): Promise<JsonResponse<PasskeyAddedBody>> {
  const options = await browser.json<Parameters<SoftAuthenticator['register']>[0]>(
    'POST',
    '/api/v1/account/passkeys/registration/options',
    proof,
  );
  if (options.status !== 200) {
    throw new Error(`addPasskey: options answered ${options.status} ${JSON.stringify(options.body)}`);
  }
  return browser.json<PasskeyAddedBody>('POST', '/api/v1/account/passkeys/registration/verify', {
    response: tamper(authenticator.register(options.body)),
    label: 'Test laptop',
  });
}
