// Support tickets over real HTTP (both modes): a user opens a ticket with an attachment; an agent
// sees it in the queue (SLA overdue flag), assigns it, notes internally, replies with a canned
// response (mailed, notified, audited); the user's view never shows the notes; statuses move as
// both sides act; a bad attachment refuses the ticket and stores nothing.
import { bothModes } from '@tradeloom/db/testing';
import type { SignedInUser } from '@tradeloom/identity/testing';
import { pngImage, upload } from '@tradeloom/kyc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

interface TicketBody {
  id: string;
  status: string;
  assigneeId?: string | null;
  overdue?: boolean;
  code?: string;
}
interface ThreadBody {
  ticket: TicketBody;
  messages: {
    id: string;
    authorKind: string;
    body: string;
    internal?: boolean;
    attachments: { url: string; fileName: string }[];
  }[];
  user?: { kycLevel: number; email: string; recentDeposits: unknown[]; recentWithdrawals: unknown[] };
}

const NOTE = 'Internal: user seems to have sent to the wrong network, check with finance';

describe.each(bothModes)('support tickets on %s', (mode) => {
  let tp: TestPlatform;
  let agent: SignedInUser;

  beforeAll(async () => {
    // Sessions outlive the hours the SLA test moves the clock by.
    tp = await startTestPlatform(mode, { env: { SESSION_IDLE_MINUTES: '1440' } });
    agent = await tp.admin('support');
  });

  afterAll(async () => {
    await tp?.stop();
  });

  it('a conversation with internal notes hidden from the user', async () => {
    const user = await tp.user({ totp: false });
    const opened = await user.browser.json<TicketBody>('POST', '/api/v1/support/tickets', {
      subject: 'Deposit not credited',
      category: 'deposit',
      priority: 'high',
      message: 'I sent 100 USDT two hours ago and do not see it.',
      attachments: [upload('screenshot.png', pngImage(400, 300))],
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expect(opened.body.status).toBe('open');
    const id = opened.body.id;

    // Users do not reach the agents' routes; nobody else reads the ticket.
    expect((await user.browser.json('GET', '/api/v1/admin/support/tickets')).status).toBe(403);
    const stranger = await tp.user({ totp: false });
    expect((await stranger.browser.json('GET', `/api/v1/support/tickets/${id}`)).status).toBe(404);

    // The queue: not overdue yet; past the 4 h first-response target of 'high' it is.
    const queue = async (query: string) =>
      (await agent.browser.json<{ tickets: TicketBody[] }>('GET', `/api/v1/admin/support/tickets?${query}`))
        .body.tickets;
    expect((await queue('status=open')).find((t) => t.id === id)).toMatchObject({
      overdue: false,
      assigneeId: null,
    });
    expect((await queue('overdue=true')).map((t) => t.id)).not.toContain(id);
    tp.clock.advance(4 * 3_600_000 + 1_000);
    expect((await queue('overdue=true')).map((t) => t.id)).toContain(id);

    const assigned = await agent.browser.json<TicketBody>(
      'POST',
      `/api/v1/admin/support/tickets/${id}/assign`,
      {
        assigneeId: 'me',
      },
    );
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    expect(assigned.body.assigneeId).toBe(agent.userId);
    expect((await queue('assignee=me')).map((t) => t.id)).toEqual([id]);
    const badAssignee = await agent.browser.json<TicketBody>(
      'POST',
      `/api/v1/admin/support/tickets/${id}/assign`,
      {
        assigneeId: user.userId,
      },
    );
    expect(badAssignee.body.code).toBe('SUPPORT_ASSIGNEE_INVALID');

    const note = await agent.browser.json('POST', `/api/v1/admin/support/tickets/${id}/notes`, {
      body: NOTE,
    });
    expect(note.status).toBe(200);
    const canned = await agent.browser.json<{ id: string }>(
      'POST',
      '/api/v1/admin/support/canned-responses',
      {
        title: 'Deposit under review',
        body: 'Thanks for writing. Your deposit is being checked and will be credited within the hour.',
      },
    );
    expect(canned.status).toBe(201);
    const replied = await agent.browser.json<TicketBody>(
      'POST',
      `/api/v1/admin/support/tickets/${id}/replies`,
      {
        cannedResponseId: canned.body.id,
      },
    );
    expect(replied.status, JSON.stringify(replied.body)).toBe(200);
    expect(replied.body).toMatchObject({ status: 'pending', overdue: false });

    // The user's view: their message and the reply, never the note.
    const mine = await user.browser.json<ThreadBody>('GET', `/api/v1/support/tickets/${id}`);
    expect(mine.status).toBe(200);
    expect(mine.body.messages.map((m) => m.authorKind)).toEqual(['user', 'agent']);
    expect(JSON.stringify(mine.body)).not.toContain('wrong network');
    expect(mine.body.messages[1]?.body).toContain('credited within the hour');
    const attachment = mine.body.messages[0]?.attachments[0];
    expect(attachment?.fileName).toBe('screenshot.png');
    const link = new URL(attachment?.url ?? '');
    const file = await fetch(`${tp.url}${link.pathname}${link.search}`);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(pngImage(400, 300))).toBe(true);

    // Mailed and notified once, for the reply only.
    const mails = await tp.running.database.query(
      'SELECT template, vars FROM mail_outbox WHERE to_address = $1 ORDER BY created_at',
      [user.email],
    );
    expect(mails.rows.map((r) => r.template)).toEqual(['support.reply']);
    expect(JSON.stringify(mails.rows)).not.toContain('wrong network');
    expect((mails.rows[0]?.vars as { reply?: string } | undefined)?.reply).toContain(
      'credited within the hour',
    );
    const centre = await user.browser.json<{ notifications: { category: string; link: string }[] }>(
      'GET',
      '/api/v1/notifications',
    );
    expect(centre.body.notifications).toEqual([
      expect.objectContaining({ category: 'support', link: `/support/tickets/${id}` }),
    ]);

    // The agent's view: the note, and the user's context.
    const full = await agent.browser.json<ThreadBody>('GET', `/api/v1/admin/support/tickets/${id}`);
    expect(full.body.messages.map((m) => [m.authorKind, m.internal])).toEqual([
      ['user', false],
      ['agent', true],
      ['agent', false],
    ]);
    expect(full.body.user).toEqual({
      email: user.email,
      kycLevel: 0,
      recentDeposits: [],
      recentWithdrawals: [],
    });

    // The user answers (open again), the agent resolves, the user closes; a closed ticket takes nothing.
    const answered = await user.browser.json<TicketBody>('POST', `/api/v1/support/tickets/${id}/messages`, {
      body: 'Thanks, I see it now.',
    });
    expect(answered.body.status).toBe('open');
    const resolved = await agent.browser.json<TicketBody>(
      'POST',
      `/api/v1/admin/support/tickets/${id}/status`,
      {
        status: 'resolved',
      },
    );
    expect(resolved.body.status).toBe('resolved');
    expect(
      (await user.browser.json<TicketBody>('POST', `/api/v1/support/tickets/${id}/close`)).body.status,
    ).toBe('closed');
    const late = await user.browser.json<TicketBody>('POST', `/api/v1/support/tickets/${id}/messages`, {
      body: 'One more',
    });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('SUPPORT_TICKET_CLOSED');

    const audit = await tp.running.database.query(
      "SELECT action FROM audit_log WHERE target = $1 AND action LIKE 'support.%' ORDER BY id",
      [`ticket:${id}`],
    );
    expect(audit.rows.map((r) => r.action)).toEqual([
      'support.ticket.assign',
      'support.ticket.note',
      'support.ticket.reply',
      'support.ticket.status',
    ]);
  });

  it('refuses a bad attachment with a clear code and stores nothing', async () => {
    const user = await tp.user({ totp: false });
    const before = await tp.running.platform.support.storage.list('');
    const answer = await user.browser.json<{ code: string; message: string }>(
      'POST',
      '/api/v1/support/tickets',
      {
        subject: 'Statement',
        category: 'account',
        priority: 'low',
        message: 'See the attached statement.',
        attachments: [upload('ok.png', pngImage(50, 50)), upload('statement.pdf', pngImage(50, 50))],
      },
    );
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('UPLOAD_TYPE_MISMATCH');
    expect(answer.body.message).toContain('attachments.1');
    const tickets = await user.browser.json<{ tickets: unknown[] }>('GET', '/api/v1/support/tickets');
    expect(tickets.body.tickets).toEqual([]);
    expect(await tp.running.platform.support.storage.list('')).toEqual(before);
  });
});
