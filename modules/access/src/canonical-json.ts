/** A JSON value as PostgreSQL's jsonb stores it and JSON.parse returns it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

// A lone surrogate (half of a UTF-16 pair): PostgreSQL refuses it in jsonb, UTF-8 cannot encode it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const REPLACEMENT = '\uFFFD';

/**
 * Turns any value into the JSON value that jsonb will store and give back unchanged: what
 * JSON.stringify keeps (Dates become ISO strings, undefined members vanish), bigints as decimal
 * strings, and strings (keys too) with NUL and lone surrogates replaced by U+FFFD, which jsonb
 * refuses. Returns undefined for undefined (nothing to store).
 */
export function toJsonValue(value: unknown): JsonValue | undefined {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'bigint' ? item.toString() : item,
  );
  if (text === undefined) return undefined;
  return cleanStrings(JSON.parse(text) as JsonValue);
}

function cleanStrings(value: JsonValue): JsonValue {
  if (typeof value === 'string') return cleanString(value);
  if (Array.isArray(value)) return value.map(cleanStrings);
  if (value !== null && typeof value === 'object') {
    // fromEntries defines own properties, so a key named "__proto__" stays a key.
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [cleanString(key), cleanStrings(item)]),
    );
  }
  return value;
}

/** False when `text` holds NUL or a lone surrogate, which text columns and jsonb cannot store as is. */
export function isStorableText(text: string): boolean {
  LONE_SURROGATE.lastIndex = 0;
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text);
}

function cleanString(text: string): string {
  return text.replaceAll('\u0000', REPLACEMENT).replace(LONE_SURROGATE, REPLACEMENT);
}

/**
 * The canonical text of a JSON value (RFC 8785, JCS): object keys sorted by UTF-16 code units, no
 * whitespace, numbers and strings as ECMAScript's JSON.stringify writes them. Two values that are
 * equal as JSON have the same canonical text, whatever order or spacing they were stored in.
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new Error(`canonicalJson: ${value} is not a JSON number`);
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as JsonValue)}`).join(',')}}`;
}
