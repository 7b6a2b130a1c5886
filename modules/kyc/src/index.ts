import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from '@tradeloom/db';
import { type AuditSink, type Clock, type PlatformModule, systemClock } from '@tradeloom/kernel';
import './errors.js';
import { countUsersAtLevel, usersAtLevel } from './applications/application-repository.js';
import { type ApplicationService, createApplicationService } from './applications/application-service.js';
import { createReviewService, type ReviewService } from './applications/review-service.js';
import { deriveKey, sealedStorage } from './files/sealed-storage.js';
import { createUrlSigner } from './files/signed-url.js';
import { createLocalStorage, type StorageAdapter } from './files/storage-adapter.js';
import type { KycContext, KycMail, KycNotify } from './kyc-context.js';
import { registerKycMailTemplates } from './mail-templates.js';
import { kycPermissions } from './permissions.js';
import { registerKycRoutes } from './routes.js';
import { createTemplateService, type TemplateService } from './templates/template-service.js';

export type { Application, ApplicationStatus, KycDocument } from './applications/application.js';
export type { ApplicationService, KycStatus, SubmitInput } from './applications/application-service.js';
export type { ApplicationDetail, ReviewService } from './applications/review-service.js';
export { KYC_ERRORS } from './errors.js';
// The upload toolkit, shared with other modules that take files (support attachments).
export { extensionOf, FILE_KINDS, type FileKind, inspectFile, sniffKind } from './files/inspect-file.js';
export { deriveKey, sealedStorage } from './files/sealed-storage.js';
export { createUrlSigner, type UrlSigner } from './files/signed-url.js';
export {
  createLocalStorage,
  createS3Storage,
  type S3StorageConfig,
  type StorageAdapter,
} from './files/storage-adapter.js';
export {
  type CheckedFile,
  checkUpload,
  storeAllOrNothing,
  UPLOAD_BYTES_MAX,
  UPLOAD_ERRORS,
  type Upload,
  type UploadRules,
  uploadSchema,
} from './files/upload.js';
export type { KycMail, KycMailTemplate, KycNotice, KycNotify } from './kyc-context.js';
export { KYC_LEVEL_MAX, KYC_LEVELS, type KycLevel } from './levels.js';
export { PERMISSION_COMPLIANCE_KYC, PERMISSION_KYC_ERASE, PERMISSION_KYC_TEMPLATES } from './permissions.js';
export type { KycProvider, ProviderRequest, ProviderResult } from './providers/provider.js';
export { createTestKycProvider, signTestProviderWebhook, TEST_PROVIDER } from './providers/test-provider.js';
export type { FieldType, Template, TemplateField } from './templates/template.js';
export type { TemplateService } from './templates/template-service.js';

/** What the KYC module is built from. */
export interface KycDeps {
  database: Database;
  audit: AuditSink;
  mail: KycMail;
  /** The platform master key: documents are encrypted and links signed under keys derived from it. */
  masterKey: Buffer;
  /** Where users open the platform (document links and mail links start with it). */
  publicUrl: string;
  /** DATA_DIR: documents go to DATA_DIR/kyc unless `storage` says otherwise. */
  dataDir: string;
  storage?: StorageAdapter;
  /** In-app notices (the notifications module); none without it. */
  notify?: KycNotify;
  /** How long a reviewer's document link works (default 5 minutes). */
  documentLinkTtlMs?: number;
  clock?: Clock;
}

/** The KYC module's service: what other modules (wallet limits, support, segments) and tests call. */
export interface KycService {
  /** The user's verification level (0 to 3). */
  levelOf(userId: string): Promise<number>;
  templates: TemplateService;
  applications: ApplicationService;
  review: ReviewService;
  /** Where documents are stored (encrypted): operations and tests list it. */
  storage: StorageAdapter;
  /** Active users at `minLevel` or above, in id order after `afterUserId` (announcement segments). */
  usersAtLevel(minLevel: number, afterUserId: string, limit: number): Promise<string[]>;
  countUsersAtLevel(minLevel: number): Promise<number>;
}

/** The KYC module: levels, forms, applications with documents, review, providers, erasure. */
export function createKycModule(deps: KycDeps): { module: PlatformModule; service: KycService } {
  const clock = deps.clock ?? systemClock;
  const raw = deps.storage ?? createLocalStorage(join(deps.dataDir, 'kyc'));
  const ctx: KycContext = {
    database: deps.database,
    audit: deps.audit,
    clock,
    mail: deps.mail,
    notify: deps.notify ?? (async () => undefined),
    storage: sealedStorage(raw, deriveKey(deps.masterKey, 'tradeloom/kyc/files/v1')),
    signer: createUrlSigner({
      key: deriveKey(deps.masterKey, 'tradeloom/kyc/links/v1'),
      publicUrl: deps.publicUrl,
      ttlMs: deps.documentLinkTtlMs ?? 5 * 60_000,
    }),
    publicUrl: deps.publicUrl.replace(/\/+$/, ''),
  };
  registerKycMailTemplates(deps.mail);
  const templates = createTemplateService(ctx);
  const applications = createApplicationService(ctx, templates);
  const review = createReviewService(ctx, templates);
  const service: KycService = {
    levelOf: (userId) => applications.levelOf(userId),
    templates,
    applications,
    review,
    storage: ctx.storage,
    usersAtLevel: (minLevel, after, limit) => usersAtLevel(deps.database, minLevel, after, limit),
    countUsersAtLevel: (minLevel) => countUsersAtLevel(deps.database, minLevel),
  };
  return {
    module: {
      name: 'kyc',
      migrationsDir: fileURLToPath(new URL('../migrations/', import.meta.url)),
      permissions: kycPermissions,
      routes: (app) => registerKycRoutes(app, { templates, applications, review }),
    },
    service,
  };
}
