/** What a secret variable shows wherever the outbox is read (admin API, rows already sent). */
export const REDACTED = '[redacted]';

// Links and tokens in mails are bearer credentials (verify, reset, sign-in): anyone who reads one can
// act as the recipient. Matching on the name makes a new template's secrets redacted by default.
const SECRET_NAME = /(url|link|token|secret|password|code)$/i;

/** True for a variable whose value must not be shown to admins: by its name, or declared secret. */
export function isSecretVar(name: string, declaredSecret: readonly string[] = []): boolean {
  return SECRET_NAME.test(name) || declaredSecret.includes(name);
}

/** The variables with every secret value replaced by `[redacted]`. */
export function redactVars(
  vars: Readonly<Record<string, string>>,
  declaredSecret: readonly string[] = [],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(vars)) {
    out[name] = isSecretVar(name, declaredSecret) ? REDACTED : value;
  }
  return out;
}
