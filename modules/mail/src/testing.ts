// Test support: a real SMTP server (smtp-server) on 127.0.0.1 that keeps every mail it accepts,
// parsed (mailparser), so tests read what users would receive.
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/** An error the sink answers DATA with (a 4xx is temporary, a 5xx permanent). */
export interface SmtpRejection {
  message: string;
  responseCode: number;
}

/** Options of `startSmtpSink`. */
export interface SmtpSinkOptions {
  /** Listen on this port (default: a free one). */
  port?: number;
  /** Require AUTH with these credentials (plain text over the loopback connection). */
  auth?: { user: string; pass: string };
  /** Refuse a received mail instead of keeping it; null keeps it. */
  reject?: (mail: ParsedMail) => SmtpRejection | null;
}

/** A running sink. */
export interface SmtpSink {
  /** smtp://127.0.0.1:<port> (with user:pass@ when auth is required). */
  url: string;
  port: number;
  /** Mails accepted so far, in arrival order. */
  messages: ParsedMail[];
  /** Resolves with the first accepted mail (already received or still to come) that matches. */
  waitFor(predicate: (mail: ParsedMail) => boolean, timeoutMs?: number): Promise<ParsedMail>;
  /** Changes what the sink refuses from now on. */
  setReject(reject: SmtpSinkOptions['reject'] | null): void;
  close(): Promise<void>;
}

/** The addresses a parsed mail was sent to. */
export function recipientsOf(mail: ParsedMail): string[] {
  const to = mail.to === undefined ? [] : Array.isArray(mail.to) ? mail.to : [mail.to];
  return to.flatMap((group) => group.value.map((address) => address.address ?? ''));
}

/** Starts an SMTP server on 127.0.0.1 that accepts everything (no TLS) unless told to refuse. */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  const waiters = new Set<() => void>();
  let reject = options.reject ?? null;
  const auth = options.auth;
  const server = new SMTPServer({
    // STARTTLS with smtp-server's self-signed certificate would fail the client's verification.
    disabledCommands: auth === undefined ? ['STARTTLS', 'AUTH'] : ['STARTTLS'],
    authOptional: auth === undefined,
    allowInsecureAuth: true,
    logger: false,
    onAuth(credentials, _session, callback) {
      if (auth !== undefined && credentials.username === auth.user && credentials.password === auth.pass) {
        callback(null, { user: credentials.username });
      } else {
        callback(new Error('Invalid username or password'));
      }
    },
    onData(stream, _session: SMTPServerSession, callback) {
      simpleParser(stream).then(
        (mail) => {
          const refusal = reject?.(mail) ?? null;
          if (refusal !== null) {
            callback(Object.assign(new Error(refusal.message), { responseCode: refusal.responseCode }));
            return;
          }
          messages.push(mail);
          for (const wake of waiters) wake();
          callback();
        },
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
  });
  await new Promise<void>((resolve, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', fail);
      resolve();
    });
  });
  // smtp-server logs socket errors of clients that hang up; a test server has nothing to report.
  server.on('error', () => {});
  const port = (server.server.address() as AddressInfo).port;
  const credentials =
    auth === undefined ? '' : `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@`;
  return {
    url: `smtp://${credentials}127.0.0.1:${port}`,
    port,
    messages,
    waitFor: (predicate, timeoutMs = 5_000) =>
      new Promise<ParsedMail>((resolve, fail) => {
        const check = (): boolean => {
          const found = messages.find(predicate);
          if (found === undefined) return false;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(found);
          return true;
        };
        const wake = (): void => void check();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          fail(
            new Error(`startSmtpSink: no matching mail within ${timeoutMs} ms (${messages.length} received)`),
          );
        }, timeoutMs);
        if (!check()) waiters.add(wake);
      }),
    setReject: (next) => {
      reject = next ?? null;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on (it was free a moment ago): an SMTP server that is down. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
