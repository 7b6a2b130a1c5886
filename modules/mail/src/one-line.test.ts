// Proves oneLine leaves no control character (no forged line) and keeps the visible text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { oneLine } from './one-line.js';

describe('oneLine', () => {
  it('turns runs of CR, LF and other controls into one space and trims', () => {
    expect(oneLine('  Alice\r\n\r\nYour anti-phishing code: FAKE\t\u0000x ')).toBe(
      'Alice Your anti-phishing code: FAKE x',
    );
    expect(oneLine('plain text')).toBe('plain text');
  });

  it('never returns a control character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const line = oneLine(text);
        for (const char of line) {
          const code = char.charCodeAt(0);
          expect(code >= 0x20 && code !== 0x7f).toBe(true);
        }
      }),
    );
  });
});
