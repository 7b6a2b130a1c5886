import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from '@tradeloom/db';
import { type AuditSink, type Clock, type PlatformModule, systemClock } from '@tradeloom/kernel';
import {
  createLocalStorage,
  createUrlSigner,
  deriveKey,
  type StorageAdapter,
  sealedStorage,
} from '@tradeloom/kyc';
import './errors.js';
import { type CannedService, createCannedService } from './canned-service.js';
import { registerSupportMailTemplates } from './mail-templates.js';
import { PERMISSION_SUPPORT_TICKETS, supportPermissions } from './permissions.js';
import { registerSupportRoutes } from './routes.js';
import type { SupportContext, SupportMail, SupportNotify, UserContextSource } from './support-context.js';
import { createTicketService, type TicketService } from './ticket-service.js';

export type { CannedResponse, CannedService } from './canned-service.js';
export { SUPPORT_ERRORS } from './errors.js';
export { PERMISSION_SUPPORT_TICKETS } from './permissions.js';
export type { SupportMail, SupportNotify, UserContext, UserContextSource } from './support-context.js';
export {
  FIRST_RESPONSE_MS,
  TICKET_CATEGORIES,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  type Ticket,
  type TicketStatus,
} from './ticket.js';
export type { TicketEvent, TicketService } from './ticket-service.js';

export interface SupportDeps {
  database: Database;
  audit: AuditSink;
  mail: SupportMail;
  masterKey: Buffer;
  publicUrl: string;
  /** Attachments go to DATA_DIR/support unless `storage` says otherwise. */
  dataDir: string;
  storage?: StorageAdapter;
  notify?: SupportNotify;
  /** The user's KYC level and recent wallet activity, for agents. */
  userContext?: UserContextSource;
  /** The user's permissions (the access module), to check assignees. */
  permissionsOf: (userId: string) => Promise<ReadonlySet<string>>;
  clock?: Clock;
}

export interface SupportService {
  tickets: TicketService;
  canned: CannedService;
  storage: StorageAdapter;
  /** 'ticket' events (TicketEvent): the live channel forwards them to the user and to agents. */
  events: EventEmitter;
}

/** The support module: tickets with threads and attachments, the agents' queue with SLA timers. */
export function createSupportModule(deps: SupportDeps): { module: PlatformModule; service: SupportService } {
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const ctx: SupportContext = {
    database: deps.database,
    audit: deps.audit,
    clock: deps.clock ?? systemClock,
    mail: deps.mail,
    notify: deps.notify ?? (async () => undefined),
    storage: sealedStorage(
      deps.storage ?? createLocalStorage(join(deps.dataDir, 'support')),
      deriveKey(deps.masterKey, 'tradeloom/support/files/v1'),
    ),
    signer: createUrlSigner({
      key: deriveKey(deps.masterKey, 'tradeloom/support/links/v1'),
      publicUrl: deps.publicUrl,
      ttlMs: 10 * 60_000,
    }),
    publicUrl: deps.publicUrl.replace(/\/+$/, ''),
    userContext: deps.userContext ?? { kycLevelOf: async () => 0 },
    isAgent: async (userId) => (await deps.permissionsOf(userId)).has(PERMISSION_SUPPORT_TICKETS),
    events,
  };
  registerSupportMailTemplates(deps.mail);
  const tickets = createTicketService(ctx);
  const canned = createCannedService(ctx);
  return {
    module: {
      name: 'support',
      migrationsDir: fileURLToPath(new URL('../migrations/', import.meta.url)),
      permissions: supportPermissions,
      routes: (app) => registerSupportRoutes(app, { tickets, canned }),
    },
    service: { tickets, canned, storage: ctx.storage, events },
  };
}
