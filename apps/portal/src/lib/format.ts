// Numbers shown per locale without going through floating point: the API's decimal strings keep
// their digits, only the separators change.

const separatorCache = new Map<string, { group: string; decimal: string }>();

function separators(locale: string): { group: string; decimal: string } {
  const cached = separatorCache.get(locale);
  if (cached !== undefined) return cached;
  const parts = new Intl.NumberFormat(locale).formatToParts(12345.6);
  const found = {
    group: parts.find((part) => part.type === 'group')?.value ?? ',',
    decimal: parts.find((part) => part.type === 'decimal')?.value ?? '.',
  };
  separatorCache.set(locale, found);
  return found;
}

/**
 * Formats a decimal string ("-12345.6700") for `locale` ("-12,345.6700" in en, "-12.345,6700" in de).
 * `decimals` cuts or pads the fraction (cutting truncates: these are displays, not amounts to pay).
 * Anything that is not a plain decimal is returned as it is.
 */
export function formatDecimal(text: string, locale: string, decimals?: number): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (match === null) return text;
  const [, sign = '', integer = '', fraction = ''] = match;
  const { group, decimal } = separators(locale);
  const grouped = integer.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  const shown = decimals === undefined ? fraction : fraction.slice(0, decimals).padEnd(decimals, '0');
  return `${sign}${grouped}${shown === '' ? '' : `${decimal}${shown}`}`;
}

/** How many decimals a step such as "0.0100" has that matter ("0.01" → 2). */
export function stepDecimals(step: string): number {
  const dot = step.indexOf('.');
  return dot === -1 ? 0 : step.slice(dot + 1).replace(/0+$/, '').length;
}

/** A signed percentage string ("2.5" → "+2.50 %") for locale. */
export function formatPercent(text: string, locale: string): string {
  const negative = text.startsWith('-');
  const body = formatDecimal(negative ? text.slice(1) : text, locale, 2);
  const zero = /^[0.,]+$/.test(body);
  return `${negative ? '−' : zero ? '' : '+'}${body} %`;
}

/** Which way a signed change went: colours and arrows follow it (zero is neither). */
export function direction(change: string): 'up' | 'down' | 'flat' {
  if (change.startsWith('-')) return 'down';
  return /^[0.]*$/.test(change) ? 'flat' : 'up';
}

/** A ticker's price, or undefined while the market has no trade yet (the API answers "0"). */
export function tradedPrice(price: string | undefined): string | undefined {
  return price === undefined || /^[0.]*$/.test(price) ? undefined : price;
}
