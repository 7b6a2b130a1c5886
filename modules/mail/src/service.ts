import type { Database, Queryable } from '@tradeloom/db';
import {
  type AuditSink,
  type Clock,
  DomainError,
  type MailRequest,
  type MailSender,
  newId,
  systemClock,
} from '@tradeloom/kernel';
import './errors.js';
import { builtinTemplates } from './builtin-templates.js';
import { displayNameOf, domainOf, isPlainAddress } from './mail-address.js';
import { checkTemplateVars, type MailTemplate, TemplateRegistry } from './mail-template.js';
import { type RenderedMail, renderMail } from './render-mail.js';
import {
  type ClaimedRow,
  claimDueRows,
  findOutboxRow,
  holdQueuedRows,
  insertOutboxRow,
  listOutboxRows,
  markSent,
  type OutboxRow,
  type OutboxStatus,
  recordFailedAttempt,
  requeueRow,
} from './repository.js';
import { isSecretVar, redactVars } from './secret-vars.js';
import {
  createSmtpDelivery,
  describeDeliveryError,
  isPermanentFailure,
  SEND_TIMEOUT_MS,
  type SmtpDelivery,
  smtpUrlSecrets,
} from './smtp-delivery.js';

/** Where mail goes and what it is signed with (from @tradeloom/config). */
export interface MailConfig {
  /** smtp:// or smtps:// server; null holds every mail in the outbox (embedded mode without SMTP). */
  smtpUrl: string | null;
  /** The From header, e.g. `Tradeloom <no-reply@example.com>`. */
  mailFrom: string;
  /** Where users reach the platform; links in mails must point under it. */
  publicUrl: string;
}

/** How failed deliveries are retried. */
export interface DeliveryPolicy {
  /** Attempts before a mail is marked failed. */
  attemptsMax: number;
  /** Wait after the first failed attempt; doubled after each further one. */
  backoffBaseMs: number;
  /** The longest wait between two attempts. */
  backoffMaxMs: number;
  /** How long a claimed row stays reserved to its worker (longer than one send may take). */
  leaseMs: number;
}

/** 8 attempts over about 2 hours: 30 s, 1, 2, 4, 8, 16, 32 min, then failed. */
export const defaultDeliveryPolicy: DeliveryPolicy = {
  attemptsMax: 8,
  backoffBaseMs: 30_000,
  backoffMaxMs: 60 * 60_000,
  leaseMs: 5 * 60_000,
};

/** What the mail service is built from. */
export interface MailServiceDeps {
  database: Database;
  config: MailConfig;
  clock?: Clock;
  /** The recipient's anti-phishing code (identity answers it); read when the mail is rendered. */
  antiPhishingCodeOf?: (userId: string) => Promise<string | null>;
  /** Where admin actions on the outbox (retry, reading a mail's content) are recorded. */
  audit?: AuditSink;
  delivery?: Partial<DeliveryPolicy>;
}

/** What one deliverPending call did. */
export interface DeliveryCounts {
  /** Delivered to the SMTP server. */
  sent: number;
  /** Failed this time, queued again after a back-off. */
  retried: number;
  /** Failed for good (refused by the server, or out of attempts). */
  failed: number;
  /** Moved to held because no SMTP server is configured. */
  held: number;
}

/** An outbox row as admins see it: secret variables redacted. */
export type OutboxItem = Omit<OutboxRow, 'createdAtExact'>;

