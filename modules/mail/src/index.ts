import { fileURLToPath } from 'node:url';
import type { PlatformModule } from '@tradeloom/kernel';
import { ADMIN_MAIL_CONTENT_PERMISSION, ADMIN_MAIL_PERMISSION, registerMailRoutes } from './routes.js';
import { createMailService, type MailService, type MailServiceDeps } from './service.js';

export { defineMailTemplate, type MailTemplate, type TemplateVars } from './mail-template.js';
export { ANTI_PHISHING_LABEL, type RenderedMail } from './render-mail.js';
export { OUTBOX_STATUSES, type OutboxStatus } from './repository.js';
export { REDACTED } from './secret-vars.js';
export {
  type DeliveryCounts,
  type DeliveryLoop,
  type DeliveryPolicy,
  defaultDeliveryPolicy,
  type MailConfig,
  type MailService,
  type MailServiceDeps,
  type OutboxActor,
  type OutboxContent,
  type OutboxFilter,
  type OutboxItem,
  type OutboxPage,
} from './service.js';
export { ADMIN_MAIL_CONTENT_PERMISSION, ADMIN_MAIL_PERMISSION };

/** The mail module: the outbox table, its delivery over SMTP, templates and the admin routes. */
export function createMailModule(deps: MailServiceDeps): { module: PlatformModule; service: MailService } {
  const service = createMailService(deps);
  const module: PlatformModule = {
    name: 'mail',
    migrationsDir: fileURLToPath(new URL('../migrations/', import.meta.url)),
    permissions: [
      {
        name: ADMIN_MAIL_PERMISSION,
        description: 'See the mail outbox (links and tokens redacted) and retry mails',
      },
      {
        name: ADMIN_MAIL_CONTENT_PERMISSION,
        description: 'Read unsent mails in full, including their one-time links (audited)',
      },
    ],
    routes: (app) => registerMailRoutes(app, service),
    close: () => service.close(),
  };
  return { module, service };
}
