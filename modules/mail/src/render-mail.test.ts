// Proves the rendering rules every mail follows: variables are HTML-escaped in the HTML part, no
// variable can add a line, and the anti-phishing line opens text and HTML when the user has a code.
import { describe, expect, it } from 'vitest';
import { defineMailTemplate } from './mail-template.js';
import { ANTI_PHISHING_LABEL, renderMail } from './render-mail.js';

const note = defineMailTemplate({
  requiredVars: ['name', 'linkUrl'],
  subject: (v) => `Note for ${v.name}`,
  text: (v) => `Hello ${v.name}\n\nOpen ${v.linkUrl}`,
  html: (v) => `<p>Hello ${v.name}</p><p><a href="${v.linkUrl}">open</a></p>`,
});

const context = { antiPhishingCode: 'OWL-42', publicUrl: 'https://ex.example', siteName: 'Ex' };

describe('renderMail', () => {
  it('escapes variables in the HTML part and keeps them as written in the text part', () => {
    const hostile = '<img src=x onerror="alert(1)">&';
    const mail = renderMail(note, { name: hostile, linkUrl: 'https://ex.example/a?b=1&c="2"' }, context);
    expect(mail.html).not.toContain('<img');
    expect(mail.html).toContain('Hello &lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;');
    expect(mail.html).toContain('href="https://ex.example/a?b=1&amp;c=&quot;2&quot;"');
    expect(mail.text).toContain(`Hello ${hostile}`);
    expect(mail.subject).toBe(`Note for ${hostile}`);
  });

  it('opens text and HTML with the anti-phishing line when the user has a code', () => {
    const mail = renderMail(note, { name: 'Ann', linkUrl: 'https://ex.example/x' }, context);
    expect(mail.text.split('\n')[0]).toBe(`${ANTI_PHISHING_LABEL} OWL-42`);
    expect(ANTI_PHISHING_LABEL).toBe('Your anti-phishing code:');
    expect(mail.html).toContain(`${ANTI_PHISHING_LABEL} <strong>OWL-42</strong>`);
    expect(mail.html.indexOf(ANTI_PHISHING_LABEL)).toBeLessThan(mail.html.indexOf('Hello Ann'));
  });

  it('has no anti-phishing line without a code', () => {
    for (const antiPhishingCode of [null, '', '  ']) {
      const mail = renderMail(
        note,
        { name: 'Ann', linkUrl: 'https://ex.example/x' },
        { ...context, antiPhishingCode },
      );
      expect(mail.text).not.toContain(ANTI_PHISHING_LABEL);
      expect(mail.html).not.toContain(ANTI_PHISHING_LABEL);
      expect(mail.text.startsWith('Hello Ann')).toBe(true);
    }
  });

  it('escapes the anti-phishing code in HTML', () => {
    const mail = renderMail(
      note,
      { name: 'Ann', linkUrl: 'https://ex.example/x' },
      { ...context, antiPhishingCode: '<b>&' },
    );
    expect(mail.html).toContain(`${ANTI_PHISHING_LABEL} <strong>&lt;b&gt;&amp;</strong>`);
  });

  it('a variable cannot forge a line, such as a second anti-phishing line, or a header', () => {
    const forged = `Ann\r\n\r\n${ANTI_PHISHING_LABEL} FAKE`;
    const mail = renderMail(note, { name: forged, linkUrl: 'https://ex.example/x' }, context);
    const lines = mail.text.split('\n');
    expect(lines.filter((line) => line.startsWith(ANTI_PHISHING_LABEL))).toEqual([
      `${ANTI_PHISHING_LABEL} OWL-42`,
    ]);
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.html).not.toContain('<p>Your anti-phishing code: FAKE');
  });

  it('adds the footer with the site and its address', () => {
    const mail = renderMail(note, { name: 'Ann', linkUrl: 'https://ex.example/x' }, context);
    expect(mail.text).toContain('\n-- \nEx · https://ex.example\n');
    expect(mail.html).toContain('<a href="https://ex.example"');
    expect(mail.text).not.toMatch(/\n\n\n/);
  });
});