/** A filter and page of the outbox listing. */
export interface OutboxFilter {
  status?: OutboxStatus;
  /** Exact address, case-insensitive. */
  to?: string;
  template?: string;
  /** 1 to 100 (default 50). */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/** One page of the outbox, newest first. */
export interface OutboxPage {
  items: OutboxItem[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** A mail's full content, for an admin delivering it by hand (held mode). */
export interface OutboxContent extends RenderedMail {
  id: string;
  to: string;
}

/** Who does an admin action, for the audit log. */
export interface OutboxActor {
  /** `usr_…`, or 'system' / 'cli:<user>'. */
  actor: string;
  ip?: string;
}

/** A running delivery loop. */
export interface DeliveryLoop {
  /** Stops the loop, waiting for a delivery in progress. */
  stop(): Promise<void>;
}

/** The mail module's service: the outbox, its delivery and its templates. */
export interface MailService extends MailSender {
  /**
   * Queues a mail (held when there is no SMTP server), in `within`'s transaction when given. An
   * unknown template, a missing or unknown variable, a link outside publicUrl or a malformed
   * address is a programmer error and throws.
   */
  send(mail: MailRequest, within?: Queryable): Promise<void>;
  /** As `send`, answering the outbox id of the mail. */
  enqueue(mail: MailRequest, within?: Queryable): Promise<string>;
  /** Adds a template (`<module>.<name>`); modules register theirs when they are created. */
  registerTemplate<Required extends string, Optional extends string>(
    name: string,
    template: MailTemplate<Required, Optional>,
  ): void;
  templateNames(): string[];
  /** Claims due mails, renders and sends them; failed ones are retried with exponential back-off. */
  deliverPending(options?: { limit?: number }): Promise<DeliveryCounts>;
  /** The outbox, newest first, secret variables redacted. */
  listOutbox(filter?: OutboxFilter): Promise<OutboxPage>;
  /** Queues a held or failed mail again with a fresh attempt count (audited). */
  retry(id: string, by: OutboxActor): Promise<OutboxItem>;
  /**
   * Renders an unsent mail in full, links included, without the anti-phishing code (audited): how
   * an operator without SMTP hands a user their verification link.
   */
  readContent(id: string, by: OutboxActor): Promise<OutboxContent>;
  /** Runs deliverPending every `intervalMs` (at once again while batches come back full). */
  startDeliveryLoop(options?: {
    intervalMs?: number;
    limit?: number;
    onError?: (error: unknown) => void;
  }): DeliveryLoop;
  /** True when mails are held in the outbox (no SMTP server configured). */
  readonly holdsMail: boolean;
  /** Stops delivery loops and closes the SMTP transport. */
  close(): Promise<void>;
}

const LIMIT_DEFAULT = 50;
/** Rows per listing page. */
const LIMIT_MAX = 100;
/** Rows one deliverPending call may claim (each is one SMTP conversation of up to a minute). */
const DELIVER_LIMIT_MAX = 500;
/** Characters of one template variable: names, links, times — never a document. */
const VAR_LENGTH_MAX = 2_000;

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function isoAt(ms: number): string {
  return new Date(ms).toISOString();
}

function encodeCursor(row: OutboxRow): string {
  return Buffer.from(JSON.stringify([row.createdAtExact, row.id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const invalid = (): DomainError =>
    new DomainError('MAIL_CURSOR_INVALID', 'The cursor is not one this listing returned');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw invalid();
  const [createdAt, id] = parsed as unknown[];
  if (typeof createdAt !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(createdAt))) {
    throw invalid();
  }
  return { createdAt, id };
}

/** Builds the mail service. */
export function createMailService(deps: MailServiceDeps): MailService {
  const { database, config } = deps;
  const clock = deps.clock ?? systemClock;
  const policy: DeliveryPolicy = { ...defaultDeliveryPolicy, ...deps.delivery };
  if (policy.leaseMs <= SEND_TIMEOUT_MS) {
    throw new Error(`mail: leaseMs (${policy.leaseMs}) must exceed one send's timeout (${SEND_TIMEOUT_MS})`);
  }
  const publicUrl = trimSlash(config.publicUrl);
  const siteName = displayNameOf(config.mailFrom) ?? new URL(publicUrl).host;
  const messageIdDomain = domainOf(config.mailFrom) ?? 'localhost';
  const smtp: SmtpDelivery | null = config.smtpUrl === null ? null : createSmtpDelivery(config.smtpUrl);
  const smtpSecrets = config.smtpUrl === null ? [] : smtpUrlSecrets(config.smtpUrl);
  const registry = new TemplateRegistry();
  for (const [name, template] of Object.entries(builtinTemplates)) registry.register(name, template);
  const loops = new Set<DeliveryLoop>();

  const secretValuesOf = (template: MailTemplate | undefined, vars: Readonly<Record<string, string>>) =>
    Object.entries(vars)
      .filter(([name]) => isSecretVar(name, template?.secretVars))
      .map(([, value]) => value);

  const redacted = (row: OutboxRow): OutboxItem => {
    const { createdAtExact: _exact, ...item } = row;
    return { ...item, vars: redactVars(row.vars, registry.find(row.template)?.secretVars) };
  };

  const render = async (row: { template: string; vars: Record<string, string> }, code: string | null) =>
    renderMail(registry.get(row.template), row.vars, { antiPhishingCode: code, publicUrl, siteName });

  const audit = async (
    by: OutboxActor,
    action: string,
    target: string,
    within: Queryable,
    change?: { before?: unknown; after?: unknown },
  ): Promise<void> => {
    await deps.audit?.record(
      { actor: by.actor, action, target, ...(by.ip === undefined ? {} : { ip: by.ip }), ...change },
      within,
    );
  };

  const deliverOne = async (
    row: ClaimedRow,
    claimToken: string,
    counts: DeliveryCounts,
    transport: SmtpDelivery,
  ): Promise<void> => {
    const template = registry.find(row.template);
    let messageId: string;
    try {
      const code =
        row.userId === null || deps.antiPhishingCodeOf === undefined
          ? null
          : await deps.antiPhishingCodeOf(row.userId);
      const rendered = await render(row, code);
      const sent = await transport.send({
        from: config.mailFrom,
        to: row.to,
        ...rendered,
        messageId: `<${row.id}@${messageIdDomain}>`,
      });
      messageId = sent.messageId;
    } catch (error) {
      const lastError = describeDeliveryError(error, [...smtpSecrets, ...secretValuesOf(template, row.vars)]);
      const giveUp = isPermanentFailure(error) || row.attempts >= policy.attemptsMax;
      const delayMs = Math.min(policy.backoffBaseMs * 2 ** (row.attempts - 1), policy.backoffMaxMs);
      await recordFailedAttempt(database, {
        id: row.id,
        claimToken,
        nextAttemptAtIso: giveUp ? null : isoAt(clock.nowMs() + delayMs),
        lastError,
      });
      if (giveUp) counts.failed += 1;
      else counts.retried += 1;
      return;
    }
    // Once delivered, the outbox no longer needs the links: keep only what an audit needs.
    await markSent(database, {
      id: row.id,
      claimToken,
      sentAtIso: isoAt(clock.nowMs()),
      messageId,
      vars: redactVars(row.vars, template?.secretVars),
    });
    counts.sent += 1;
  };

  const service: MailService = {
    holdsMail: smtp === null,

    async send(mail, within) {
      await service.enqueue(mail, within);
    },

    async enqueue(mail, within) {
      const template = registry.get(mail.template);
      checkTemplateVars(mail.template, template, mail.vars);
      if (!isPlainAddress(mail.to)) {
        throw new Error(`mail: '${mail.template}' to a malformed address`);
      }
      for (const [name, value] of Object.entries(mail.vars)) {
        if (value.length > VAR_LENGTH_MAX) {
          throw new Error(`mail: '${mail.template}' variable ${name} is over ${VAR_LENGTH_MAX} characters`);
        }
        // A link in our mail that leads elsewhere is how phishing looks: refuse to send one.
        if (/url$/i.test(name) && value !== publicUrl && !value.startsWith(`${publicUrl}/`)) {
          throw new Error(`mail: '${mail.template}' variable ${name} is not a link under PUBLIC_URL`);
        }
      }
      const id = newId('mail');
      await insertOutboxRow(within ?? database, {
        id,
        userId: mail.userId ?? null,
        to: mail.to,
        template: mail.template,
        vars: mail.vars,
        status: smtp === null ? 'held' : 'queued',
        nowIso: isoAt(clock.nowMs()),
      });
      return id;
    },

    registerTemplate(name, template) {
      registry.register(name, template);
    },

    templateNames: () => registry.names(),

    async deliverPending(options = {}) {
      const counts: DeliveryCounts = { sent: 0, retried: 0, failed: 0, held: 0 };
      if (smtp === null) {
        counts.held = await holdQueuedRows(database);
        return counts;
      }
      const limit = options.limit ?? LIMIT_DEFAULT;
      if (!Number.isInteger(limit) || limit < 1 || limit > DELIVER_LIMIT_MAX) {
        throw new Error(`deliverPending: limit ${limit} is not an integer from 1 to ${DELIVER_LIMIT_MAX}`);
      }
      const claimToken = newId('clm');
      const now = clock.nowMs();
      const claimed = await claimDueRows(database, {
        nowIso: isoAt(now),
        leaseUntilIso: isoAt(now + policy.leaseMs),
        limit,
        claimToken,
      });
      for (const row of claimed) await deliverOne(row, claimToken, counts, smtp);
      return counts;
    },

    async listOutbox(filter = {}) {
      const limit = Math.min(Math.max(filter.limit ?? LIMIT_DEFAULT, 1), LIMIT_MAX);
      const rows = await listOutboxRows(database, {
        limit,
        ...(filter.status === undefined ? {} : { status: filter.status }),
        ...(filter.to === undefined ? {} : { to: filter.to }),
        ...(filter.template === undefined ? {} : { template: filter.template }),
        ...(filter.cursor === undefined ? {} : { after: decodeCursor(filter.cursor) }),
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(redacted),
        nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last) : null,
      };
    },

    async retry(id, by) {
      return database.transaction(async (tx) => {
        const before = await findOutboxRow(tx, id);
        if (before === undefined) throw new DomainError('MAIL_NOT_FOUND', 'No such mail in the outbox');
        if (before.status === 'sent') {
          throw new DomainError('MAIL_ALREADY_SENT', 'This mail was delivered already');
        }
        if (smtp === null) {
          throw new DomainError(
            'MAIL_DELIVERY_DISABLED',
            'No SMTP server is configured (SMTP_URL): mails stay held in the outbox',
          );
        }
        const after = await requeueRow(tx, id, isoAt(clock.nowMs()));
        if (after === undefined) {
          throw new DomainError('MAIL_BEING_DELIVERED', 'This mail is being delivered right now');
        }
        await audit(by, 'mail.outbox.retry', id, tx, {
          before: { status: before.status, attempts: before.attempts },
          after: { status: after.status, attempts: after.attempts },
        });
        return redacted(after);
      });
    },

    async readContent(id, by) {
      return database.transaction(async (tx) => {
        const row = await findOutboxRow(tx, id);
        if (row === undefined) throw new DomainError('MAIL_NOT_FOUND', 'No such mail in the outbox');
        if (row.status === 'sent') {
          throw new DomainError(
            'MAIL_CONTENT_UNAVAILABLE',
            'A delivered mail keeps no links or tokens; only unsent mails can be read',
          );
        }
        if (registry.find(row.template) === undefined) {
          throw new DomainError(
            'MAIL_CONTENT_UNAVAILABLE',
            `Template ${row.template} is not registered in this process`,
          );
        }
        await audit(by, 'mail.outbox.read-content', id, tx);
        // The anti-phishing code proves a mail comes from us: an admin must not learn it.
        return { id: row.id, to: row.to, ...(await render(row, null)) };
      });
    },

    startDeliveryLoop(options = {}) {
      const intervalMs = options.intervalMs ?? 2_000;
      const limit = options.limit ?? LIMIT_DEFAULT;
      let timer: NodeJS.Timeout | undefined;
      let running: Promise<void> = Promise.resolve();
      let stopped = false;
      const tick = (): void => {
        running = (async () => {
          let full = false;
          try {
            const counts = await service.deliverPending({ limit });
            full = counts.sent + counts.retried + counts.failed >= limit;
          } catch (error) {
            options.onError?.(error);
          }
          if (!stopped) timer = setTimeout(tick, full ? 0 : intervalMs);
        })();
      };
      timer = setTimeout(tick, 0);
      const loop: DeliveryLoop = {
        stop: async () => {
          stopped = true;
          clearTimeout(timer);
          await running;
          loops.delete(loop);
        },
      };
      loops.add(loop);
      return loop;
    },

    async close() {
      await Promise.all([...loops].map((loop) => loop.stop()));
      smtp?.close();
    },
  };
  return service;
}
