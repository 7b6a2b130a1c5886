import { defineErrorCodes } from '@tradeloom/kernel';

/** The KYC module's error codes and their HTTP statuses (uploads: UPLOAD_* in files/upload.ts). */
export const KYC_ERRORS = defineErrorCodes({
  KYC_LEVEL_INVALID: 400,
  /** The user already holds this level or a higher one. */
  KYC_LEVEL_HELD: 409,
  /** No active form for the level: nobody can apply for it yet. */
  KYC_TEMPLATE_NOT_ACTIVE: 409,
  KYC_TEMPLATE_NOT_FOUND: 404,
  /** A form's field list that does not hold together (duplicate keys, a select without options, …). */
  KYC_TEMPLATE_INVALID: 400,
  KYC_TEMPLATE_STATE: 409,
  /** Answers that do not satisfy the form; `details.fields` lists each field and why. */
  KYC_ANSWERS_INVALID: 400,
  /** The user has an application waiting for review already. */
  KYC_APPLICATION_PENDING: 409,
  KYC_APPLICATION_NOT_FOUND: 404,
  /** The application is not in a state that allows this decision. */
  KYC_APPLICATION_STATE: 409,
  KYC_DOCUMENT_NOT_FOUND: 404,
  /** A file link whose signature does not check out or whose time is up. */
  KYC_LINK_INVALID: 403,
  KYC_PROVIDER_NOT_FOUND: 404,
  KYC_WEBHOOK_INVALID: 400,
  KYC_USER_NOT_FOUND: 404,
});
