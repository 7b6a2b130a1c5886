/**
 * A mail template in the shape the mail module registers (its `MailTemplate`): `html` receives the
 * variables already HTML-escaped. Declared here structurally so identity does not import the mail
 * module.
 */
export interface IdentityMailTemplate {
  requiredVars: readonly string[];
  optionalVars?: readonly string[];
  subject(vars: Readonly<Record<string, string | undefined>>): string;
  text(vars: Readonly<Record<string, string | undefined>>): string;
  html(escaped: Readonly<Record<string, string | undefined>>): string;
}

/** What can take identity's own templates (the mail service does). */
export interface MailTemplateRegistrar {
  registerTemplate(name: string, template: IdentityMailTemplate): void;
  templateNames(): string[];
}

function hello(name: string | undefined): string {
  return name === undefined || name === '' ? 'Hello,' : `Hello ${name},`;
}

function link(escapedUrl: string | undefined, label: string): string {
  return `<p><a href="${escapedUrl ?? ''}">${label}</a></p><p>${escapedUrl ?? ''}</p>`;
}

/** The templates identity sends that the mail module does not build in. */
export const identityMailTemplates: Readonly<Record<string, IdentityMailTemplate>> = {
  'identity.account-exists': {
    requiredVars: ['loginUrl', 'resetUrl'],
    optionalVars: ['displayName'],
    subject: () => 'You already have an account',
    text: (v) =>
      [
        hello(v.displayName),
        '',
        'Someone tried to register a new account with this email address, which already has one.',
        `If it was you, sign in: ${v.loginUrl}`,
        `Forgot your password? Reset it: ${v.resetUrl}`,
        '',
        'If it was not you, ignore this mail: nothing changed.',
      ].join('\n'),
    html: (v) =>
      `<p>${hello(v.displayName)}</p>` +
      '<p>Someone tried to register a new account with this email address, which already has one.</p>' +
      link(v.loginUrl, 'Sign in') +
      link(v.resetUrl, 'Reset your password') +
      '<p>If it was not you, ignore this mail: nothing changed.</p>',
  },
  'identity.confirm-email-change': {
    requiredVars: ['confirmUrl', 'newEmail', 'validMinutes'],
    optionalVars: ['displayName'],
    subject: () => 'Confirm your new email address',
    text: (v) =>
      [
        hello(v.displayName),
        '',
        `Confirm that ${v.newEmail} is the new email address of your account:`,
        v.confirmUrl,
        '',
        `The link is valid for ${v.validMinutes} minutes. If you did not ask for this, ignore this mail.`,
      ].join('\n'),
    html: (v) =>
      `<p>${hello(v.displayName)}</p>` +
      `<p>Confirm that <strong>${v.newEmail}</strong> is the new email address of your account:</p>` +
      link(v.confirmUrl, 'Confirm the new address') +
      `<p>The link is valid for ${v.validMinutes} minutes. If you did not ask for this, ignore this mail.</p>`,
  },
};

/** Registers identity's templates the registrar does not have yet. */
export function registerIdentityMailTemplates(registrar: MailTemplateRegistrar): void {
  const known = new Set(registrar.templateNames());
  for (const [name, template] of Object.entries(identityMailTemplates)) {
    if (!known.has(name)) registrar.registerTemplate(name, template);
  }
}
