// The compliance side: the queue, an application with its documents (short-lived signed links), the
// decisions, a user's full history, external providers, and erasing a user's data on request.
import { DomainError } from '@tradeloom/kernel';
import type { KycContext } from '../kyc-context.js';
import type { KycProvider } from '../providers/provider.js';
import type { Template } from '../templates/template.js';
import type { Actor, TemplateService } from '../templates/template-service.js';
import type { Application, ApplicationEvent, KycDocument } from './application.js';
import {
  countApplications,
  documentsOf,
  eventsOf,
  findApplication,
  findByProviderReference,
  findDocument,
  levelOf,
  listApplications,
  listUserApplications,
  type QueueFilter,
  recordEvent,
  setProvider,
  userDocuments,
} from './application-repository.js';
import { type Decision, decideApplication } from './decide-application.js';

/** A document as a reviewer sees it: its description and a link that works for a few minutes. */
export interface ReviewDocument extends KycDocument {
  url: string | null;
  urlExpiresAtMs: number | null;
}

export interface ApplicationDetail {
  application: Application;
  template: Template;
  documents: ReviewDocument[];
  history: ApplicationEvent[];
  user: { id: string; email: string | null; level: number };
}

export interface ReviewService {
  queue(filter: QueueFilter): Promise<{ applications: Application[]; total: number }>;
  detail(id: string, actor: Actor): Promise<ApplicationDetail>;
  decide(id: string, decision: Decision, actor: Actor): Promise<Application>;
  userHistory(
    userId: string,
  ): Promise<{ level: number; applications: (Application & { history: ApplicationEvent[] })[] }>;
  /** Erases the user's answers and documents (audited); their level returns to 0. */
  erase(userId: string, reason: string, actor: Actor): Promise<{ applications: number; documents: number }>;
  /** A document's bytes for a signed link (KYC_LINK_INVALID when it does not check out). */
  documentContent(
    id: string,
    expires: string,
    signature: string,
  ): Promise<{ bytes: Buffer; mediaType: string; fileName: string }>;
  startProvider(id: string, provider: string, actor: Actor): Promise<Application>;
  handleWebhook(
    provider: string,
    headers: Readonly<Record<string, string | string[] | undefined>>,
    rawBody: string,
  ): Promise<{ applied: boolean }>;
  registerProvider(provider: KycProvider): void;
}

export const documentPath = (id: string) => `/api/v1/kyc/documents/${id}/content`;

const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'application/pdf': 'pdf',
};

