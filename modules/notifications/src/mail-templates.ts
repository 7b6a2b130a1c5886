import type { NotifyMail, NotifyMailTemplate } from './notifications-context.js';

const linkText = (url: string | undefined) => (url === undefined || url === '' ? [] : ['', url]);

/** A notification by mail, and an announcement by mail. */
export const notificationMailTemplates: Readonly<Record<string, NotifyMailTemplate>> = {
  'notifications.notice': {
    requiredVars: ['title', 'body'],
    optionalVars: ['linkUrl'],
    subject: (v) => v.title ?? '',
    text: (v) => [v.body ?? '', ...linkText(v.linkUrl)].join('\n'),
    html: (v) =>
      `<p>${v.body ?? ''}</p>${v.linkUrl === undefined || v.linkUrl === '' ? '' : `<p><a href="${v.linkUrl}">${v.linkUrl}</a></p>`}`,
  },
  'notifications.announcement': {
    requiredVars: ['title', 'body'],
    optionalVars: ['linkUrl'],
    subject: (v) => v.title ?? '',
    text: (v) => [v.title ?? '', '', v.body ?? '', ...linkText(v.linkUrl)].join('\n'),
    html: (v) =>
      `<h2>${v.title ?? ''}</h2><p>${v.body ?? ''}</p>${v.linkUrl === undefined || v.linkUrl === '' ? '' : `<p><a href="${v.linkUrl}">${v.linkUrl}</a></p>`}`,
  },
};

export function registerNotificationMailTemplates(mail: NotifyMail): void {
  const known = new Set(mail.templateNames());
  for (const [name, template] of Object.entries(notificationMailTemplates)) {
    if (!known.has(name)) mail.registerTemplate(name, template);
  }
}
