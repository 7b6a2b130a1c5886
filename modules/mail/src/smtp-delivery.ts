import { createTransport } from 'nodemailer';
import { oneLine } from './one-line.js';

/** One rendered mail as it goes on the wire. */
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** `<outbox id@sender domain>`: the same on every attempt, so a receiver can drop a duplicate. */
  messageId: string;
}

/** Sends mails over SMTP. */
export interface SmtpDelivery {
  /** Resolves with the Message-ID the mail went out with; rejects with nodemailer's error. */
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): void;
}

/** Bounds of one SMTP conversation; well under the claim lease, so a live worker keeps its rows. */
const CONNECTION_TIMEOUT_MS = 15_000;
const GREETING_TIMEOUT_MS = 15_000;
const SOCKET_TIMEOUT_MS = 30_000;
/** The longest one send may take, end to end. */
export const SEND_TIMEOUT_MS = 60_000;

/** An SMTP transport (one connection per mail) from an smtp:// or smtps:// URL with optional user:password. */
export function createSmtpDelivery(smtpUrl: string): SmtpDelivery {
  const transport = createTransport({
    url: smtpUrl,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    greetingTimeout: GREETING_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
    // nodemailer logs nothing by default; said explicitly because its debug output holds whole mails.
    logger: false,
    debug: false,
  });
  return {
    send: async (mail) => {
      const info = await transport.sendMail({ ...mail, signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
      return { messageId: info.messageId };
    },
    close: () => transport.close(),
  };
}

function fieldOf(error: unknown, name: string): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[name] : undefined;
}

/**
 * True when the server refused this mail or recipient for good (5xx to RCPT TO or DATA): retrying
 * cannot help. A refused login or an unreachable server is the operator's to fix, and is retried.
 */
export function isPermanentFailure(error: unknown): boolean {
  const code = fieldOf(error, 'code');
  return fieldOf(error, 'permanent') === true && (code === 'EENVELOPE' || code === 'EMESSAGE');
}

/** The longest last_error kept. */
const ERROR_LENGTH_MAX = 500;

/**
 * What is stored as last_error and shown to admins: the error's code and message, with every
 * secret (the SMTP password, the mail's links and tokens) cut out, since servers echo what they
 * were sent, and bounded in length.
 */
export function describeDeliveryError(error: unknown, secrets: readonly string[]): string {
  const code = fieldOf(error, 'code');
  const message = error instanceof Error ? error.message : String(error);
  let text = typeof code === 'string' && code !== '' ? `${code}: ${message}` : message;
  // Longest first, so a secret containing another is cut out whole.
  for (const secret of [...secrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)) {
    text = text.split(secret).join('[redacted]');
  }
  text = oneLine(text);
  return text.length > ERROR_LENGTH_MAX ? `${text.slice(0, ERROR_LENGTH_MAX - 1)}…` : text;
}

/** The parts of an SMTP URL that are secret: the password (raw and URL-decoded) and the whole user-info. */
export function smtpUrlSecrets(smtpUrl: string): string[] {
  const url = new URL(smtpUrl);
  const secrets = [url.password, safeDecode(url.password)];
  if (url.username !== '') secrets.push(`${url.username}:${url.password}`);
  return secrets.filter((s) => s !== '');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
