import type { WebAuthnCredential } from '@simplewebauthn/server';
import type { Queryable } from '@tradeloom/db';
import { isoOf, isoOrNull, msOf } from './timestamps.js';

/** A stored passkey, as the flows need it. */
export interface PasskeyRecord {
  id: string;
  userId: string;
  credentialId: string;
  publicKey: Uint8Array<ArrayBuffer>;
  counter: number;
  transports: string[];
}

/** A passkey as its owner sees it (no key material). */
export interface PasskeyView {
  id: string;
  label: string;
  aaguid: string;
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  transports: string[];
  createdAt: string;
  lastUsedAt: string | null;
}

/** The passkey with this credential id, or null. */
export async function findPasskeyByCredentialId(
  q: Queryable,
  credentialId: string,
): Promise<PasskeyRecord | null> {
  const { rows } = await q.query(
    'SELECT id, user_id, credential_id, public_key, counter, transports FROM passkeys WHERE credential_id = $1',
    [credentialId],
  );
  const row = rows[0];
  return row === undefined ? null : recordOf(row);
}

/** The user's passkeys with their key material (for allowCredentials / excludeCredentials). */
export async function passkeyRecordsOf(q: Queryable, userId: string): Promise<PasskeyRecord[]> {
  const { rows } = await q.query(
    `SELECT id, user_id, credential_id, public_key, counter, transports FROM passkeys
     WHERE user_id = $1 ORDER BY created_at, id`,
    [userId],
  );
  return rows.map(recordOf);
}

/** The user's passkeys, oldest first. */
export async function listPasskeys(q: Queryable, userId: string): Promise<PasskeyView[]> {
  const { rows } = await q.query(
    `SELECT id, label, aaguid, device_type, backed_up, transports, created_at, last_used_at FROM passkeys
     WHERE user_id = $1 ORDER BY created_at, id`,
    [userId],
  );
  return rows.map((row) => ({
    id: String(row.id),
    label: String(row.label),
    aaguid: String(row.aaguid),
    deviceType: row.device_type === 'multiDevice' ? 'multiDevice' : 'singleDevice',
    backedUp: row.backed_up === true,
    transports: transportsOf(row.transports),
    createdAt: isoOf(msOf(row.created_at)),
    lastUsedAt: isoOrNull(row.last_used_at),
  }));
}

/**
 * Stores a used signature counter, only if it moved forward (or both are 0: authenticators that do
 * not count, such as synced passkeys). Conditional, so two racing uses of one counter value cannot
 * both succeed. False when the stored counter is already at or past it.
 */
export async function advanceCounter(
  q: Queryable,
  passkeyId: string,
  counter: number,
  nowMs: number,
): Promise<boolean> {
  const { rows } = await q.query(
    `UPDATE passkeys SET counter = $2, last_used_at = $3
     WHERE id = $1 AND (counter < $2 OR (counter = 0 AND $2 = 0)) RETURNING id`,
    [passkeyId, counter, isoOf(nowMs)],
  );
  return rows.length > 0;
}

/** What @simplewebauthn/server verifies an assertion against. */
export function credentialOf(record: PasskeyRecord, counter = record.counter): WebAuthnCredential {
  return {
    id: record.credentialId,
    publicKey: record.publicKey,
    counter,
    transports: record.transports,
  };
}

function recordOf(row: Record<string, unknown>): PasskeyRecord {
  return {
    id: String(row.id),
    userId: String(row.user_id),
    credentialId: String(row.credential_id),
    publicKey: new Uint8Array(Buffer.from(String(row.public_key), 'base64url')),
    counter: Number(row.counter),
    transports: transportsOf(row.transports),
  };
}

function transportsOf(value: unknown): string[] {
  try {
    const parsed: unknown = JSON.parse(String(value));
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}
