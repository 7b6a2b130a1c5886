import type { Queryable } from '@tradeloom/db';

/** A user's address and name, read in the caller's transaction (PGlite has one connection: never another). */
export async function contactOf(
  db: Queryable,
  userId: string,
): Promise<{ email: string; displayName: string | null } | null> {
  const { rows } = await db.query('SELECT email, display_name FROM users WHERE id = $1', [userId]);
  const row = rows[0];
  return row === undefined
    ? null
    : { email: String(row.email), displayName: row.display_name === null ? null : String(row.display_name) };
}

/** The `displayName` mail variable when the user has one. */
export function nameVar(contact: { displayName: string | null }): { displayName?: string } {
  return contact.displayName === null || contact.displayName === ''
    ? {}
    : { displayName: contact.displayName };
}
