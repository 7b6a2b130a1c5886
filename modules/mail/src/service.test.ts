// Proves the outbox on PGlite and PostgreSQL against a real SMTP server: a queued mail arrives with
// its link and the user's anti-phishing code; SMTP down means retries with exponential back-off and
// a secret-free last_error, then delivery; concurrent workers never send a row twice; a rolled-back
// transaction sends nothing; without SMTP mails are held; delivered rows keep no links or tokens.
import { fileURLToPath } from 'node:url';
import { type Database, defaultMigrationsDir, openDatabase } from '@tradeloom/db';
import { bothModes, createTestDatabase, type TestDatabase } from '@tradeloom/db/testing';
import { type AuditEntryInput, DomainError, SettableClock } from '@tradeloom/kernel';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ANTI_PHISHING_LABEL } from './render-mail.js';
import { REDACTED } from './secret-vars.js';
import { createMailService, type MailService, type MailServiceDeps } from './service.js';
import { freePort, recipientsOf, type SmtpSink, startSmtpSink } from './testing.js';

const mailMigrationsDir = fileURLToPath(new URL('../migrations/', import.meta.url));
const PUBLIC_URL = 'https://ex.example';
const config = { mailFrom: 'Ex <no-reply@ex.example>', publicUrl: PUBLIC_URL };
const codes = new Map([['usr_ann', 'OWL-42']]);
// Stands for identity's antiPhishingCodeOf until that module exists.
const antiPhishingCodeOf = async (userId: string): Promise<string | null> => codes.get(userId) ?? null;

function verifyMail(to: string, token: string, userId?: string) {
  return {
    to,
    template: 'identity.verify-email',
    vars: { verifyUrl: `${PUBLIC_URL}/verify-email?token=${token}`, displayName: 'Ann' },
    ...(userId === undefined ? {} : { userId }),
  };
}

interface StoredRow {
  status: string;
  attempts: number;
  next_attempt_ms: number;
  last_error: string | null;
  vars: Record<string, string>;
  message_id: string | null;
  sent_at: string | null;
}

async function rowOf(database: Database, id: string): Promise<StoredRow> {
  const { rows } = await database.query(
    `SELECT status, attempts, (extract(epoch FROM next_attempt_at) * 1000)::float8 AS next_attempt_ms,
       last_error, vars, message_id, sent_at FROM mail_outbox WHERE id = $1`,
    [id],
  );
  const row = rows[0];
  if (row === undefined) throw new Error(`no outbox row ${id}`);
  return row as unknown as StoredRow;
}

async function countRows(database: Database): Promise<number> {
  const { rows } = await database.query('SELECT count(*)::int AS n FROM mail_outbox');
  return Number(rows[0]?.n);
}