export function createReviewService(ctx: KycContext, templates: TemplateService): ReviewService {
  const db = ctx.database;
  const providers = new Map<string, KycProvider>();
  const getOrThrow = async (id: string) => {
    const application = await findApplication(db, id);
    if (application === null) throw new DomainError('KYC_APPLICATION_NOT_FOUND', 'No such application');
    return application;
  };
  const ipOf = (actor: Actor) => (actor.ip === undefined ? {} : { ip: actor.ip });

  return {
    async queue(filter) {
      const [applications, total] = await Promise.all([
        listApplications(db, filter),
        countApplications(db, filter),
      ]);
      return { applications, total };
    },
    async detail(id, actor) {
      const application = await getOrThrow(id);
      const [template, documents, history, level, contact] = await Promise.all([
        templates.get(application.templateId),
        documentsOf(db, id),
        eventsOf(db, id),
        levelOf(db, application.userId),
        db.query('SELECT email FROM users WHERE id = $1', [application.userId]),
      ]);
      const now = ctx.clock.nowMs();
      // Reviewers looking at identity documents is itself a fact compliance wants on record.
      await ctx.audit.record({
        actor: actor.userId,
        action: 'kyc.application.view',
        target: `kyc-application:${id}`,
        ...ipOf(actor),
      });
      return {
        application,
        template,
        history,
        user: {
          id: application.userId,
          email: (contact.rows[0]?.email as string | undefined) ?? null,
          level,
        },
        documents: documents.map((document) => {
          if (document.storageKey === null) return { ...document, url: null, urlExpiresAtMs: null };
          const signed = ctx.signer.sign(documentPath(document.id), now);
          return { ...document, url: signed.url, urlExpiresAtMs: signed.expiresAtMs };
        }),
      };
    },
    async decide(id, decision, actor) {
      await db.transaction(async (tx) => {
        const application = await findApplication(tx, id, true);
        if (application === null) throw new DomainError('KYC_APPLICATION_NOT_FOUND', 'No such application');
        await decideApplication(ctx, tx, application, decision, actor);
      });
      return getOrThrow(id);
    },
    async userHistory(userId) {
      const applications = await listUserApplications(db, userId);
      return {
        level: await levelOf(db, userId),
        applications: await Promise.all(
          applications.map(async (a) => ({ ...a, history: await eventsOf(db, a.id) })),
        ),
      };
    },
    async erase(userId, reason, actor) {
      const exists = await db.query('SELECT 1 FROM users WHERE id = $1', [userId]);
      if (exists.rows.length === 0) throw new DomainError('KYC_USER_NOT_FOUND', 'No such user');
      const now = ctx.clock.nowMs();
      const at = new Date(now).toISOString();
      const { keys, applications } = await db.transaction(async (tx) => {
        const documents = await userDocuments(tx, userId);
        const erased = await tx.query(
          `UPDATE kyc_applications SET status = 'erased', answers = '{}'::jsonb, reason = NULL, change_fields = '{}',
             reverification_required = false, updated_at = $2
           WHERE user_id = $1 AND status <> 'erased' RETURNING id`,
          [userId, at],
        );
        await tx.query(
          'UPDATE kyc_documents SET storage_key = NULL, erased_at = $2 WHERE user_id = $1 AND erased_at IS NULL',
          [userId, at],
        );
        await tx.query('DELETE FROM kyc_user_levels WHERE user_id = $1', [userId]);
        for (const row of erased.rows)
          await recordEvent(tx, String(row.id), actor.userId, 'erased', reason, now);
        await ctx.audit.record(
          {
            actor: actor.userId,
            action: 'kyc.data.erase',
            target: userId,
            ...ipOf(actor),
            after: { applications: erased.rows.length, documents: documents.length, reason },
          },
          tx,
        );
        return {
          keys: documents.flatMap((d) => (d.storageKey === null ? [] : [d.storageKey])),
          applications: erased.rows.length,
        };
      });
      // After the commit: no row points at these files any more, so removing them cannot break a view.
      for (const key of keys) await ctx.storage.delete(key);
      return { applications, documents: keys.length };
    },
    async documentContent(id, expires, signature) {
      if (!ctx.signer.verify(documentPath(id), expires, signature, ctx.clock.nowMs()))
        throw new DomainError('KYC_LINK_INVALID', 'This link is not valid or has expired');
      const document = await findDocument(db, id);
      const bytes = document?.storageKey == null ? null : await ctx.storage.get(document.storageKey);
      if (document === null || bytes === null)
        throw new DomainError('KYC_DOCUMENT_NOT_FOUND', 'The document is no longer stored');
      return {
        bytes,
        mediaType: document.mediaType,
        fileName: `${document.id}.${EXTENSIONS[document.mediaType] ?? 'bin'}`,
      };
    },
    async startProvider(id, providerName, actor) {
      const provider = providers.get(providerName);
      if (provider === undefined)
        throw new DomainError('KYC_PROVIDER_NOT_FOUND', `No provider ${providerName}`);
      const application = await getOrThrow(id);
      if (application.status !== 'pending')
        throw new DomainError(
          'KYC_APPLICATION_STATE',
          `The application is ${application.status}, not pending`,
        );
      const documents = await documentsOf(db, id);
      const files = await Promise.all(
        documents.map(async (d) => ({
          field: d.fieldKey,
          mediaType: d.mediaType,
          bytes: (d.storageKey === null ? null : await ctx.storage.get(d.storageKey)) ?? Buffer.alloc(0),
        })),
      );
      const { reference } = await provider.start({
        applicationId: id,
        userId: application.userId,
        level: application.level,
        answers: application.answers,
        documents: files,
      });
      await db.transaction(async (tx) => {
        const now = ctx.clock.nowMs();
        await setProvider(tx, id, provider.name, reference, now);
        await recordEvent(tx, id, actor.userId, 'sent_to_provider', provider.name, now);
        await ctx.audit.record(
          {
            actor: actor.userId,
            action: 'kyc.application.provider',
            target: `kyc-application:${id}`,
            ...ipOf(actor),
            after: { provider: provider.name, reference },
          },
          tx,
        );
      });
      return getOrThrow(id);
    },
    async handleWebhook(providerName, headers, rawBody) {
      const provider = providers.get(providerName);
      if (provider === undefined)
        throw new DomainError('KYC_PROVIDER_NOT_FOUND', `No provider ${providerName}`);
      const result = provider.parseWebhook(headers, rawBody, ctx.clock.nowMs());
      if (result === null)
        throw new DomainError('KYC_WEBHOOK_INVALID', 'The webhook signature or body does not check out');
      return db.transaction(async (tx) => {
        const application = await findByProviderReference(tx, provider.name, result.reference);
        if (application === null)
          throw new DomainError('KYC_APPLICATION_NOT_FOUND', 'Unknown provider reference');
        const fresh = await tx.query(
          `INSERT INTO kyc_provider_events (provider, event_id, application_id, received_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT DO NOTHING RETURNING event_id`,
          [provider.name, result.eventId, application.id, new Date(ctx.clock.nowMs()).toISOString()],
        );
        if (fresh.rows.length === 0 || application.status !== 'pending') return { applied: false };
        const reason = result.reason ?? 'The verification provider did not confirm your identity';
        const decision: Decision =
          result.outcome === 'approved' ? { outcome: 'approved' } : { outcome: result.outcome, reason };
        await decideApplication(ctx, tx, application, decision, { userId: `provider:${provider.name}` });
        return { applied: true };
      });
    },
    registerProvider(provider) {
      if (providers.has(provider.name)) throw new Error(`kyc provider ${provider.name} registered twice`);
      providers.set(provider.name, provider);
    },
  };
}
