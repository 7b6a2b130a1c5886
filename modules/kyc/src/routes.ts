// The KYC API: the user's form and submissions, the compliance review, the admin's forms, document
// links and provider webhooks. Handlers validate, call a service and shape the answer.
import type { ApiApp } from '@tradeloom/kernel';
import { z } from 'zod';
import { APPLICATION_STATUSES } from './applications/application.js';
import type { ApplicationService } from './applications/application-service.js';
import type { ReviewService } from './applications/review-service.js';
import { UPLOAD_BYTES_MAX, uploadSchema } from './files/upload.js';
import { KYC_LEVEL_MAX } from './levels.js';
import { PERMISSION_COMPLIANCE_KYC, PERMISSION_KYC_ERASE, PERMISSION_KYC_TEMPLATES } from './permissions.js';
import { actorOf, errorResponses } from './route-support.js';
import { fieldsSchema } from './templates/template.js';
import type { TemplateService } from './templates/template-service.js';
import {
  adminApplicationSchema,
  adminApplicationView,
  applicationSchema,
  applicationView,
  documentSchema,
  documentView,
  eventSchema,
  eventView,
  templateSchema,
  templateView,
} from './views.js';

/** Files travel base64 in JSON (4/3 of their size); a form has at most this many. */
const FILES_PER_APPLICATION_MAX = 6;
/** Room for every file of a form at the largest size, plus the text answers. */
export const APPLICATION_BODY_BYTES_MAX =
  Math.ceil((UPLOAD_BYTES_MAX * 4) / 3) * FILES_PER_APPLICATION_MAX + 64 * 1024;

const tags = ['kyc'];
const adminTags = ['admin: kyc'];
const levelParam = z.coerce.number().int().min(1).max(KYC_LEVEL_MAX);
const reasonSchema = z.string().trim().min(3).max(1000);

export interface KycRouteServices {
  templates: TemplateService;
  applications: ApplicationService;
  review: ReviewService;
}

