import type { SupportMail, SupportMailTemplate } from './support-context.js';

/** The mail a user gets when an agent replies (never for internal notes). */
export const supportMailTemplates: Readonly<Record<string, SupportMailTemplate>> = {
  'support.reply': {
    requiredVars: ['subject', 'ticketId', 'reply', 'ticketUrl'],
    subject: (v) => `Re: ${v.subject ?? ''} [${v.ticketId ?? ''}]`,
    text: (v) =>
      [
        `Our support team replied to your ticket "${v.subject}":`,
        '',
        v.reply ?? '',
        '',
        `Answer here: ${v.ticketUrl}`,
      ].join('\n'),
    html: (v) =>
      `<p>Our support team replied to your ticket <strong>${v.subject}</strong>:</p><blockquote>${v.reply}</blockquote>` +
      `<p><a href="${v.ticketUrl}">Answer here</a></p>`,
  },
};

export function registerSupportMailTemplates(mail: SupportMail): void {
  const known = new Set(mail.templateNames());
  for (const [name, template] of Object.entries(supportMailTemplates)) {
    if (!known.has(name)) mail.registerTemplate(name, template);
  }
}