describe.each(bothModes)('mail outbox on %s', (mode) => {
  let test: TestDatabase;
  let sink: SmtpSink;
  let clock: SettableClock;
  const services: MailService[] = [];

  const service = (overrides: Partial<MailServiceDeps> = {}): MailService => {
    const created = createMailService({
      database: test.database,
      config: { ...config, smtpUrl: sink.url },
      clock,
      antiPhishingCodeOf,
      ...overrides,
    });
    services.push(created);
    return created;
  };

  beforeAll(async () => {
    test = await createTestDatabase(mode, {
      migrate: { sources: [{ dir: defaultMigrationsDir }, { module: 'mail', dir: mailMigrationsDir }] },
    });
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink.close();
    await test.drop();
  });
  beforeEach(async () => {
    clock = new SettableClock(Date.UTC(2030, 0, 1));
    sink.messages.length = 0;
    sink.setReject(null);
    await test.database.query('DELETE FROM mail_outbox');
  });
  afterEach(async () => {
    await Promise.all(services.splice(0).map((s) => s.close()));
  });

  it('send → deliverPending → the SMTP server receives the mail with its link and anti-phishing code', async () => {
    const mail = service();
    const id = await mail.enqueue(verifyMail('ann@example.com', 'tok-abc123', 'usr_ann'));
    expect((await rowOf(test.database, id)).status).toBe('queued');

    expect(await mail.deliverPending({ limit: 10 })).toEqual({ sent: 1, retried: 0, failed: 0, held: 0 });
    const received = await sink.waitFor((m) => recipientsOf(m).includes('ann@example.com'));
    expect(received.subject).toBe('Confirm your email address');
    expect(received.from?.value).toEqual([{ name: 'Ex', address: 'no-reply@ex.example' }]);
    expect(received.messageId).toBe(`<${id}@ex.example>`);
    const link = `${PUBLIC_URL}/verify-email?token=tok-abc123`;
    expect(received.text).toContain(link);
    expect(received.html).toContain(`href="${link}"`);
    expect(received.text?.split('\n')[0]).toBe(`${ANTI_PHISHING_LABEL} OWL-42`);
    expect(received.html).toContain(`${ANTI_PHISHING_LABEL} <strong>OWL-42</strong>`);

    const row = await rowOf(test.database, id);
    expect(row.status).toBe('sent');
    expect(row.attempts).toBe(1);
    expect(row.message_id).toBe(`<${id}@ex.example>`);
    expect(row.sent_at).not.toBeNull();
    // Delivered: the one-time link is gone from the database, the harmless variables stay.
    expect(row.vars).toEqual({ verifyUrl: REDACTED, displayName: 'Ann' });
    expect(JSON.stringify(row)).not.toContain('tok-abc123');

    expect(await mail.deliverPending({ limit: 10 })).toEqual({ sent: 0, retried: 0, failed: 0, held: 0 });
    expect(sink.messages).toHaveLength(1);
  });

  it('has no anti-phishing line for a mail not to a user, or to a user without a code', async () => {
    const mail = service();
    await mail.send(verifyMail('anon@example.com', 'tok-1'));
    await mail.send(verifyMail('bob@example.com', 'tok-2', 'usr_bob'));
    expect((await mail.deliverPending()).sent).toBe(2);
    for (const address of ['anon@example.com', 'bob@example.com']) {
      const received = await sink.waitFor((m) => recipientsOf(m).includes(address));
      expect(received.text).not.toContain(ANTI_PHISHING_LABEL);
      expect(received.html).not.toContain(ANTI_PHISHING_LABEL);
    }
  });

  it('send refuses unknown templates, missing or unknown variables, foreign links and bad addresses', async () => {
    const mail = service();
    await expect(mail.send({ to: 'a@example.com', template: 'identity.nope', vars: {} })).rejects.toThrow(
      "mail template 'identity.nope' is not registered",
    );
    await expect(
      mail.send({ to: 'a@example.com', template: 'identity.verify-email', vars: { displayName: 'A' } }),
    ).rejects.toThrow('needs verifyUrl');
    await expect(
      mail.send({
        to: 'a@example.com',
        template: 'identity.verify-email',
        vars: { verifyUrl: `${PUBLIC_URL}/v`, verifyUlr: 'x' },
      }),
    ).rejects.toThrow('has no variable verifyUlr');
    await expect(
      mail.send({
        to: 'a@example.com',
        template: 'identity.verify-email',
        vars: { verifyUrl: 'https://evil.example/v' },
      }),
    ).rejects.toThrow('verifyUrl is not a link under PUBLIC_URL');
    await expect(
      mail.send({
        to: 'a@example.com',
        template: 'identity.verify-email',
        vars: { verifyUrl: 'https://ex.example.evil.example/v' },
      }),
    ).rejects.toThrow('not a link under PUBLIC_URL');
    await expect(mail.send(verifyMail('a@example.com\r\nBcc: eve@example.com', 't'))).rejects.toThrow(
      'malformed address',
    );
    await expect(mail.send(verifyMail('a@example.com', 'x'.repeat(2_000)))).rejects.toThrow(
      'verifyUrl is over 2000 characters',
    );
    await expect(mail.deliverPending({ limit: 501 })).rejects.toThrow('limit 501');
    expect(await countRows(test.database)).toBe(0);
  });

  it('a mail sent inside a rolled-back transaction is never sent; a committed one is', async () => {
    const mail = service();
    await expect(
      test.database.transaction(async (tx) => {
        await mail.send(verifyMail('rolled@example.com', 'tok-rb'), tx);
        throw new Error('the registration failed');
      }),
    ).rejects.toThrow('the registration failed');
    expect(await countRows(test.database)).toBe(0);
    expect(await mail.deliverPending()).toEqual({ sent: 0, retried: 0, failed: 0, held: 0 });

    await test.database.transaction(async (tx) => {
      await mail.send(verifyMail('committed@example.com', 'tok-c'), tx);
    });
    expect((await mail.deliverPending()).sent).toBe(1);
    await sink.waitFor((m) => recipientsOf(m).includes('committed@example.com'));
    expect(sink.messages.flatMap(recipientsOf)).not.toContain('rolled@example.com');
  });

  it('SMTP down: retries with exponential back-off and last_error, then delivers once the server is up', async () => {
    const port = await freePort();
    const mail = service({ config: { ...config, smtpUrl: `smtp://127.0.0.1:${port}` } });
    const id = await mail.enqueue(verifyMail('late@example.com', 'tok-late', 'usr_ann'));
    const start = clock.nowMs();

    expect(await mail.deliverPending()).toEqual({ sent: 0, retried: 1, failed: 0, held: 0 });
    let row = await rowOf(test.database, id);
    expect(row.status).toBe('queued');
    expect(row.attempts).toBe(1);
    expect(row.next_attempt_ms).toBe(start + 30_000);
    expect(row.last_error).toMatch(/ECONN/);
    expect(row.last_error).not.toContain('tok-late');

    // Not due yet: nothing is attempted.
    clock.advance(29_999);
    expect(await mail.deliverPending()).toEqual({ sent: 0, retried: 0, failed: 0, held: 0 });
    clock.advance(1);
    expect(await mail.deliverPending()).toEqual({ sent: 0, retried: 1, failed: 0, held: 0 });
    row = await rowOf(test.database, id);
    expect(row.attempts).toBe(2);
    expect(row.next_attempt_ms).toBe(clock.nowMs() + 60_000);

    const upSink = await startSmtpSink({ port });
    try {
      clock.advance(60_000);
      expect(await mail.deliverPending()).toEqual({ sent: 1, retried: 0, failed: 0, held: 0 });
      const received = await upSink.waitFor((m) => recipientsOf(m).includes('late@example.com'));
      expect(received.text).toContain(`${PUBLIC_URL}/verify-email?token=tok-late`);
      row = await rowOf(test.database, id);
      expect(row.status).toBe('sent');
      expect(row.attempts).toBe(3);
      expect(row.last_error).toBeNull();
    } finally {
      await upSink.close();
    }
  });

  it('gives up after attemptsMax, and at once when the server refuses the mail for good', async () => {
    const port = await freePort();
    const down = service({
      config: { ...config, smtpUrl: `smtp://127.0.0.1:${port}` },
      delivery: { attemptsMax: 2, backoffBaseMs: 1_000 },
    });
    const id = await down.enqueue(verifyMail('never@example.com', 'tok-n'));
    expect((await down.deliverPending()).retried).toBe(1);
    clock.advance(1_000);
    expect(await down.deliverPending()).toEqual({ sent: 0, retried: 0, failed: 1, held: 0 });
    expect(await rowOf(test.database, id)).toMatchObject({ status: 'failed', attempts: 2 });
    clock.advance(3_600_000);
    expect(await down.deliverPending()).toEqual({ sent: 0, retried: 0, failed: 0, held: 0 });

    sink.setReject(() => ({ message: 'No such mailbox', responseCode: 550 }));
    const up = service();
    const refusedId = await up.enqueue(verifyMail('nobody@example.com', 'tok-r'));
    expect(await up.deliverPending()).toEqual({ sent: 0, retried: 0, failed: 1, held: 0 });
    const refused = await rowOf(test.database, refusedId);
    expect(refused).toMatchObject({ status: 'failed', attempts: 1 });
    expect(refused.last_error).toContain('550 No such mailbox');
  });

  it('last_error never holds the mail’s link or the SMTP password, even when the server echoes them', async () => {
    sink.setReject((m) => ({
      message: `Refused: ${(m.text ?? '').replace(/\s+/g, ' ').slice(0, 300)}`,
      responseCode: 451,
    }));
    const mail = service();
    const id = await mail.enqueue(verifyMail('echo@example.com', 'tok-echoed-secret'));
    expect((await mail.deliverPending()).retried).toBe(1);
    const row = await rowOf(test.database, id);
    expect(row.last_error).toContain('451 Refused:');
    expect(row.last_error).toContain(REDACTED);
    expect(row.last_error).not.toContain('tok-echoed-secret');
    await test.database.query('DELETE FROM mail_outbox WHERE id = $1', [id]);

    const authSink = await startSmtpSink({ auth: { user: 'mailer', pass: 'right-password' } });
    try {
      const wrong = service({
        config: { ...config, smtpUrl: `smtp://mailer:hunter2-wrong@127.0.0.1:${authSink.port}` },
      });
      const authId = await wrong.enqueue(verifyMail('auth@example.com', 'tok-auth'));
      expect((await wrong.deliverPending()).retried).toBe(1);
      const authRow = await rowOf(test.database, authId);
      expect(authRow.last_error).toMatch(/^EAUTH: /);
      expect(authRow.last_error).not.toContain('hunter2-wrong');

      const right = service({ config: { ...config, smtpUrl: authSink.url } });
      clock.advance(30_000);
      expect((await right.deliverPending()).sent).toBe(1);
      await authSink.waitFor((m) => recipientsOf(m).includes('auth@example.com'));
    } finally {
      await authSink.close();
    }
  });

  it('two workers delivering at once never send a row twice', async () => {
    // A second connection, as a second process would have (PGlite has one connection: same database).
    let other: Database = test.database;
    if (test.url !== undefined) other = await openDatabase({ url: test.url });
    try {
      const first = service();
      const second = service({ database: other });
      const ids = new Set<string>();
      for (let i = 0; i < 12; i += 1)
        ids.add(await first.enqueue(verifyMail(`w${i}@example.com`, `tok-w${i}`)));
      const drain = async (worker: MailService): Promise<number> => {
        let sent = 0;
        for (;;) {
          const counts = await worker.deliverPending({ limit: 2 });
          if (counts.sent === 0) return sent;
          sent += counts.sent;
        }
      };
      const [a, b] = await Promise.all([drain(first), drain(second)]);
      expect(a + b).toBe(12);
      expect(sink.messages).toHaveLength(12);
      const messageIds = sink.messages.map((m) => m.messageId?.replace(/^<(.*)@ex\.example>$/, '$1'));
      expect(new Set(messageIds)).toEqual(ids);
    } finally {
      if (other !== test.database) await other.close();
    }
  });

  it('without SMTP, mails are held in the outbox and deliverPending sends nothing', async () => {
    const queuedEarlier = await service().enqueue(verifyMail('earlier@example.com', 'tok-e'));
    const held = service({ config: { ...config, smtpUrl: null } });
    expect(held.holdsMail).toBe(true);
    const id = await held.enqueue(verifyMail('held@example.com', 'tok-held', 'usr_ann'));
    expect((await rowOf(test.database, id)).status).toBe('held');
    // A row queued while SMTP was configured is held too, once a process without SMTP delivers.
    expect(await held.deliverPending()).toEqual({ sent: 0, retried: 0, failed: 0, held: 1 });
    expect(await held.deliverPending()).toEqual({ sent: 0, retried: 0, failed: 0, held: 0 });
    expect((await rowOf(test.database, queuedEarlier)).status).toBe('held');
    const row = await rowOf(test.database, id);
    expect(row).toMatchObject({ status: 'held', attempts: 0, message_id: null });
    // Held mail keeps its link in the database: it is the only copy until someone delivers it.
    expect(row.vars.verifyUrl).toBe(`${PUBLIC_URL}/verify-email?token=tok-held`);
    expect(sink.messages).toHaveLength(0);

    const page = await held.listOutbox({ status: 'held' });
    expect(page.items.map((item) => item.vars.verifyUrl)).toEqual([REDACTED, REDACTED]);
    await expect(held.retry(id, { actor: 'usr_admin' })).rejects.toMatchObject({
      code: 'MAIL_DELIVERY_DISABLED',
    });
  });

  it('retry queues a failed mail again with a fresh attempt count, audited; not a sent one', async () => {
    const entries: { entry: AuditEntryInput; inTransaction: boolean }[] = [];
    // Stands for the access module's audit sink; records whether the entry joins the retry's transaction.
    const audit = {
      record: async (entry: AuditEntryInput, within?: unknown) => {
        entries.push({ entry, inTransaction: within !== undefined && within !== test.database });
      },
    };
    sink.setReject(() => ({ message: 'Rejected for now', responseCode: 550 }));
    const mail = service({ audit });
    const id = await mail.enqueue(verifyMail('again@example.com', 'tok-again'));
    expect((await mail.deliverPending()).failed).toBe(1);
    sink.setReject(null);

    const item = await mail.retry(id, { actor: 'usr_admin', ip: '10.0.0.1' });
    expect(item).toMatchObject({ id, status: 'queued', attempts: 0, vars: { verifyUrl: REDACTED } });
    expect(entries).toEqual([
      {
        entry: {
          actor: 'usr_admin',
          action: 'mail.outbox.retry',
          target: id,
          ip: '10.0.0.1',
          before: { status: 'failed', attempts: 1 },
          after: { status: 'queued', attempts: 0 },
        },
        inTransaction: true,
      },
    ]);
    expect((await mail.deliverPending()).sent).toBe(1);
    await sink.waitFor((m) => recipientsOf(m).includes('again@example.com'));

    await expect(mail.retry(id, { actor: 'usr_admin' })).rejects.toMatchObject({ code: 'MAIL_ALREADY_SENT' });
    await expect(mail.retry('mail_doesnotexist', { actor: 'usr_admin' })).rejects.toMatchObject({
      code: 'MAIL_NOT_FOUND',
    });
    expect(entries).toHaveLength(1);
  });

  it('lists newest first with filters and cursor pages, secrets redacted', async () => {
    const mail = service();
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      clock.advance(1_000);
      ids.push(
        await mail.enqueue(verifyMail(i % 2 === 0 ? 'Even@Example.com' : 'odd@example.com', `tok-l${i}`)),
      );
    }
    clock.advance(1_000);
    ids.push(
      await mail.enqueue({
        to: 'odd@example.com',
        template: 'identity.password-changed',
        vars: { ip: '1.2.3.4' },
      }),
    );

    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      const result = await mail.listOutbox({ limit: 4, ...(cursor === undefined ? {} : { cursor }) });
      seen.push(...result.items.map((item) => item.id));
      for (const item of result.items) expect(JSON.stringify(item)).not.toContain('tok-l');
      if (result.nextCursor === null) break;
      cursor = result.nextCursor;
    }
    expect(seen).toEqual([...ids].reverse());

    const even = await mail.listOutbox({ to: 'even@example.COM' });
    expect(even.items.map((item) => item.id)).toEqual([ids[4], ids[2], ids[0]]);
    const changed = await mail.listOutbox({ template: 'identity.password-changed' });
    expect(changed.items).toHaveLength(1);
    expect(changed.items[0]?.vars).toEqual({ ip: '1.2.3.4' });
    expect((await mail.listOutbox({ status: 'sent' })).items).toEqual([]);
    await expect(mail.listOutbox({ cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(DomainError);
  });

  it('a delivery loop sends what is queued until stopped', async () => {
    const mail = service({ clock: undefined });
    const loop = mail.startDeliveryLoop({ intervalMs: 20 });
    await mail.send(verifyMail('loop@example.com', 'tok-loop'));
    await sink.waitFor((m) => recipientsOf(m).includes('loop@example.com'));
    await loop.stop();
    await mail.send(verifyMail('after-stop@example.com', 'tok-stop'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sink.messages.flatMap(recipientsOf)).not.toContain('after-stop@example.com');
  });
});
