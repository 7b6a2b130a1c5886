// The mails of the withdrawals part: one per state change of a withdrawal, and the allow-list's
// security notices. `html` receives the variables already escaped.
import type { WalletMail, WalletMailTemplate } from '../wallet-context.js';

type Vars = Readonly<Record<string, string | undefined>>;

const WITHDRAWAL_VARS = ['amount', 'asset', 'network', 'address', 'withdrawalId', 'withdrawalsUrl'] as const;

function withdrawalMail(subject: string, says: (v: Vars) => string): WalletMailTemplate {
  const lines = (v: Vars) => [
    says(v),
    '',
    `Amount: ${v.amount} ${v.asset} (network: ${v.network})`,
    `To: ${v.address}${v.memo === undefined || v.memo === '' ? '' : ` (memo ${v.memo})`}`,
    `Withdrawal: ${v.withdrawalId}`,
    ...(v.reason === undefined ? [] : [`Reason: ${v.reason}`]),
    ...(v.txId === undefined ? [] : [`Transaction: ${v.txId}`]),
  ];
  return {
    requiredVars: WITHDRAWAL_VARS,
    optionalVars: ['memo', 'reason', 'txId'],
    subject: (v) => `${subject}: ${v.amount} ${v.asset}`,
    text: (v) =>
      [
        ...lines(v),
        '',
        `Your withdrawals: ${v.withdrawalsUrl}`,
        'If you did not ask for this, secure your account and contact support at once.',
      ].join('\n'),
    html: (v) =>
      `${lines(v)
        .filter((line) => line !== '')
        .map((line) => `<p>${line}</p>`)
        .join('')}<p><a href="${v.withdrawalsUrl ?? ''}">Your withdrawals</a></p>` +
      '<p>If you did not ask for this, secure your account and contact support at once.</p>',
  };
}

export const withdrawalMailTemplates: Readonly<Record<string, WalletMailTemplate>> = {
  'wallet.withdrawal-requested': withdrawalMail(
    'Withdrawal requested',
    () => 'A withdrawal was requested from your account. The funds are held until it is reviewed.',
  ),
  'wallet.withdrawal-approved': withdrawalMail(
    'Withdrawal approved',
    () => 'Your withdrawal was approved and will be sent shortly.',
  ),
  'wallet.withdrawal-rejected': withdrawalMail(
    'Withdrawal rejected',
    () => 'Your withdrawal was rejected. The funds are available in your account again.',
  ),
  'wallet.withdrawal-cancelled': withdrawalMail(
    'Withdrawal cancelled',
    () => 'Your withdrawal was cancelled. The funds are available in your account again.',
  ),
  'wallet.withdrawal-expired': withdrawalMail(
    'Withdrawal expired',
    () => 'Your withdrawal was not reviewed in time and expired. The funds are available again.',
  ),
  'wallet.withdrawal-processing': withdrawalMail(
    'Withdrawal being sent',
    () => 'Your withdrawal is being sent.',
  ),
  'wallet.withdrawal-completed': withdrawalMail('Withdrawal sent', () => 'Your withdrawal was sent.'),
  'wallet.withdrawal-failed': withdrawalMail(
    'Withdrawal failed',
    () => 'Your withdrawal could not be sent. The funds are available in your account again.',
  ),
  'wallet.withdrawal-address-added': {
    requiredVars: ['asset', 'network', 'address', 'label', 'usableAt', 'addressesUrl'],
    optionalVars: ['memo'],
    subject: (v) => `New withdrawal address: ${v.label}`,
    text: (v) =>
      [
        `A withdrawal address was added to your allow-list: ${v.address} (${v.asset}, ${v.network}).`,
        `It can be used from ${v.usableAt}.`,
        `Your addresses: ${v.addressesUrl}`,
        'If it was not you, delete it, change your password and contact support at once.',
      ].join('\n'),
    html: (v) =>
      `<p>A withdrawal address was added to your allow-list: <strong>${v.address}</strong> (${v.asset}, ${v.network}).</p>` +
      `<p>It can be used from ${v.usableAt}.</p><p><a href="${v.addressesUrl ?? ''}">Your addresses</a></p>` +
      '<p>If it was not you, delete it, change your password and contact support at once.</p>',
  },
  'wallet.withdrawal-address-delay-off': {
    requiredVars: ['addressesUrl'],
    subject: () => 'New withdrawal addresses are now usable at once',
    text: (v) =>
      [
        'The waiting period for new withdrawal addresses was turned off on your account:',
        'addresses you add from now on can be used immediately.',
        `Turn it back on: ${v.addressesUrl}`,
        'If it was not you, change your password and contact support at once.',
      ].join('\n'),
    html: (v) =>
      '<p>The waiting period for new withdrawal addresses was turned off on your account: addresses you add ' +
      'from now on can be used immediately.</p>' +
      `<p><a href="${v.addressesUrl ?? ''}">Turn it back on</a></p>` +
      '<p>If it was not you, change your password and contact support at once.</p>',
  },
};

/** Registers the templates the mail service does not know yet. */
export function registerWithdrawalMailTemplates(mail: WalletMail): void {
  const known = new Set(mail.templateNames());
  for (const [name, template] of Object.entries(withdrawalMailTemplates)) {
    if (!known.has(name)) mail.registerTemplate(name, template);
  }
}
