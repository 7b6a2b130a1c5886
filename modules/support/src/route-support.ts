// The shared route helpers (packages/kernel), with the upload statuses this module answers.
import { errorResponses as common, errorBodySchema } from '@tradeloom/kernel';

export { actorOf, isoOf, isoOrNull, isoTime, msOf } from '@tradeloom/kernel';

export const errorResponses = { ...common, 413: errorBodySchema, 415: errorBodySchema };
