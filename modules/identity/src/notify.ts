import type { Queryable } from '@tradeloom/db';
import type { AuditEntryInput } from '@tradeloom/kernel';
import type { IdentityContext } from './identity-context.js';

/**
 * The mail templates identity sends and their variables. All but the last two are built into the
 * mail module; those two are identity's own (mail-templates.ts), registered when the mail sender
 * can register templates.
 */
export interface IdentityMailVars {
  'identity.verify-email': { verifyUrl: string; validHours: string; displayName?: string };
  'identity.reset-password': { resetUrl: string; validMinutes: string; ip: string; displayName?: string };
  'identity.login-new-device': { device: string; ip: string; time: string; displayName?: string };
  'identity.email-changed': { newEmail: string; time: string; ip: string; displayName?: string };
  'identity.password-changed': { time: string; ip: string; displayName?: string };
  'identity.two-factor-changed': { change: string; time: string; ip?: string; displayName?: string };
  'identity.account-locked': { until: string; ip: string; displayName?: string };
  'identity.account-exists': { loginUrl: string; resetUrl: string; displayName?: string };
  'identity.confirm-email-change': {
    confirmUrl: string;
    newEmail: string;
    validMinutes: string;
    displayName?: string;
  };
}

/** Queues an identity mail in the caller's transaction (it goes out only if the change commits). */
export function sendMail<T extends keyof IdentityMailVars>(
  context: IdentityContext,
  q: Queryable,
  mail: { to: string; userId?: string; template: T; vars: IdentityMailVars[T] },
): Promise<void> {
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(mail.vars)) if (typeof value === 'string') vars[name] = value;
  const request = { to: mail.to, template: mail.template, vars };
  return context.mail.send(mail.userId === undefined ? request : { ...request, userId: mail.userId }, q);
}

/** Records a security event in the caller's transaction. Callers pass no secrets: ids and outcomes only. */
export function audit(context: IdentityContext, q: Queryable, entry: AuditEntryInput): Promise<void> {
  return context.audit.record(entry, q);
}

/** The `displayName` variable of a user's mails, when they set a name. */
export function nameOf(user: { displayName: string | null }): { displayName?: string } {
  return user.displayName === null ? {} : { displayName: user.displayName };
}

/** A link into the portal carrying a token in its query. */
export function linkTo(context: IdentityContext, path: string, token?: string): string {
  const base = `${context.config.publicUrl}${path}`;
  return token === undefined ? base : `${base}?token=${encodeURIComponent(token)}`;
}
