// Proves the admin outbox routes over real HTTP on PGlite and PostgreSQL: 401 without a signed-in
// user, 403 without the permission, 200 with it; the listing filters, pages and never shows links or
// tokens; retry needs the CSRF token and requeues; reading a mail's content needs its own permission.
import { fileURLToPath } from 'node:url';
import { type StartedApi, startApi } from '@tradeloom/api/testing';
import { defaultMigrationsDir } from '@tradeloom/db';
import { bothModes, createTestDatabase, type TestDatabase } from '@tradeloom/db/testing';
import type { AuditEntryInput, Authenticator, PlatformModule } from '@tradeloom/kernel';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMailModule } from './index.js';
import { REDACTED } from './secret-vars.js';
import type { MailService } from './service.js';
import { recipientsOf, type SmtpSink, startSmtpSink } from './testing.js';

const mailMigrationsDir = fileURLToPath(new URL('../migrations/', import.meta.url));
const PUBLIC_URL = 'https://ex.example';
const CSRF = 'test-csrf-token';

// TEST SCAFFOLDING, not a way to sign in: identity does not exist yet, so this authenticator
// trusts an `x-test-user` header to stand for a signed-in cookie session (with its CSRF token).
const trustHeader: Authenticator = async (request) => {
  const userId = request.headers['x-test-user'];
  return typeof userId === 'string'
    ? { userId, method: 'session', sessionId: 'ses_test', csrfToken: CSRF }
    : null;
};
const testAuthModule: PlatformModule = { name: 'test-auth', authenticators: [trustHeader] };

// Stands for the access module: which test user holds which permission.
const permissionsOf: Record<string, readonly string[]> = {
  usr_admin: ['admin:mail'],
  usr_content: ['admin:mail', 'admin:mail:content'],
};

function as(userId: string, init: RequestInit = {}): RequestInit {
  return { ...init, headers: { ...(init.headers as Record<string, string>), 'x-test-user': userId } };
}

