import { defineErrorCodes } from '@tradeloom/kernel';

/** The access module's error codes and their HTTP statuses. */
export const ACCESS_ERRORS = defineErrorCodes({
  ACCESS_ROLE_NOT_FOUND: 404,
  ACCESS_ROLE_EXISTS: 409,
  /** A role name, description or permission list out of bounds. */
  ACCESS_ROLE_INVALID: 400,
  /** System roles cannot be deleted, and super_admin cannot be edited. */
  ACCESS_SYSTEM_ROLE: 409,
  /** Deleting a role that users still hold. */
  ACCESS_ROLE_IN_USE: 409,
  ACCESS_LAST_SUPER_ADMIN: 409,
  ACCESS_UNKNOWN_PERMISSION: 400,
  /** Granting, revoking or editing a role with permissions the acting user does not hold. */
  ACCESS_PRIVILEGE_ESCALATION: 403,
  ACCESS_AUDIT_CURSOR_INVALID: 400,
});
