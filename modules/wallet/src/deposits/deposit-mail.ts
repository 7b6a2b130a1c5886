// Mail the deposit part sends: on credit and on rejection.
import type { WalletMail, WalletMailTemplate } from '../wallet-context.js';

export const MAIL_DEPOSIT_CREDITED = 'wallet.deposit-credited';
export const MAIL_DEPOSIT_REJECTED = 'wallet.deposit-rejected';

const hello = (name: string | undefined) => (name === undefined || name === '' ? 'Hello,' : `Hello ${name},`);

const templates: Readonly<Record<string, WalletMailTemplate>> = {
  [MAIL_DEPOSIT_CREDITED]: {
    requiredVars: ['amount', 'asset', 'net', 'fee', 'depositId', 'historyUrl'],
    optionalVars: ['displayName'],
    subject: (v) => `Deposit credited: ${v.net} ${v.asset}`,
    text: (v) =>
      [
        hello(v.displayName),
        '',
        `Your deposit of ${v.amount} ${v.asset} (${v.depositId}) is credited to your spot wallet:`,
        `${v.net} ${v.asset} after a fee of ${v.fee} ${v.asset}.`,
        '',
        `Your deposits: ${v.historyUrl}`,
      ].join('\n'),
    html: (v) =>
      `<p>${hello(v.displayName)}</p>` +
      `<p>Your deposit of <strong>${v.amount} ${v.asset}</strong> (${v.depositId}) is credited to your spot wallet: ` +
      `${v.net} ${v.asset} after a fee of ${v.fee} ${v.asset}.</p>` +
      `<p><a href="${v.historyUrl}">Your deposits</a></p>`,
  },
  [MAIL_DEPOSIT_REJECTED]: {
    requiredVars: ['amount', 'asset', 'depositId', 'reason', 'historyUrl'],
    optionalVars: ['displayName'],
    subject: (v) => `Deposit rejected: ${v.amount} ${v.asset}`,
    text: (v) =>
      [
        hello(v.displayName),
        '',
        `Your deposit of ${v.amount} ${v.asset} (${v.depositId}) was rejected: ${v.reason}`,
        'Nothing was credited. Contact support if you sent the funds.',
        '',
        `Your deposits: ${v.historyUrl}`,
      ].join('\n'),
    html: (v) =>
      `<p>${hello(v.displayName)}</p>` +
      `<p>Your deposit of <strong>${v.amount} ${v.asset}</strong> (${v.depositId}) was rejected: ${v.reason}</p>` +
      '<p>Nothing was credited. Contact support if you sent the funds.</p>' +
      `<p><a href="${v.historyUrl}">Your deposits</a></p>`,
  },
};

/** Registers the templates the mail service does not have yet. */
export function registerDepositMailTemplates(mail: WalletMail): void {
  const known = new Set(mail.templateNames());
  for (const [name, template] of Object.entries(templates)) {
    if (!known.has(name)) mail.registerTemplate(name, template);
  }
}