describe.each(bothModes)('admin mail routes on %s', (mode) => {
  let test: TestDatabase;
  let sink: SmtpSink;
  let api: StartedApi;
  let mail: MailService;
  const audited: AuditEntryInput[] = [];
  const outbox = (): string => `${api.url}/api/v1/admin/mail/outbox`;

  beforeAll(async () => {
    test = await createTestDatabase(mode, {
      migrate: { sources: [{ dir: defaultMigrationsDir }, { module: 'mail', dir: mailMigrationsDir }] },
    });
    sink = await startSmtpSink();
    const created = createMailModule({
      database: test.database,
      config: { smtpUrl: sink.url, mailFrom: 'Ex <no-reply@ex.example>', publicUrl: PUBLIC_URL },
      antiPhishingCodeOf: async (userId) => (userId === 'usr_ann' ? 'OWL-42' : null),
      // Stands for the access module's audit sink.
      audit: { record: async (entry) => void audited.push(entry) },
    });
    mail = created.service;
    api = await startApi(mode, {
      test,
      engine: null,
      modules: [testAuthModule, created.module],
      resolvePermissions: async (userId) => new Set(permissionsOf[userId] ?? []),
    });
  });
  afterAll(async () => {
    await api?.stop();
    await mail?.close();
    await sink?.close();
    await test?.drop();
  });
  beforeEach(async () => {
    audited.length = 0;
    sink.setReject(null);
    await test.database.query('DELETE FROM mail_outbox');
  });

  const enqueueVerify = (to: string, token: string) =>
    mail.enqueue({
      to,
      userId: 'usr_ann',
      template: 'identity.verify-email',
      vars: { verifyUrl: `${PUBLIC_URL}/verify-email?token=${token}`, displayName: 'Ann' },
    });

  it('module declares its permissions', () => {
    const { module } = createMailModule({
      database: test.database,
      config: { smtpUrl: null, mailFrom: 'x@ex.example', publicUrl: PUBLIC_URL },
    });
    expect(module.name).toBe('mail');
    expect(module.permissions?.map((p) => p.name)).toEqual(['admin:mail', 'admin:mail:content']);
    expect(module.migrationsDir).toBe(mailMigrationsDir);
  });

  it('401 without a signed-in user, 403 without the permission', async () => {
    const id = await enqueueVerify('ann@example.com', 'tok-x');
    for (const [method, url] of [
      ['GET', outbox()],
      ['POST', `${outbox()}/${id}/retry`],
      ['GET', `${outbox()}/${id}/content`],
    ] as const) {
      const anonymous = await fetch(url, { method });
      expect(anonymous.status, `${method} ${url}`).toBe(401);
      expect(await anonymous.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
      const headers = { 'x-csrf-token': CSRF };
      const plain = await fetch(url, as('usr_plain', { method, headers }));
      expect(plain.status, `${method} ${url}`).toBe(403);
      expect(await plain.json()).toMatchObject({ code: 'FORBIDDEN' });
    }
    const admin = await fetch(`${outbox()}/${id}/content`, as('usr_admin'));
    expect(admin.status).toBe(403);
    expect(await admin.json()).toMatchObject({
      code: 'FORBIDDEN',
      details: { permission: 'admin:mail:content' },
    });
  });

  it('GET outbox lists newest first, redacted: no link or token anywhere in the answer', async () => {
    const first = await enqueueVerify('ann@example.com', 'tok-first-secret');
    const second = await mail.enqueue({
      to: 'bob@example.com',
      template: 'identity.reset-password',
      vars: { resetUrl: `${PUBLIC_URL}/reset?token=tok-second-secret`, ip: '10.1.2.3' },
    });
    const response = await fetch(outbox(), as('usr_admin'));
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain('tok-first-secret');
    expect(text).not.toContain('tok-second-secret');
    const body = JSON.parse(text) as {
      items: { id: string; vars: Record<string, string> }[];
      nextCursor: null;
    };
    expect(body.nextCursor).toBeNull();
    expect(body.items.map((item) => item.id).sort()).toEqual([first, second].sort());
    const byId = new Map(body.items.map((item) => [item.id, item]));
    expect(byId.get(first)).toMatchObject({
      to: 'ann@example.com',
      userId: 'usr_ann',
      template: 'identity.verify-email',
      status: 'queued',
      attempts: 0,
      lastError: null,
      sentAt: null,
      messageId: null,
      vars: { verifyUrl: REDACTED, displayName: 'Ann' },
    });
    expect(byId.get(second)?.vars).toEqual({ resetUrl: REDACTED, ip: '10.1.2.3' });
  });

  it('GET outbox filters by status, recipient and template, and pages with a cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push(await enqueueVerify(`p${i}@example.com`, `tok-p${i}`));
    await mail.enqueue({ to: 'P0@Example.com', template: 'identity.password-changed', vars: {} });
    expect((await mail.deliverPending({ limit: 1 })).sent).toBe(1);

    const list = async (query: string) => {
      const response = await fetch(`${outbox()}?${query}`, as('usr_admin'));
      expect(response.status, query).toBe(200);
      return (await response.json()) as {
        items: { id: string; status: string; to: string }[];
        nextCursor: string | null;
      };
    };
    expect((await list('status=sent')).items).toHaveLength(1);
    expect((await list('status=queued')).items).toHaveLength(5);
    expect((await list('to=p0@example.com')).items.map((item) => item.to).sort()).toEqual([
      'P0@Example.com',
      'p0@example.com',
    ]);
    expect((await list('template=identity.password-changed')).items).toHaveLength(1);

    const seen: string[] = [];
    let query = 'limit=2&template=identity.verify-email';
    for (let page = 0; page < 5; page += 1) {
      const body = await list(query);
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items.map((item) => item.id));
      if (body.nextCursor === null) break;
      query = `limit=2&template=identity.verify-email&cursor=${encodeURIComponent(body.nextCursor)}`;
    }
    expect(new Set(seen)).toEqual(new Set(ids));
    expect(seen).toHaveLength(5);
  });

  it('GET outbox refuses a limit over 100, an unknown status and a forged cursor', async () => {
    for (const query of ['limit=101', 'limit=0', 'status=lost']) {
      const response = await fetch(`${outbox()}?${query}`, as('usr_admin'));
      expect(response.status, query).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    const forged = await fetch(`${outbox()}?cursor=bm90LWEtY3Vyc29y`, as('usr_admin'));
    expect(forged.status).toBe(400);
    expect(await forged.json()).toMatchObject({ code: 'MAIL_CURSOR_INVALID' });
  });

  it('POST retry needs the CSRF token, requeues a failed mail (audited) and refuses a sent or unknown one', async () => {
    sink.setReject(() => ({ message: 'Mailbox unavailable', responseCode: 550 }));
    const id = await enqueueVerify('retry@example.com', 'tok-retry');
    expect((await mail.deliverPending()).failed).toBe(1);
    sink.setReject(null);

    const withoutCsrf = await fetch(`${outbox()}/${id}/retry`, as('usr_admin', { method: 'POST' }));
    expect(withoutCsrf.status).toBe(403);
    expect(await withoutCsrf.json()).toMatchObject({ code: 'CSRF_TOKEN_INVALID' });

    const retried = await fetch(
      `${outbox()}/${id}/retry`,
      as('usr_admin', { method: 'POST', headers: { 'x-csrf-token': CSRF } }),
    );
    expect(retried.status).toBe(200);
    const item = (await retried.json()) as Record<string, unknown>;
    expect(item).toMatchObject({ id, status: 'queued', attempts: 0, vars: { verifyUrl: REDACTED } });
    expect(audited).toEqual([
      expect.objectContaining({ actor: 'usr_admin', action: 'mail.outbox.retry', target: id }),
    ]);
    expect((await mail.deliverPending()).sent).toBe(1);
    await sink.waitFor((m) => recipientsOf(m).includes('retry@example.com'));

    const again = await fetch(
      `${outbox()}/${id}/retry`,
      as('usr_admin', { method: 'POST', headers: { 'x-csrf-token': CSRF } }),
    );
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'MAIL_ALREADY_SENT' });
    const unknown = await fetch(
      `${outbox()}/mail_unknown0000/retry`,
      as('usr_admin', { method: 'POST', headers: { 'x-csrf-token': CSRF } }),
    );
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'MAIL_NOT_FOUND' });
    const malformed = await fetch(
      `${outbox()}/usr_x/retry`,
      as('usr_admin', { method: 'POST', headers: { 'x-csrf-token': CSRF } }),
    );
    expect(malformed.status).toBe(400);
  });

  it('GET content shows an unsent mail in full without the anti-phishing code (audited); not a sent one', async () => {
    const id = await enqueueVerify('content@example.com', 'tok-content');
    const response = await fetch(`${outbox()}/${id}/content`, as('usr_content'));
    expect(response.status).toBe(200);
    const content = (await response.json()) as { to: string; subject: string; text: string; html: string };
    expect(content.to).toBe('content@example.com');
    expect(content.subject).toBe('Confirm your email address');
    expect(content.text).toContain(`${PUBLIC_URL}/verify-email?token=tok-content`);
    expect(content.html).toContain(`href="${PUBLIC_URL}/verify-email?token=tok-content"`);
    expect(content.text).not.toContain('OWL-42');
    expect(content.html).not.toContain('OWL-42');
    expect(audited).toEqual([
      expect.objectContaining({ actor: 'usr_content', action: 'mail.outbox.read-content', target: id }),
    ]);

    expect((await mail.deliverPending()).sent).toBe(1);
    const delivered = await sink.waitFor((m) => recipientsOf(m).includes('content@example.com'));
    expect(delivered.text).toContain('Your anti-phishing code: OWL-42');
    const afterSend = await fetch(`${outbox()}/${id}/content`, as('usr_content'));
    expect(afterSend.status).toBe(409);
    expect(await afterSend.json()).toMatchObject({ code: 'MAIL_CONTENT_UNAVAILABLE' });
  });

  it('no link or token of any mail reached the API logs (runs after the tests above)', () => {
    expect(api.logs.length).toBeGreaterThan(10);
    expect(api.logText()).not.toContain('tok-');
  });

  it('the routes are in the OpenAPI document', async () => {
    const document = (await (await fetch(`${api.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/admin/mail/outbox',
        '/api/v1/admin/mail/outbox/{id}/retry',
        '/api/v1/admin/mail/outbox/{id}/content',
      ]),
    );
  });
});
