// The user's side: their level, the form of a level, submitting it with documents, their history.
import { DomainError, newId } from '@tradeloom/kernel';
import { storeAllOrNothing, type Upload } from '../files/upload.js';
import type { KycContext } from '../kyc-context.js';
import { KYC_LEVEL_MAX, KYC_LEVELS } from '../levels.js';
import type { TemplateService } from '../templates/template-service.js';
import type { Application, KycDocument } from './application.js';
import {
  documentsOf,
  insertApplication,
  insertDocument,
  levelOf,
  listUserApplications,
  recordEvent,
} from './application-repository.js';
import { checkSubmission } from './check-answers.js';

export interface SubmitInput {
  level: number;
  answers: Record<string, string>;
  files: Record<string, Upload>;
}

export interface KycStatus {
  level: number;
  levels: { level: number; name: string; description: string; formAvailable: boolean }[];
  pending: Application | null;
  /** The latest application (any status), for "rejected: <reason>" or "changes requested". */
  latest: Application | null;
  reverificationRequired: boolean;
}

export interface ApplicationService {
  levelOf(userId: string): Promise<number>;
  status(userId: string): Promise<KycStatus>;
  /** Checks the answers and every file, stores the files and the application all-or-nothing. */
  submit(userId: string, input: SubmitInput): Promise<{ application: Application; documents: KycDocument[] }>;
  listOwn(userId: string): Promise<Application[]>;
}

function isUniqueViolation(error: unknown, index: string): boolean {
  return error instanceof Error && error.message.includes(index);
}

export function createApplicationService(ctx: KycContext, templates: TemplateService): ApplicationService {
  const db = ctx.database;
  return {
    levelOf: (userId) => levelOf(db, userId),
    async status(userId) {
      const [level, applications, active] = await Promise.all([
        levelOf(db, userId),
        listUserApplications(db, userId),
        templates.list(),
      ]);
      const activeLevels = new Set(active.filter((t) => t.status === 'active').map((t) => t.level));
      return {
        level,
        levels: KYC_LEVELS.map((l) => ({ ...l, formAvailable: activeLevels.has(l.level) })),
        pending: applications.find((a) => a.status === 'pending') ?? null,
        latest: applications[0] ?? null,
        reverificationRequired: applications.some((a) => a.reverificationRequired),
      };
    },
    listOwn: (userId) => listUserApplications(db, userId),
    async submit(userId, input) {
      if (!Number.isInteger(input.level) || input.level < 1 || input.level > KYC_LEVEL_MAX)
        throw new DomainError('KYC_LEVEL_INVALID', `Apply for a level from 1 to ${KYC_LEVEL_MAX}`);
      const held = await levelOf(db, userId);
      const own = await listUserApplications(db, userId);
      const reverifying = own.some((a) => a.reverificationRequired && a.level === input.level);
      if (held >= input.level && !reverifying)
        throw new DomainError('KYC_LEVEL_HELD', `You hold level ${held} already`, { level: held });
      if (own.some((a) => a.status === 'pending'))
        throw new DomainError('KYC_APPLICATION_PENDING', 'Your previous application is still being reviewed');
      const template = await templates.active(input.level);
      const now = ctx.clock.nowMs();
      const checked = checkSubmission(template.fields, input.answers, input.files, now);
      const application: Application = {
        id: newId('kyc'),
        userId,
        level: input.level,
        templateId: template.id,
        answers: checked.answers,
        status: 'pending',
        reason: null,
        changeFields: [],
        decidedBy: null,
        decidedAtMs: null,
        reverificationRequired: false,
        provider: null,
        providerReference: null,
        submittedAtMs: now,
        updatedAtMs: now,
      };
      const documents: (KycDocument & { bytes: Buffer })[] = checked.files.map(({ field, file }) => {
        const id = newId('kdoc');
        return {
          id,
          applicationId: application.id,
          userId,
          fieldKey: field.key,
          storageKey: `applications/${application.id}/${id}`,
          mediaType: file.mediaType,
          sizeBytes: file.sizeBytes,
          width: file.width,
          height: file.height,
          sha256: file.sha256,
          createdAtMs: now,
          erasedAtMs: null,
          bytes: file.bytes,
        };
      });
      try {
        await storeAllOrNothing(
          ctx.storage,
          documents.map((d) => ({ key: d.storageKey ?? '', bytes: d.bytes })),
          () =>
            db.transaction(async (tx) => {
              await insertApplication(tx, application);
              for (const { bytes: _bytes, ...document } of documents) await insertDocument(tx, document);
              await recordEvent(tx, application.id, userId, 'submitted', null, now);
            }),
        );
      } catch (error) {
        if (isUniqueViolation(error, 'kyc_applications_one_pending'))
          throw new DomainError(
            'KYC_APPLICATION_PENDING',
            'Your previous application is still being reviewed',
          );
        throw error;
      }
      return { application, documents: await documentsOf(db, application.id) };
    },
  };
}
