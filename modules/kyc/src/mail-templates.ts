import type { KycMail, KycMailTemplate } from './kyc-context.js';

function hello(name: string | undefined): string {
  return name === undefined || name === '' ? 'Hello,' : `Hello ${name},`;
}

/** The mails KYC sends: every review decision and a form change that needs the user again. */
export const kycMailTemplates: Readonly<Record<string, KycMailTemplate>> = {
  'kyc.approved': {
    requiredVars: ['levelName', 'statusUrl'],
    optionalVars: ['displayName'],
    subject: (v) => `Your verification is approved (${v.levelName})`,
    text: (v) =>
      [
        hello(v.displayName),
        '',
        `Your identity verification for the level "${v.levelName}" is approved. The limits of this level apply from now on.`,
        `Your verification: ${v.statusUrl}`,
      ].join('\n'),
    html: (v) =>
      `<p>${hello(v.displayName)}</p><p>Your identity verification for the level <strong>${v.levelName}</strong> is approved. The limits of this level apply from now on.</p>` +
      `<p><a href="${v.statusUrl}">Your verification</a></p>`,
  },
  'kyc.rejected': {
    requiredVars: ['levelName', 'reason', 'statusUrl'],
    optionalVars: ['displayName'],
    subject: () => 'Your verification was not approved',
    text: (v) =>
      [
        hello(v.displayName),
        '',
        `Your identity verification for the level "${v.levelName}" was not approved.`,
        `Reason: ${v.reason}`,
        '',
        `You can submit it again: ${v.statusUrl}`,
      ].join('\n'),
    html: (v) =>
      `<p>${hello(v.displayName)}</p><p>Your identity verification for the level <strong>${v.levelName}</strong> was not approved.</p>` +
      `<p>Reason: ${v.reason}</p><p><a href="${v.statusUrl}">Submit it again</a></p>`,
  },
  'kyc.changes-requested': {
    requiredVars: ['levelName', 'reason', 'statusUrl'],
    optionalVars: ['displayName'],
    subject: () => 'Your verification needs a change',
    text: (v) =>
      [
        hello(v.displayName),
        '',
        `Our team reviewed your verification for the level "${v.levelName}" and needs a change:`,
        v.reason,
        '',
        `Update it here: ${v.statusUrl}`,
      ].join('\n'),
    html: (v) =>
      `<p>${hello(v.displayName)}</p><p>Our team reviewed your verification for the level <strong>${v.levelName}</strong> and needs a change:</p>` +
      `<p>${v.reason}</p><p><a href="${v.statusUrl}">Update it</a></p>`,
  },
  'kyc.reverification': {
    requiredVars: ['levelName', 'statusUrl'],
    optionalVars: ['displayName'],
    subject: () => 'Please verify your identity again',
    text: (v) =>
      [
        hello(v.displayName),
        '',
        `The verification form of the level "${v.levelName}" changed. Your current level stays, but please submit the new form:`,
        v.statusUrl,
      ].join('\n'),
    html: (v) =>
      `<p>${hello(v.displayName)}</p><p>The verification form of the level <strong>${v.levelName}</strong> changed. Your current level stays, but please submit the new form.</p>` +
      `<p><a href="${v.statusUrl}">Verify again</a></p>`,
  },
};

/** Registers the templates the mail service does not have yet. */
export function registerKycMailTemplates(mail: KycMail): void {
  const known = new Set(mail.templateNames());
  for (const [name, template] of Object.entries(kycMailTemplates)) {
    if (!known.has(name)) mail.registerTemplate(name, template);
  }
}