export function registerKycRoutes(app: ApiApp, s: KycRouteServices): void {
  const actor = (request: Parameters<typeof actorOf>[0]) => ({ userId: actorOf(request), ip: request.ip });

  app.get(
    '/api/v1/kyc/status',
    {
      config: { permission: 'authenticated', apiKeyScope: 'read' },
      schema: {
        summary: 'My verification level, the levels and my latest application',
        tags,
        response: {
          200: z.object({
            level: z.number().int(),
            levels: z.array(
              z.object({
                level: z.number().int(),
                name: z.string(),
                description: z.string(),
                formAvailable: z.boolean(),
              }),
            ),
            pending: applicationSchema.nullable(),
            latest: applicationSchema.nullable(),
            reverificationRequired: z.boolean(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const status = await s.applications.status(actorOf(request));
      return {
        ...status,
        pending: status.pending === null ? null : applicationView(status.pending),
        latest: status.latest === null ? null : applicationView(status.latest),
      };
    },
  );

  app.get(
    '/api/v1/kyc/levels/:level/form',
    {
      config: { permission: 'authenticated' },
      schema: {
        summary: "A level's verification form",
        tags,
        params: z.object({ level: levelParam }),
        response: { 200: templateSchema, ...errorResponses },
      },
    },
    async (request) => templateView(await s.templates.active(request.params.level)),
  );

  app.post(
    '/api/v1/kyc/applications',
    {
      bodyLimit: APPLICATION_BODY_BYTES_MAX,
      config: { permission: 'authenticated', rateLimit: { name: 'kyc-submit', points: 10, durationS: 3600 } },
      schema: {
        summary: 'Submit a level’s form with its documents',
        description:
          'Text answers by field key; files by field key as `{ fileName, contentBase64 }`. Files are checked by ' +
          `content (PNG, JPEG or PDF; at most ${UPLOAD_BYTES_MAX} bytes; images decoded and measured). One bad ` +
          'answer or file refuses the whole submission and nothing is stored (UPLOAD_* or KYC_ANSWERS_INVALID).',
        tags,
        body: z.object({
          level: z.number().int().min(1).max(KYC_LEVEL_MAX),
          answers: z.record(z.string().max(40), z.string().max(10_000)).default({}),
          files: z.record(z.string().max(40), uploadSchema).default({}),
        }),
        response: {
          201: z.object({
            application: applicationSchema,
            documents: z.array(documentSchema.omit({ url: true, urlExpiresAt: true })),
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { application, documents } = await s.applications.submit(actorOf(request), request.body);
      return reply.status(201).send({
        application: applicationView(application),
        documents: documents.map((d) => {
          const {
            url: _url,
            urlExpiresAt: _expires,
            ...rest
          } = documentView({ ...d, url: null, urlExpiresAtMs: null });
          return rest;
        }),
      });
    },
  );

  app.get(
    '/api/v1/kyc/applications',
    {
      config: { permission: 'authenticated', apiKeyScope: 'read' },
      schema: {
        summary: 'My applications, newest first',
        tags,
        response: { 200: z.object({ applications: z.array(applicationSchema) }), ...errorResponses },
      },
    },
    async (request) => ({
      applications: (await s.applications.listOwn(actorOf(request))).map(applicationView),
    }),
  );

  app.get(
    '/api/v1/kyc/documents/:id/content',
    {
      config: { permission: 'public' },
      schema: {
        summary: 'A document, through a signed link handed to reviewers',
        description:
          'The link expires after a few minutes. Answered with no-store caching and as an attachment-safe inline file.',
        tags: adminTags,
        params: z.object({ id: z.string().max(64) }),
        // No response schema: the answer is the file's bytes (errors keep the usual body).
        querystring: z.object({ expires: z.string().max(20), signature: z.string().max(100) }),
      },
    },
    async (request, reply) => {
      const file = await s.review.documentContent(
        request.params.id,
        request.query.expires,
        request.query.signature,
      );
      return reply
        .header('content-type', file.mediaType)
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; img-src 'self'; sandbox")
        .header('content-disposition', `inline; filename="${file.fileName}"`)
        .send(file.bytes);
    },
  );

  app.post(
    '/api/v1/kyc/providers/:provider/webhook',
    {
      config: { permission: 'public' },
      schema: {
        summary: "A verification provider's result (signed)",
        tags,
        params: z.object({ provider: z.string().max(40) }),
        response: { 200: z.object({ applied: z.boolean() }), ...errorResponses },
      },
    },
    async (request) =>
      s.review.handleWebhook(request.params.provider, request.headers, request.rawBody ?? ''),
  );

  // --- forms (admin) ---
  const templatesAdmin = { permission: PERMISSION_KYC_TEMPLATES };
  app.get(
    '/api/v1/admin/kyc/templates',
    {
      config: templatesAdmin,
      schema: {
        summary: 'Verification forms, every version',
        tags: adminTags,
        querystring: z.object({ level: levelParam.optional() }),
        response: { 200: z.object({ templates: z.array(templateSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ templates: (await s.templates.list(request.query.level)).map(templateView) }),
  );

  app.post(
    '/api/v1/admin/kyc/templates',
    {
      config: templatesAdmin,
      schema: {
        summary: 'Create a form for a level (a draft unless `activate`)',
        tags: adminTags,
        body: z.object({
          level: z.number().int().min(1).max(KYC_LEVEL_MAX),
          name: z.string().trim().min(1).max(120),
          fields: fieldsSchema,
          activate: z.boolean().optional(),
        }),
        response: { 201: templateSchema, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(templateView(await s.templates.create(request.body, actor(request)))),
  );

  app.put(
    '/api/v1/admin/kyc/templates/:id',
    {
      config: templatesAdmin,
      schema: {
        summary: 'Change a form',
        description:
          'A draft nobody used is edited in place; otherwise the change is the next version. Changing the active ' +
          'form activates the new version at once and asks users approved on the old one to verify again.',
        tags: adminTags,
        params: z.object({ id: z.string().max(64) }),
        body: z.object({ name: z.string().trim().min(1).max(120), fields: fieldsSchema }),
        response: { 200: templateSchema, ...errorResponses },
      },
    },
    async (request) =>
      templateView(await s.templates.update(request.params.id, request.body, actor(request))),
  );

  app.post(
    '/api/v1/admin/kyc/templates/:id/activate',
    {
      config: templatesAdmin,
      schema: {
        summary: "Make a form its level's active one",
        description:
          'Users approved on another form of the level are flagged for re-verification (and told).',
        tags: adminTags,
        params: z.object({ id: z.string().max(64) }),
        response: {
          200: z.object({ template: templateSchema, reverification: z.number().int() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { template, reverification } = await s.templates.activate(request.params.id, actor(request));
      return { template: templateView(template), reverification };
    },
  );

  app.post(
    '/api/v1/admin/kyc/templates/:id/retire',
    {
      config: templatesAdmin,
      schema: {
        summary: 'Retire a form (its level takes no applications until another is active)',
        tags: adminTags,
        params: z.object({ id: z.string().max(64) }),
        response: { 200: templateSchema, ...errorResponses },
      },
    },
    async (request) => templateView(await s.templates.retire(request.params.id, actor(request))),
  );

  // --- review (compliance) ---
  const review = { permission: PERMISSION_COMPLIANCE_KYC };
  app.get(
    '/api/v1/admin/kyc/applications',
    {
      config: review,
      schema: {
        summary: 'The review queue (oldest first)',
        tags: adminTags,
        querystring: z.object({
          status: z.enum(APPLICATION_STATUSES).optional(),
          level: levelParam.optional(),
          userId: z.string().max(64).optional(),
          reverificationRequired: z.enum(['true', 'false']).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
        }),
        response: {
          200: z.object({ applications: z.array(adminApplicationSchema), total: z.number().int() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const { applications, total } = await s.review.queue({
        ...(q.status === undefined ? {} : { status: q.status }),
        ...(q.level === undefined ? {} : { level: q.level }),
        ...(q.userId === undefined ? {} : { userId: q.userId }),
        ...(q.reverificationRequired === undefined
          ? {}
          : { reverificationRequired: q.reverificationRequired === 'true' }),
        limit: q.limit,
        offset: q.offset,
      });
      return { applications: applications.map(adminApplicationView), total };
    },
  );

  app.get(
    '/api/v1/admin/kyc/applications/:id',
    {
      config: review,
      schema: {
        summary: 'An application beside its form, documents (signed links) and history',
        tags: adminTags,
        params: z.object({ id: z.string().max(64) }),
        response: {
          200: z.object({
            application: adminApplicationSchema,
            template: templateSchema,
            documents: z.array(documentSchema),
            history: z.array(eventSchema),
            user: z.object({ id: z.string(), email: z.string().nullable(), level: z.number().int() }),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const d = await s.review.detail(request.params.id, actor(request));
      return {
        application: adminApplicationView(d.application),
        template: templateView(d.template),
        documents: d.documents.map(documentView),
        history: d.history.map(eventView),
        user: d.user,
      };
    },
  );

  const decisionRoute = (
    path: string,
    summary: string,
    body: z.ZodType<{ note?: string; reason?: string; fields?: string[] }>,
    toDecision: (b: {
      note?: string;
      reason?: string;
      fields?: string[];
    }) => Parameters<ReviewService['decide']>[1],
  ) =>
    app.post(
      `/api/v1/admin/kyc/applications/:id/${path}`,
      {
        config: review,
        schema: {
          summary,
          tags: adminTags,
          params: z.object({ id: z.string().max(64) }),
          body,
          response: { 200: adminApplicationSchema, ...errorResponses },
        },
      },
      async (request) =>
        adminApplicationView(
          await s.review.decide(request.params.id, toDecision(request.body), actor(request)),
        ),
    );
  decisionRoute(
    'approve',
    'Approve: the user holds the level from now on (mailed, audited)',
    z.object({ note: z.string().trim().max(1000).optional() }),
    (b) => ({ outcome: 'approved', ...(b.note === undefined ? {} : { note: b.note }) }),
  );
  decisionRoute(
    'reject',
    'Reject with a reason the user sees (mailed, audited)',
    z.object({ reason: reasonSchema }),
    (b) => ({ outcome: 'rejected', reason: b.reason ?? '' }),
  );
  decisionRoute(
    'request-changes',
    'Ask the user to change some answers or documents and submit again',
    z.object({ reason: reasonSchema, fields: z.array(z.string().max(40)).max(50).optional() }),
    (b) => ({
      outcome: 'changes_requested',
      reason: b.reason ?? '',
      ...(b.fields === undefined ? {} : { fields: b.fields }),
    }),
  );

  app.post(
    '/api/v1/admin/kyc/applications/:id/provider',
    {
      config: review,
      schema: {
        summary: 'Hand a pending application to an external verification provider',
        tags: adminTags,
        params: z.object({ id: z.string().max(64) }),
        body: z.object({ provider: z.string().max(40) }),
        response: { 200: adminApplicationSchema, ...errorResponses },
      },
    },
    async (request) =>
      adminApplicationView(
        await s.review.startProvider(request.params.id, request.body.provider, actor(request)),
      ),
  );

  app.get(
    '/api/v1/admin/kyc/users/:userId',
    {
      config: review,
      schema: {
        summary: "A user's level and every application with its history",
        tags: adminTags,
        params: z.object({ userId: z.string().max(64) }),
        response: {
          200: z.object({
            level: z.number().int(),
            applications: z.array(adminApplicationSchema.extend({ history: z.array(eventSchema) })),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const h = await s.review.userHistory(request.params.userId);
      return {
        level: h.level,
        applications: h.applications.map((a) => ({
          ...adminApplicationView(a),
          history: a.history.map(eventView),
        })),
      };
    },
  );

  app.post(
    '/api/v1/admin/kyc/users/:userId/erase',
    {
      config: { permission: PERMISSION_KYC_ERASE },
      schema: {
        summary: "Erase a user's verification data on their request",
        description:
          'Answers and documents are deleted (files from storage), applications kept as `erased` shells for the ' +
          'history, the level returns to 0. Audited with the reason.',
        tags: adminTags,
        params: z.object({ userId: z.string().max(64) }),
        body: z.object({ reason: reasonSchema }),
        response: {
          200: z.object({ applications: z.number().int(), documents: z.number().int() }),
          ...errorResponses,
        },
      },
    },
    async (request) => s.review.erase(request.params.userId, request.body.reason, actor(request)),
  );
}
