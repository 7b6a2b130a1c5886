import type { Queryable } from '@tradeloom/db';

/** A role as stored. */
export interface RoleRow {
  name: string;
  description: string;
  /** Catalog names, prefix patterns ('admin:*') or '*', sorted. */
  permissions: string[];
  isSystem: boolean;
  /** ISO-8601 UTC. */
  createdAt: string;
  updatedAt: string;
}

const ROLE_COLUMNS = `name, description, permissions, is_system,
  (extract(epoch FROM created_at) * 1000)::int8 AS created_ms,
  (extract(epoch FROM updated_at) * 1000)::int8 AS updated_ms`;

function roleOf(row: Record<string, unknown>): RoleRow {
  return {
    name: row.name as string,
    description: row.description as string,
    permissions: [...(row.permissions as string[])],
    isSystem: row.is_system as boolean,
    createdAt: isoOf(row.created_ms),
    updatedAt: isoOf(row.updated_ms),
  };
}

function isoOf(ms: unknown): string {
  return new Date(Number(ms as bigint)).toISOString();
}

/** One role, or undefined. */
export async function findRole(db: Queryable, name: string): Promise<RoleRow | undefined> {
  const { rows } = await db.query(`SELECT ${ROLE_COLUMNS} FROM roles WHERE name = $1`, [name]);
  return rows[0] === undefined ? undefined : roleOf(rows[0]);
}

/** Every role, by name. */
export async function listRoleRows(db: Queryable): Promise<RoleRow[]> {
  const { rows } = await db.query(`SELECT ${ROLE_COLUMNS} FROM roles ORDER BY name`);
  return rows.map(roleOf);
}

/** Inserts a role; false when one of that name exists already. */
export async function insertRole(
  db: Queryable,
  role: { name: string; description: string; permissions: readonly string[]; isSystem: boolean },
  atIso: string,
): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO roles (name, description, permissions, is_system, created_at, updated_at)
     VALUES ($1, $2, $3::text[], $4, $5::timestamptz, $5::timestamptz)
     ON CONFLICT (name) DO NOTHING RETURNING name`,
    [role.name, role.description, [...role.permissions], role.isSystem, atIso],
  );
  return rows.length === 1;
}

/** Replaces a role's description, permissions and system flag. */
export async function updateRoleRow(
  db: Queryable,
  name: string,
  change: { description: string; permissions: readonly string[]; isSystem: boolean },
  atIso: string,
): Promise<void> {
  await db.query(
    `UPDATE roles SET description = $2, permissions = $3::text[], is_system = $4, updated_at = $5::timestamptz
     WHERE name = $1`,
    [name, change.description, [...change.permissions], change.isSystem, atIso],
  );
}

/** Deletes a role (its assignments must be gone: the foreign key restricts). */
export async function deleteRoleRow(db: Queryable, name: string): Promise<void> {
  await db.query('DELETE FROM roles WHERE name = $1', [name]);
}

/** The names of a user's roles, sorted. */
export async function roleNamesOf(db: Queryable, userId: string): Promise<string[]> {
  const { rows } = await db.query('SELECT role_name FROM user_roles WHERE user_id = $1 ORDER BY role_name', [
    userId,
  ]);
  return rows.map((row) => row.role_name as string);
}

/** The stored permission entries of each of a user's roles. */
export async function rolePermissionsOf(
  db: Queryable,
  userId: string,
): Promise<{ name: string; permissions: string[] }[]> {
  const { rows } = await db.query(
    `SELECT r.name, r.permissions FROM user_roles ur JOIN roles r ON r.name = ur.role_name
     WHERE ur.user_id = $1`,
    [userId],
  );
  return rows.map((row) => ({ name: row.name as string, permissions: row.permissions as string[] }));
}

/** Grants a role; false when the user held it already. */
export async function insertUserRole(
  db: Queryable,
  grant: { userId: string; roleName: string; grantedBy: string },
  atIso: string,
): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO user_roles (user_id, role_name, granted_by, granted_at) VALUES ($1, $2, $3, $4::timestamptz)
     ON CONFLICT (user_id, role_name) DO NOTHING RETURNING user_id`,
    [grant.userId, grant.roleName, grant.grantedBy, atIso],
  );
  return rows.length === 1;
}

/** Takes a role away; false when the user did not hold it. */
export async function deleteUserRole(db: Queryable, userId: string, roleName: string): Promise<boolean> {
  const { rows } = await db.query(
    'DELETE FROM user_roles WHERE user_id = $1 AND role_name = $2 RETURNING user_id',
    [userId, roleName],
  );
  return rows.length === 1;
}

/** How many users hold a role. */
export async function countHolders(db: Queryable, roleName: string): Promise<number> {
  const { rows } = await db.query('SELECT count(*)::int4 AS holders FROM user_roles WHERE role_name = $1', [
    roleName,
  ]);
  return Number(rows[0]?.holders ?? 0);
}
