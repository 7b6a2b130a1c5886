import argon2 from 'argon2';
import { normalizePassword } from './password-policy.js';

/**
 * argon2id with the OWASP Password Storage Cheat Sheet's first recommended setting: 19 MiB of memory,
 * 2 iterations, 1 lane (about 30 ms per hash on one core here).
 */
const params = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) of a password. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(normalizePassword(password), params);
}

/** Whether `password` matches the stored hash; false for a malformed hash rather than a throw. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, normalizePassword(password));
  } catch {
    return false;
  }
}

/** Whether a stored hash was made with other parameters than today's (re-hashed at the next login). */
export function needsRehash(hash: string): boolean {
  return argon2.needsRehash(hash, params);
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the time of one verification when there is no hash to check (unknown email), so the answer
 * time does not tell which accounts exist.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= argon2.hash('not a password: timing equaliser', params);
  await argon2.verify(await dummyHash, normalizePassword(password));
  return false;
}
