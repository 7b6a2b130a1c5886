import type { Queryable } from '@tradeloom/db';
import { isoOf, msOrNull } from './timestamps.js';

/** A user as other modules and the API see it (no hashes, no codes). */
export interface User {
  id: string;
  email: string;
  emailVerified: boolean;
  emailVerifiedAt: string | null;
  displayName: string | null;
  status: 'active' | 'blocked';
  twoFactorEnabled: boolean;
  antiPhishingCodeSet: boolean;
  /** ISO time until which withdrawals are refused after a security change (may be in the past). */
  withdrawalsLockedUntil: string | null;
  createdAt: string;
}

/** A users row with what the flows need of it, internal to the module. */
export interface UserRecord {
  id: string;
  email: string;
  emailVerifiedAtMs: number | null;
  passwordHash: string | null;
  displayName: string | null;
  status: 'active' | 'blocked';
  antiPhishingCode: string | null;
  withdrawalsLockedUntilMs: number | null;
  failedAuthCount: number;
  lockedUntilMs: number | null;
  createdAtMs: number;
  /** TOTP or at least one passkey. */
  twoFactorEnabled: boolean;
  totpEnabled: boolean;
  hasPasskeys: boolean;
}

// A second factor is an active TOTP factor or any passkey.
const selectUser = `SELECT u.*, EXISTS (
    SELECT 1 FROM user_factors f WHERE f.user_id = u.id AND f.kind = 'totp' AND f.status = 'active'
  ) AS totp_enabled, EXISTS (SELECT 1 FROM passkeys p WHERE p.user_id = u.id) AS has_passkeys
  FROM users u`;

/** The user with this id, or null. */
export async function findUserById(q: Queryable, id: string): Promise<UserRecord | null> {
  const { rows } = await q.query(`${selectUser} WHERE u.id = $1`, [id]);
  return rows[0] === undefined ? null : recordOf(rows[0]);
}

/** The user with this (already normalised) email, or null. */
export async function findUserByEmail(q: Queryable, email: string): Promise<UserRecord | null> {
  const { rows } = await q.query(`${selectUser} WHERE u.email = $1`, [email]);
  return rows[0] === undefined ? null : recordOf(rows[0]);
}

/** The user row locked for the rest of the transaction (`FOR UPDATE`), or null. */
export async function lockUser(q: Queryable, id: string): Promise<UserRecord | null> {
  const { rows } = await q.query(`${selectUser} WHERE u.id = $1 FOR UPDATE OF u`, [id]);
  return rows[0] === undefined ? null : recordOf(rows[0]);
}

/** The public view of a record. */
export function publicUser(record: UserRecord): User {
  return {
    id: record.id,
    email: record.email,
    emailVerified: record.emailVerifiedAtMs !== null,
    emailVerifiedAt: record.emailVerifiedAtMs === null ? null : isoOf(record.emailVerifiedAtMs),
    displayName: record.displayName,
    status: record.status,
    twoFactorEnabled: record.twoFactorEnabled,
    antiPhishingCodeSet: record.antiPhishingCode !== null,
    withdrawalsLockedUntil:
      record.withdrawalsLockedUntilMs === null ? null : isoOf(record.withdrawalsLockedUntilMs),
    createdAt: isoOf(record.createdAtMs),
  };
}

function recordOf(row: Record<string, unknown>): UserRecord {
  return {
    id: String(row.id),
    email: String(row.email),
    emailVerifiedAtMs: msOrNull(row.email_verified_at),
    passwordHash: row.password_hash === null ? null : String(row.password_hash),
    displayName: row.display_name === null ? null : String(row.display_name),
    status: row.status === 'blocked' ? 'blocked' : 'active',
    antiPhishingCode: row.anti_phishing_code === null ? null : String(row.anti_phishing_code),
    withdrawalsLockedUntilMs: msOrNull(row.withdrawals_locked_until),
    failedAuthCount: Number(row.failed_auth_count),
    lockedUntilMs: msOrNull(row.locked_until),
    createdAtMs: msOrNull(row.created_at) ?? 0,
    twoFactorEnabled: row.totp_enabled === true || row.has_passkeys === true,
    totpEnabled: row.totp_enabled === true,
    hasPasskeys: row.has_passkeys === true,
  };
}
