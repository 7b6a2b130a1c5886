// Applications, documents and forms as the API shows them (times as ISO 8601).
import { z } from 'zod';
import type { Application, ApplicationEvent } from './applications/application.js';
import { APPLICATION_STATUSES } from './applications/application.js';
import type { ReviewDocument } from './applications/review-service.js';
import { isoOf, isoTime } from './route-support.js';
import { fieldSchema, TEMPLATE_STATUSES, type Template } from './templates/template.js';

export const templateSchema = z.object({
  id: z.string().describe('ktpl_…'),
  familyId: z.string().describe('Versions of one form share it'),
  version: z.number().int(),
  level: z.number().int(),
  name: z.string(),
  fields: z.array(fieldSchema),
  status: z.enum(TEMPLATE_STATUSES),
  createdAt: isoTime,
  activatedAt: isoTime.nullable(),
});

export function templateView(t: Template): z.infer<typeof templateSchema> {
  return {
    id: t.id,
    familyId: t.familyId,
    version: t.version,
    level: t.level,
    name: t.name,
    fields: t.fields,
    status: t.status,
    createdAt: isoOf(t.createdAtMs),
    activatedAt: t.activatedAtMs === null ? null : isoOf(t.activatedAtMs),
  };
}

export const applicationSchema = z.object({
  id: z.string().describe('kyc_…'),
  level: z.number().int(),
  templateId: z.string(),
  status: z.enum(APPLICATION_STATUSES),
  reason: z.string().nullable().describe('Why it was rejected or what to change'),
  changeFields: z.array(z.string()).describe('Fields the reviewer asked to change'),
  reverificationRequired: z.boolean(),
  submittedAt: isoTime,
  decidedAt: isoTime.nullable(),
});

export function applicationView(a: Application): z.infer<typeof applicationSchema> {
  return {
    id: a.id,
    level: a.level,
    templateId: a.templateId,
    status: a.status,
    reason: a.reason,
    changeFields: a.changeFields,
    reverificationRequired: a.reverificationRequired,
    submittedAt: isoOf(a.submittedAtMs),
    decidedAt: a.decidedAtMs === null ? null : isoOf(a.decidedAtMs),
  };
}

export const adminApplicationSchema = applicationSchema.extend({
  userId: z.string(),
  answers: z.record(z.string(), z.string()),
  decidedBy: z.string().nullable(),
  provider: z.string().nullable(),
  providerReference: z.string().nullable(),
});

export function adminApplicationView(a: Application): z.infer<typeof adminApplicationSchema> {
  return {
    ...applicationView(a),
    userId: a.userId,
    answers: a.answers,
    decidedBy: a.decidedBy,
    provider: a.provider,
    providerReference: a.providerReference,
  };
}

export const eventSchema = z.object({
  actor: z.string(),
  action: z.string(),
  reason: z.string().nullable(),
  at: isoTime,
});

export function eventView(e: ApplicationEvent): z.infer<typeof eventSchema> {
  return { actor: e.actor, action: e.action, reason: e.reason, at: isoOf(e.atMs) };
}

export const documentSchema = z.object({
  id: z.string().describe('kdoc_…'),
  field: z.string(),
  mediaType: z.string(),
  sizeBytes: z.number().int(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  sha256: z.string(),
  url: z.string().nullable().describe('Signed link, valid a few minutes; null once erased'),
  urlExpiresAt: isoTime.nullable(),
  erasedAt: isoTime.nullable(),
});

export function documentView(d: ReviewDocument): z.infer<typeof documentSchema> {
  return {
    id: d.id,
    field: d.fieldKey,
    mediaType: d.mediaType,
    sizeBytes: d.sizeBytes,
    width: d.width,
    height: d.height,
    sha256: d.sha256,
    url: d.url,
    urlExpiresAt: d.urlExpiresAtMs === null ? null : isoOf(d.urlExpiresAtMs),
    erasedAt: d.erasedAtMs === null ? null : isoOf(d.erasedAtMs),
  };
}
