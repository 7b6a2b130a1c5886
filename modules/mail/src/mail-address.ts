// A recipient is one plain address: no display name, list or line break an attacker could use to
// add recipients or headers (identity validates addresses properly; this is the last guard).
const PLAIN_ADDRESS = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/;

/** True for one plain address (`name@example.com`). */
export function isPlainAddress(text: string): boolean {
  return text.length <= 254 && PLAIN_ADDRESS.test(text);
}

/** The display name of a From header (`Ex <no-reply@ex.com>` → `Ex`), or null when it has none. */
export function displayNameOf(from: string): string | null {
  const match = /^\s*"?([^"<]*?)"?\s*<[^>]+>\s*$/.exec(from);
  const name = match?.[1]?.trim();
  return name === undefined || name === '' ? null : name;
}

/** The domain of a From header's address (`Ex <no-reply@ex.com>` → `ex.com`), or null. */
export function domainOf(from: string): string | null {
  const match = /@([^\s>]+)\s*>?\s*$/.exec(from);
  return match?.[1] ?? null;
}
