import { defineErrorCodes } from '@tradeloom/kernel';

/** The mail module's expected failures and their HTTP statuses. */
export const mailErrors = defineErrorCodes({
  MAIL_NOT_FOUND: 404,
  MAIL_ALREADY_SENT: 409,
  MAIL_BEING_DELIVERED: 409,
  MAIL_DELIVERY_DISABLED: 409,
  MAIL_CONTENT_UNAVAILABLE: 409,
  MAIL_CURSOR_INVALID: 400,
});
