/**
 * The text with every run of control characters (CR and LF above all) replaced by one space and the
 * ends trimmed: a value that cannot forge extra lines in a mail or a log.
 */
export function oneLine(text: string): string {
  let out = '';
  let inControl = false;
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) {
      if (!inControl) out += ' ';
      inControl = true;
    } else {
      out += char;
      inControl = false;
    }
  }
  return out.trim();
}
