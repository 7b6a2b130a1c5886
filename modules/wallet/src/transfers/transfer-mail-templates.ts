import type { WalletMailTemplate } from '../wallet-context.js';

export const TRANSFER_SENT_TEMPLATE = 'wallet.transfer-sent';
export const TRANSFER_RECEIVED_TEMPLATE = 'wallet.transfer-received';

const hello = (name: string | undefined) => (name === undefined || name === '' ? 'Hello,' : `Hello ${name},`);

export const transferMailTemplates: Readonly<Record<string, WalletMailTemplate>> = {
  [TRANSFER_SENT_TEMPLATE]: {
    requiredVars: ['amount', 'asset', 'recipient', 'transferId', 'historyUrl'],
    optionalVars: ['displayName'],
    subject: (v) => `You sent ${v.amount} ${v.asset}`,
    text: (v) =>
      [
        hello(v.displayName),
        '',
        `You sent ${v.amount} ${v.asset} to ${v.recipient} (transfer ${v.transferId}).`,
        `Your history: ${v.historyUrl}`,
        '',
        'If this was not you, change your password and contact support at once.',
      ].join('\n'),
    html: (v) =>
      `<p>${hello(v.displayName)}</p>` +
      `<p>You sent <strong>${v.amount} ${v.asset}</strong> to ${v.recipient} (transfer ${v.transferId}).</p>` +
      `<p><a href="${v.historyUrl}">Your history</a></p>` +
      '<p>If this was not you, change your password and contact support at once.</p>',
  },
  [TRANSFER_RECEIVED_TEMPLATE]: {
    requiredVars: ['amount', 'asset', 'sender', 'transferId', 'historyUrl'],
    optionalVars: ['displayName'],
    subject: (v) => `You received ${v.amount} ${v.asset}`,
    text: (v) =>
      [
        hello(v.displayName),
        '',
        `You received ${v.amount} ${v.asset} from ${v.sender} (transfer ${v.transferId}).`,
        `Your history: ${v.historyUrl}`,
      ].join('\n'),
    html: (v) =>
      `<p>${hello(v.displayName)}</p>` +
      `<p>You received <strong>${v.amount} ${v.asset}</strong> from ${v.sender} (transfer ${v.transferId}).</p>` +
      `<p><a href="${v.historyUrl}">Your history</a></p>`,
  },
};
