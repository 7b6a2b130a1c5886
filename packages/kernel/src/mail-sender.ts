import type { Queryable } from '@tradeloom/db';

/** One mail to send: a template and its variables (the mail module renders and delivers it). */
export interface MailRequest {
  to: string;
  /** Template name, e.g. 'identity.verify-email'. */
  template: string;
  vars: Readonly<Record<string, string>>;
  /** The recipient's user id, when it is a user (for their anti-phishing code and preferences). */
  userId?: string;
}

/** How modules send mail; the mail module implements it (SMTP, or the outbox table). */
export interface MailSender {
  /** Queues the mail (transactional outbox): within the caller's transaction when `within` is given. */
  send(mail: MailRequest, within?: Queryable): Promise<void>;
}
