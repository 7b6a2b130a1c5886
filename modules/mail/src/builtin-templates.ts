import { defineMailTemplate, type MailTemplate } from './mail-template.js';

// Text helpers receive plain variables; HTML helpers receive escaped ones (see MailTemplate.html).
function hello(name: string | undefined): string {
  return name === undefined || name === '' ? 'Hello,' : `Hello ${name},`;
}

function button(escapedUrl: string, label: string): string {
  return `<p style="margin:24px 0"><a href="${escapedUrl}" style="display:inline-block;padding:10px 18px;background:#111827;color:#ffffff;text-decoration:none;border-radius:6px">${label}</a></p>
<p style="font-size:13px;color:#6b7280">If the button does not work, open this link:<br><a href="${escapedUrl}">${escapedUrl}</a></p>`;
}

function whenAndWhere(time: string | undefined, ip: string | undefined): string {
  const parts = [time === undefined ? '' : `Time: ${time}`, ip === undefined ? '' : `IP address: ${ip}`];
  return parts.filter((part) => part !== '').join('\n');
}

function deviceDetails(device: string, location: string | undefined, time: string, ip: string): string {
  return [`Device: ${device}`, location === undefined ? '' : `Location: ${location}`, whenAndWhere(time, ip)]
    .filter((line) => line !== '')
    .join('\n');
}

function paragraphs(...lines: string[]): string {
  return lines
    .filter((line) => line !== '')
    .map((line) => `<p>${line.replaceAll('\n', '<br>')}</p>`)
    .join('\n');
}

const NOT_YOU =
  'If this was not you, reset your password now and end your other sessions in your security settings.';

/** identity.verify-email: the link that confirms a new (or changed) address. */
export const verifyEmailTemplate = defineMailTemplate({
  requiredVars: ['verifyUrl'],
  optionalVars: ['displayName', 'validHours'],
  subject: () => 'Confirm your email address',
  text: (v) =>
    [
      hello(v.displayName),
      '',
      'Confirm your email address by opening this link:',
      v.verifyUrl,
      '',
      v.validHours === undefined ? '' : `The link is valid for ${v.validHours} hours.`,
      'If you did not create an account, ignore this mail.',
    ].join('\n'),
  html: (v) =>
    paragraphs(hello(v.displayName), 'Confirm your email address:') +
    button(v.verifyUrl, 'Confirm email address') +
    paragraphs(
      v.validHours === undefined ? '' : `The link is valid for ${v.validHours} hours.`,
      'If you did not create an account, ignore this mail.',
    ),
});

/** identity.reset-password: the link that sets a new password. */
export const resetPasswordTemplate = defineMailTemplate({
  requiredVars: ['resetUrl'],
  optionalVars: ['displayName', 'validMinutes', 'ip'],
  subject: () => 'Reset your password',
  text: (v) =>
    [
      hello(v.displayName),
      '',
      'Someone asked to reset the password of your account. Set a new one with this link:',
      v.resetUrl,
      '',
      v.validMinutes === undefined ? '' : `The link is valid for ${v.validMinutes} minutes.`,
      v.ip === undefined ? '' : `Requested from IP address ${v.ip}.`,
      'If you did not ask for it, ignore this mail: your password stays as it is.',
    ].join('\n'),
  html: (v) =>
    paragraphs(hello(v.displayName), 'Someone asked to reset the password of your account. Set a new one:') +
    button(v.resetUrl, 'Set a new password') +
    paragraphs(
      v.validMinutes === undefined ? '' : `The link is valid for ${v.validMinutes} minutes.`,
      v.ip === undefined ? '' : `Requested from IP address ${v.ip}.`,
      'If you did not ask for it, ignore this mail: your password stays as it is.',
    ),
});

/** identity.login-new-device: a sign-in from a device not seen before. */
export const loginNewDeviceTemplate = defineMailTemplate({
  requiredVars: ['device', 'ip', 'time'],
  optionalVars: ['displayName', 'location'],
  subject: () => 'New sign-in to your account',
  text: (v) =>
    [
      hello(v.displayName),
      '',
      'Your account was signed in to from a new device.',
      deviceDetails(v.device, v.location, v.time, v.ip),
      '',
      NOT_YOU,
    ].join('\n'),
  html: (v) =>
    paragraphs(
      hello(v.displayName),
      'Your account was signed in to from a new device.',
      deviceDetails(v.device, v.location, v.time, v.ip),
      NOT_YOU,
    ),
});

