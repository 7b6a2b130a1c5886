import { escapeHtml } from './escape-html.js';
import type { MailTemplate } from './mail-template.js';
import { oneLine } from './one-line.js';

/** What a mail is rendered with besides its variables. */
export interface RenderContext {
  /** The recipient's anti-phishing code; null when the mail is not to a user or they set none. */
  antiPhishingCode: string | null;
  /** Where users reach the platform (the footer links to it). */
  publicUrl: string;
  /** The name mails are signed with. */
  siteName: string;
}

/** A rendered mail. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** The line every mail to a user with an anti-phishing code opens with, in text and HTML. */
export const ANTI_PHISHING_LABEL = 'Your anti-phishing code:';

const FOOTER_NOTE = 'We never ask for your password or two-factor codes by email.';

// Templates leave a blank line where an optional variable is absent; one blank line is enough.
function collapseBlankLines(text: string): string {
  return text
    .trim()
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n');
}

function mapValues(
  vars: Readonly<Record<string, string>>,
  fn: (value: string) => string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(vars)) out[name] = fn(value);
  return out;
}

/**
 * Renders a template into subject, text and HTML inside the common layout: the anti-phishing line
 * first (when there is a code), the template's body, then the footer. Variables are made single-line
 * for every part and HTML-escaped for the HTML part.
 */
export function renderMail(
  template: MailTemplate,
  vars: Readonly<Record<string, string>>,
  context: RenderContext,
): RenderedMail {
  // Variables are single-line values: a CR/LF in one could forge lines of the mail, such as a fake
  // anti-phishing line under the real one.
  const plain = mapValues(vars, oneLine);
  const escaped = mapValues(plain, escapeHtml);
  const subject = oneLine(template.subject(plain));
  const code = context.antiPhishingCode === null ? '' : oneLine(context.antiPhishingCode);
  const site = oneLine(context.siteName);

  const textParts: string[] = [];
  if (code !== '') textParts.push(`${ANTI_PHISHING_LABEL} ${code}`, '');
  textParts.push(
    collapseBlankLines(template.text(plain)),
    '',
    '-- ',
    `${site} · ${context.publicUrl}`,
    FOOTER_NOTE,
    '',
  );
  const text = textParts.join('\n');

  const antiPhishingHtml =
    code === ''
      ? ''
      : `<p style="margin:0 0 16px;padding:8px 12px;background:#f3f4f6;border-radius:4px">${ANTI_PHISHING_LABEL} <strong>${escapeHtml(code)}</strong></p>\n`;
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:24px;font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;color:#111827;background:#ffffff">
<div style="max-width:560px;margin:0 auto">
${antiPhishingHtml}${template.html(escaped).trim()}
<hr style="margin:24px 0;border:none;border-top:1px solid #e5e7eb">
<p style="margin:0;font-size:12px;color:#6b7280">${escapeHtml(site)} · <a href="${escapeHtml(context.publicUrl)}" style="color:#6b7280">${escapeHtml(context.publicUrl)}</a><br>${FOOTER_NOTE}</p>
</div>
</body>
</html>
`;
  return { subject, text, html };
}
