// Proves each built-in template renders with just its required variables, carries its links in text
// and HTML, escapes hostile optional values, and refuses to render without a required variable.
import { describe, expect, it } from 'vitest';
import { builtinTemplates } from './builtin-templates.js';
import { checkTemplateVars } from './mail-template.js';
import { ANTI_PHISHING_LABEL, renderMail } from './render-mail.js';

const context = { antiPhishingCode: 'KITE-7', publicUrl: 'https://ex.example', siteName: 'Ex' };

function sampleValue(name: string): string {
  return /url$/i.test(name) ? `https://ex.example/${name}?token=tok_${name}` : `${name}-value`;
}

describe('built-in templates', () => {
  it('are the identity templates the platform needs', () => {
    expect(Object.keys(builtinTemplates).sort()).toEqual([
      'identity.account-locked',
      'identity.email-changed',
      'identity.login-new-device',
      'identity.password-changed',
      'identity.reset-password',
      'identity.two-factor-changed',
      'identity.verify-email',
    ]);
  });

  for (const [name, template] of Object.entries(builtinTemplates)) {
    describe(name, () => {
      const required = Object.fromEntries(template.requiredVars.map((v) => [v, sampleValue(v)]));

      it('renders with its required variables only; every value shows in text and HTML', () => {
        checkTemplateVars(name, template, required);
        const mail = renderMail(template, required, context);
        expect(mail.subject.length).toBeGreaterThan(5);
        expect(mail.text.split('\n')[0]).toBe(`${ANTI_PHISHING_LABEL} KITE-7`);
        for (const [varName, value] of Object.entries(required)) {
          expect(mail.text, varName).toContain(value);
          if (/url$/i.test(varName)) expect(mail.html).toContain(`href="${value}"`);
          else expect(mail.html).toContain(value);
        }
        expect(mail.text).not.toContain('undefined');
        expect(mail.html).not.toContain('undefined');
      });

      it('escapes hostile optional values in HTML', () => {
        const hostile = '<script>alert(1)</script>';
        const optional = Object.fromEntries((template.optionalVars ?? []).map((v) => [v, hostile]));
        const mail = renderMail(template, { ...required, ...optional }, context);
        expect(mail.html).not.toContain('<script>');
        if (template.optionalVars?.includes('displayName')) {
          expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
          expect(mail.text).toContain(hostile);
        }
      });

      if (template.requiredVars.length > 0) {
        it('refuses a mail without its required variables', () => {
          expect(() => checkTemplateVars(name, template, {})).toThrow(`mail template '${name}' needs`);
        });
      }
    });
  }
});
