import { z } from 'zod';
import type { IdentityContext, RequestContext } from './identity-context.js';
import { audit } from './notify.js';
import { type ReauthProof, reauthenticate } from './reauthenticate.js';

/** An anti-phishing code: 4 to 20 letters, digits, dashes or underscores, shown in every email. */
export const antiPhishingCodeSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{4,20}$/)
  .describe('4-20 letters, digits, "-" or "_"; every email we send you shows it');

/**
 * Sets, changes or (null) clears the anti-phishing code after re-authentication. The code itself is
 * not audited: a phisher who reads the audit log could copy it into fake mails.
 */
export async function setAntiPhishingCode(
  context: IdentityContext,
  userId: string,
  input: ReauthProof & { antiPhishingCode: string | null },
  request: RequestContext,
): Promise<void> {
  await reauthenticate(context, userId, input, request);
  await context.database.transaction(async (tx) => {
    await tx.query('UPDATE users SET anti_phishing_code = $2 WHERE id = $1', [
      userId,
      input.antiPhishingCode,
    ]);
    await audit(context, tx, {
      actor: userId,
      action:
        input.antiPhishingCode === null
          ? 'identity.anti-phishing-code.clear'
          : 'identity.anti-phishing-code.set',
      target: userId,
      ip: request.ip,
    });
  });
}
