import { defineErrorCodes } from '@tradeloom/kernel';

/** The notifications module's error codes and their HTTP statuses. */
export const NOTIFY_ERRORS = defineErrorCodes({
  NOTIFY_NOT_FOUND: 404,
  /** A channel that cannot be turned off (security mail). */
  NOTIFY_PREFERENCE_LOCKED: 400,
  NOTIFY_ANNOUNCEMENT_NOT_FOUND: 404,
  NOTIFY_ANNOUNCEMENT_STATE: 409,
  /** A notification link must be a path in the portal (starting with one /). */
  NOTIFY_LINK_INVALID: 400,
});
