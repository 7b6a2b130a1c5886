/** The ISO-8601 UTC form of epoch milliseconds, as written to timestamptz columns and answered. */
export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

/** Epoch milliseconds of a timestamptz as either driver returns it ('2024-01-01 12:00:00.123+00'). */
export function msOf(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new Error(`not a timestamp: ${String(value)}`);
  return ms;
}

/** `msOf`, with null for SQL NULL. */
export function msOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : msOf(value);
}

/** The ISO form of a timestamptz value, or null. */
export function isoOrNull(value: unknown): string | null {
  const ms = msOrNull(value);
  return ms === null ? null : isoOf(ms);
}