/** identity.email-changed: sent to the old address when the account's address changes. */
export const emailChangedTemplate = defineMailTemplate({
  requiredVars: ['newEmail'],
  optionalVars: ['displayName', 'time', 'ip'],
  subject: () => 'Your email address was changed',
  text: (v) =>
    [
      hello(v.displayName),
      '',
      `The email address of your account was changed to ${v.newEmail}.`,
      whenAndWhere(v.time, v.ip),
      '',
      'If you did not change it, contact support at once: mails about your account now go to the new address.',
    ].join('\n'),
  html: (v) =>
    paragraphs(
      hello(v.displayName),
      `The email address of your account was changed to <strong>${v.newEmail}</strong>.`,
      whenAndWhere(v.time, v.ip),
      'If you did not change it, contact support at once: mails about your account now go to the new address.',
    ),
});

/** identity.password-changed: the password was changed or reset. */
export const passwordChangedTemplate = defineMailTemplate({
  requiredVars: [],
  optionalVars: ['displayName', 'time', 'ip'],
  subject: () => 'Your password was changed',
  text: (v) =>
    [
      hello(v.displayName),
      '',
      'The password of your account was changed. Withdrawals are locked for 24 hours as a precaution.',
      whenAndWhere(v.time, v.ip),
      '',
      'If you did not change it, reset your password now and contact support.',
    ].join('\n'),
  html: (v) =>
    paragraphs(
      hello(v.displayName),
      'The password of your account was changed. Withdrawals are locked for 24 hours as a precaution.',
      whenAndWhere(v.time, v.ip),
      'If you did not change it, reset your password now and contact support.',
    ),
});

/** identity.two-factor-changed: a second factor was added, removed or reset; `change` says which. */
export const twoFactorChangedTemplate = defineMailTemplate({
  requiredVars: ['change'],
  optionalVars: ['displayName', 'time', 'ip'],
  subject: () => 'Your two-factor authentication changed',
  text: (v) =>
    [
      hello(v.displayName),
      '',
      `Two-factor authentication of your account: ${v.change}.`,
      'Withdrawals are locked for 24 hours as a precaution.',
      whenAndWhere(v.time, v.ip),
      '',
      'If you did not make this change, contact support at once.',
    ].join('\n'),
  html: (v) =>
    paragraphs(
      hello(v.displayName),
      `Two-factor authentication of your account: <strong>${v.change}</strong>.`,
      'Withdrawals are locked for 24 hours as a precaution.',
      whenAndWhere(v.time, v.ip),
      'If you did not make this change, contact support at once.',
    ),
});

/** identity.account-locked: sign-in is blocked after repeated failures, until `until`. */
export const accountLockedTemplate = defineMailTemplate({
  requiredVars: ['until'],
  optionalVars: ['displayName', 'ip'],
  subject: () => 'Sign-in to your account is temporarily locked',
  text: (v) =>
    [
      hello(v.displayName),
      '',
      `After several failed sign-in attempts, sign-in to your account is locked until ${v.until}.`,
      v.ip === undefined ? '' : `The last attempt came from IP address ${v.ip}.`,
      '',
      'If these attempts were not yours, someone may know your email address: consider a new password and two-factor authentication.',
    ].join('\n'),
  html: (v) =>
    paragraphs(
      hello(v.displayName),
      `After several failed sign-in attempts, sign-in to your account is locked until ${v.until}.`,
      v.ip === undefined ? '' : `The last attempt came from IP address ${v.ip}.`,
      'If these attempts were not yours, someone may know your email address: consider a new password and two-factor authentication.',
    ),
});

/** The templates every mail service starts with, by name. */
export const builtinTemplates: Readonly<Record<string, MailTemplate<string, string>>> = {
  'identity.verify-email': verifyEmailTemplate,
  'identity.reset-password': resetPasswordTemplate,
  'identity.login-new-device': loginNewDeviceTemplate,
  'identity.email-changed': emailChangedTemplate,
  'identity.password-changed': passwordChangedTemplate,
  'identity.two-factor-changed': twoFactorChangedTemplate,
  'identity.account-locked': accountLockedTemplate,
};
