import { createHash } from 'node:crypto';
import { canonicalJson, type JsonValue } from './canonical-json.js';

/** The prev_hash of the first entry of the chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** Version of the hashed encoding, part of the hashed text so a future format cannot collide. */
export const AUDIT_HASH_VERSION = 1;

/** The fields of an audit entry that its hash covers, as stored. */
export interface HashedAuditFields {
  /** The row id, as a decimal string. */
  id: string;
  /** Microseconds since the Unix epoch (timestamptz's precision). */
  atUs: bigint;
  actor: string;
  action: string;
  target: string | null;
  ip: string | null;
  before: JsonValue | null;
  after: JsonValue | null;
  prevHash: string;
}

/**
 * SHA-256 (lower-case hex) of the canonical JSON (RFC 8785) of
 * `{ v, id, at, actor, action, target, ip, before, after, prevHash }`, where `at` is ISO-8601 UTC with
 * microseconds and absent fields are null. Everything hashed is exactly what the row stores.
 */
export function hashAuditEntry(fields: HashedAuditFields): string {
  const text = canonicalJson({
    v: AUDIT_HASH_VERSION,
    id: fields.id,
    at: isoMicros(fields.atUs),
    actor: fields.actor,
    action: fields.action,
    target: fields.target,
    ip: fields.ip,
    before: fields.before,
    after: fields.after,
    prevHash: fields.prevHash,
  });
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** `2024-05-01T12:00:00.123456Z` for a count of microseconds since the epoch. */
export function isoMicros(atUs: bigint): string {
  const ms = atUs / 1000n;
  const micros = atUs % 1000n;
  // Floor division for instants before 1970, where % is negative.
  const floorMs = micros < 0n ? ms - 1n : ms;
  const restUs = micros < 0n ? micros + 1000n : micros;
  const iso = new Date(Number(floorMs)).toISOString(); // …T12:00:00.123Z
  return `${iso.slice(0, -1)}${restUs.toString().padStart(3, '0')}Z`;
}
