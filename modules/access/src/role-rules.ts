import { DomainError } from '@tradeloom/kernel';
import './errors.js';
import { type PermissionCatalog, unknownPermissions } from './permission-catalog.js';

const ROLE_NAME = /^[a-z][a-z0-9_]{1,39}$/;
const DESCRIPTION_LENGTH_MAX = 500;
const ROLE_PERMISSIONS_MAX = 200;

/**
 * Actors that are the operator rather than a signed-in user (the CLI, start-up tasks): they may grant
 * anything. Every other actor is taken to be a user id and may only hand out what it holds itself,
 * so an actor of an unknown kind holds nothing and can grant nothing (fails closed).
 */
export function isOperatorActor(actor: string): boolean {
  return actor === 'system' || actor.startsWith('cli:');
}

/** Refuses a role name the roles table would refuse (2-40 of a-z, 0-9, _; a letter first). */
export function checkRoleName(name: string): void {
  if (!ROLE_NAME.test(name)) {
    throw new DomainError(
      'ACCESS_ROLE_INVALID',
      'A role name is 2-40 characters: a-z first, then a-z, 0-9 or _',
    );
  }
}

/** Refuses a description longer than the admin UI shows. */
export function checkDescription(description: string): void {
  if (description.length > DESCRIPTION_LENGTH_MAX) {
    throw new DomainError(
      'ACCESS_ROLE_INVALID',
      `A description holds at most ${DESCRIPTION_LENGTH_MAX} characters`,
    );
  }
}

/** The entries deduplicated and sorted; refuses names no module defines (patterns are allowed). */
export function checkPermissionEntries(entries: readonly string[], catalog: PermissionCatalog): string[] {
  const unique = [...new Set(entries)].sort();
  const unknown = unknownPermissions(unique, catalog);
  if (unknown.length > 0) {
    throw new DomainError('ACCESS_UNKNOWN_PERMISSION', `Unknown permission: ${unknown.join(', ')}`, {
      unknown,
    });
  }
  if (unique.length > ROLE_PERMISSIONS_MAX) {
    throw new DomainError('ACCESS_ROLE_INVALID', `A role holds at most ${ROLE_PERMISSIONS_MAX} entries`);
  }
  return unique;
}
