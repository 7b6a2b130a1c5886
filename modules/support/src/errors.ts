import { defineErrorCodes } from '@tradeloom/kernel';

/** The support module's error codes and their HTTP statuses (attachments: UPLOAD_* from the KYC toolkit). */
export const SUPPORT_ERRORS = defineErrorCodes({
  SUPPORT_TICKET_NOT_FOUND: 404,
  /** A closed ticket takes no more messages: open a new one. */
  SUPPORT_TICKET_CLOSED: 409,
  SUPPORT_CANNED_NOT_FOUND: 404,
  /** The assignee does not hold the support permission. */
  SUPPORT_ASSIGNEE_INVALID: 400,
  SUPPORT_ATTACHMENT_NOT_FOUND: 404,
  SUPPORT_LINK_INVALID: 403,
  /** More attachments than one message takes. */
  SUPPORT_TOO_MANY_ATTACHMENTS: 400,
});
